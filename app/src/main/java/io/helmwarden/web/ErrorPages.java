package io.helmwarden.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.beans.TypeMismatchException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.web.servlet.ModelAndView;

/**
 * A status a controller answers (404 for what is missing or not the viewer's, 400, 409) reaches a browser as
 * the error page in the layout, with navigation and a way back; the JSON API and clients asking for JSON get
 * problem+json. Another team's object and a missing one take this same path, so their answers are identical.
 */
@ControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ErrorPages {

    /** What Spring MVC itself refuses (an unknown address, a wrong method, a malformed parameter) too. */
    @ExceptionHandler({ResponseStatusException.class, NoResourceFoundException.class,
            HttpRequestMethodNotSupportedException.class, MissingServletRequestParameterException.class,
            TypeMismatchException.class})
    Object status(Exception e, HttpServletRequest request, Authentication authentication) {
        HttpStatusCode status = e instanceof ErrorResponse response ? response.getStatusCode() : HttpStatus.BAD_REQUEST;
        if (wantsJson(request)) {
            ProblemDetail problem = ProblemDetail.forStatus(status);
            problem.setInstance(java.net.URI.create(request.getRequestURI()));
            return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
        }
        var page = new ModelAndView("error", status);
        page.addObject("viewer", ViewerAdvice.signedIn(authentication));
        page.addObject("status", status.value());
        HttpStatus known = HttpStatus.resolve(status.value());
        page.addObject("error", known == null ? "Error" : known.getReasonPhrase());
        return page;
    }

    static boolean wantsJson(HttpServletRequest request) {
        if (request.getRequestURI().startsWith(request.getContextPath() + "/api/")) {
            return true;
        }
        // A browser names text/html; a client naming JSON (and not HTML) gets JSON.
        String accept = String.valueOf(request.getHeader("Accept")).toLowerCase();
        if (accept.contains("text/html")) {
            return false;
        }
        return accept.contains("json");
    }
}
