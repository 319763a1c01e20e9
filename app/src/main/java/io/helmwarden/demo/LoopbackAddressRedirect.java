package io.helmwarden.demo;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Demo only: sends {@code http://localhost:PORT/...} to {@code http://127.0.0.1:PORT/...}. The demo's
 * provider accepts loopback redirects by IP literal only (OAuth 2.1 discourages "localhost"), and the
 * session cookie must live on the host the sign-in returns to.
 */
@Component
@ConditionalOnBooleanProperty("helmwarden.demo.enabled")
@Order(Ordered.HIGHEST_PRECEDENCE)
class LoopbackAddressRedirect extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if ("localhost".equalsIgnoreCase(request.getServerName()) && "GET".equals(request.getMethod())) {
            String query = request.getQueryString() == null ? "" : "?" + request.getQueryString();
            response.sendRedirect("http://127.0.0.1:" + request.getServerPort() + request.getRequestURI() + query);
            return;
        }
        chain.doFilter(request, response);
    }
}
