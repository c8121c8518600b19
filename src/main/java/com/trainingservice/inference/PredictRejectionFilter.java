package com.trainingservice.inference;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Publishes a {@link PredictionRejected} for every predict request answered with an error, by the status the
 * client got. A filter, not the controller, because some requests are refused before the controller is
 * reached (an unsupported content type, a malformed id or body, a too large upload); the errors themselves
 * are answered by the web advice as always.
 */
@Component
class PredictRejectionFilter extends OncePerRequestFilter {

    private static final Pattern PREDICT = Pattern.compile("/api/v1/models/[^/]+/predict");

    private final ApplicationEventPublisher publisher;

    PredictRejectionFilter(ApplicationEventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !"POST".equals(request.getMethod()) || !PREDICT.matcher(path).matches();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (ServletException | IOException | RuntimeException e) {
            PredictEvents.publish(publisher, new PredictionRejected(PredictionRejected.INTERNAL));
            throw e;
        }
        if (response.getStatus() >= 400) {
            PredictEvents.publish(publisher, new PredictionRejected(PredictionRejected.forStatus(response.getStatus())));
        }
    }
}
