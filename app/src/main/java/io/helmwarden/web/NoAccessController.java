package io.helmwarden.web;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** Where a signed-in person lands when no role is mapped to their groups, or a page is not theirs to see. */
@Controller
class NoAccessController {

    /** The same words as a refused request's error page: signed in, but no role (or not this page). */
    @GetMapping("/no-access")
    String noAccess(Model model) {
        model.addAttribute("status", 403);
        return "error";
    }
}
