package io.helmwarden.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** Where a signed-in person lands when no role is mapped to their groups, or a page is not theirs to see. */
@Controller
class NoAccessController {

    /** Access-denied handling forwards here with status 403; asked for directly, it is just a page. */
    @GetMapping("/no-access")
    String noAccess() {
        return "no-access";
    }
}
