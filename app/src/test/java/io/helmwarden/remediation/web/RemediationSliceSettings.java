package io.helmwarden.remediation.web;

import io.helmwarden.remediation.RemediationProperties;
import java.time.Duration;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** What the remediation slices run with: team leads may run remediations; history is limited to 200 revisions. */
@TestConfiguration
class RemediationSliceSettings {

    @Bean
    RemediationProperties remediationProperties() {
        return new RemediationProperties(Duration.ofDays(7), 200, false, true);
    }
}
