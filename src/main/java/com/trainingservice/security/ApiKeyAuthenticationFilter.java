package com.trainingservice.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request that carries an API key, in {@code X-API-Key} or as {@code Authorization: Bearer}; the
 * principal's name is the key's id. A request without a key goes on anonymous (the authorization rules decide
 * whether that is enough); one with a key that is not valid is answered 401 at once, whatever the endpoint, so a
 * client with a wrong key finds out on its first call.
 */
class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    static final String API_KEY_HEADER = "X-API-Key";
    /** What every caller with a valid key is: {@code management.endpoint.health.roles} may name it. */
    static final String ROLE = "ROLE_API_CLIENT";
    private static final String BEARER = "bearer ";

    private final ApiKeys keys;
    private final AuthenticationEntryPoint entryPoint;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    ApiKeyAuthenticationFilter(ApiKeys keys, AuthenticationEntryPoint entryPoint) {
        this.keys = keys;
        this.entryPoint = entryPoint;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<Presented> presented = presented(request);
        if (presented.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        Optional<String> id = keys.identify(presented.get().key());
        if (id.isEmpty()) {
            contexts.clearContext();
            entryPoint.commence(request, response, new InvalidApiKeyException(presented.get().header()));
            return;
        }
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(id.get(), null,
                List.of(new SimpleGrantedAuthority(ROLE))));
        contexts.setContext(context);
        chain.doFilter(request, response);
    }

    /** X-API-Key first, then a Bearer Authorization; any other Authorization scheme is no key. */
    private static Optional<Presented> presented(HttpServletRequest request) {
        String apiKey = request.getHeader(API_KEY_HEADER);
        if (apiKey != null) {
            return Optional.of(new Presented(API_KEY_HEADER, apiKey.strip()));
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.of(new Presented(HttpHeaders.AUTHORIZATION, authorization.substring(BEARER.length()).strip()));
        }
        return Optional.empty();
    }

    private record Presented(String header, String key) {
    }
}
