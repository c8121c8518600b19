package com.trainingservice.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.web.firewall.FirewalledRequest;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Spring Security's strict firewall, judging the path as it was sent. Encoded slashes and NULs inside a path
 * segment are let through: the controllers refuse them with a problem naming the path variable (a malformed job
 * id), and the security rules match the same parsed path the controllers do (path patterns on the request URI,
 * segment by segment), so a segment cannot mean one thing to one and another to the other. The decoded path info
 * is not checked for {@code ..}: it is not what anything here matches on (Tomcat refuses encoded slashes before
 * this anyway). Everything else the strict firewall refuses ({@code ;}, {@code //}, {@code %25}, backslashes,
 * control characters, a {@code ..} segment in the URI, odd methods, header values) it still refuses.
 */
final class ApiFirewall implements HttpFirewall {

    private final StrictHttpFirewall strict = new StrictHttpFirewall();

    ApiFirewall() {
        strict.setAllowUrlEncodedSlash(true);
        strict.setAllowNull(true);
    }

    @Override
    public FirewalledRequest getFirewalledRequest(HttpServletRequest request) {
        PathAsSent checked = new PathAsSent(request);
        FirewalledRequest firewalled = strict.getFirewalledRequest(checked); // the path checks happen here, at once
        checked.checked = true;
        return firewalled;
    }

    @Override
    public HttpServletResponse getFirewalledResponse(HttpServletResponse response) {
        return strict.getFirewalledResponse(response);
    }

    /** Hides the decoded path info while the firewall checks the request; everything after it sees the request unchanged. */
    private static final class PathAsSent extends HttpServletRequestWrapper {

        private boolean checked;

        PathAsSent(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getPathInfo() {
            return checked ? super.getPathInfo() : null;
        }
    }
}
