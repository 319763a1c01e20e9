package io.helmwarden.web;

import io.helmwarden.tenancy.Viewer;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Puts the signed-in {@link Viewer} into every page's model, for the header and for the pages. */
@ControllerAdvice
public class ViewerAdvice {

    @ModelAttribute("viewer")
    Viewer viewer(Authentication authentication) {
        return signedIn(authentication);
    }

    /** The viewer, or null for nobody signed in (exception handlers build their model themselves). */
    public static Viewer signedIn(Authentication authentication) {
        return authentication == null || authentication instanceof AnonymousAuthenticationToken ? null
                : Viewer.of(authentication);
    }
}
