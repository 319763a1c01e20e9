package io.helmwarden;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** Features talk to each other through their top-level packages only, and without cycles. */
class ModularityTest {

    @Test
    void featureBoundariesHold() {
        ApplicationModules.of(HelmWardenApplication.class).verify();
    }
}
