package com.trainingservice.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * 401 as the rest of the API answers errors: RFC 9457 problem details with {@code errors: [{field, reason}]},
 * and {@code WWW-Authenticate: Bearer} (RFC 6750; {@code error="invalid_token"} when a key was sent but is
 * not valid). The key itself is never repeated.
 */
class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

    static final String HOW = "send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'";

    private final ProblemWriter problems;

    ProblemAuthenticationEntryPoint(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        String field;
        String reason;
        String challenge;
        if (exception instanceof InvalidApiKeyException invalid) {
            field = invalid.header();
            reason = "the API key is not valid";
            challenge = "Bearer error=\"invalid_token\"";
        } else {
            field = HttpHeaders.AUTHORIZATION;
            reason = "this endpoint needs an API key: " + HOW;
            challenge = "Bearer";
        }
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
        problems.write(request, response, HttpStatus.UNAUTHORIZED, "Unauthorized", field, reason);
    }
}
