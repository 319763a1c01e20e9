package io.helmwarden.remediation.web;

import io.helmwarden.remediation.PlanRefused;
import io.helmwarden.web.ViewerAdvice;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.servlet.ModelAndView;

/**
 * A remediation that cannot start — its plan refuses, another run holds the Tiller, the run is not in a state
 * the action applies to — answers 409 with the reason, wherever it was asked for; a programming error stays a
 * 500 and is not dressed up as a refusal.
 */
@ControllerAdvice
class RemediationRefusals {

    @ExceptionHandler(PlanRefused.class)
    @ResponseStatus(HttpStatus.CONFLICT)
    ModelAndView refused(PlanRefused refused, HttpServletRequest request, Authentication authentication) {
        ModelAndView page = new ModelAndView("remediation/refused");
        // Exception handlers build their model themselves: the layout's header needs the viewer.
        page.addObject("viewer", ViewerAdvice.signedIn(authentication));
        page.addObject("reason", refused.getMessage());
        // The same address without the action answers GET with what the person came from (the plan, the run).
        page.addObject("back", request.getRequestURI().replaceFirst("/(rollback|resume|delete-backups)$", ""));
        return page;
    }
}
