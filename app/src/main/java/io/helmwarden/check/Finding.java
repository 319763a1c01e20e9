package io.helmwarden.check;

import java.util.Optional;

/**
 * A check that fails for one Tiller, with the evidence that proves it.
 *
 * @param exemption why the finding is accepted, when an exemption covers it (it then costs no score)
 */
public record Finding(String checkId, String title, String category, Severity severity, String tillerId,
        String cluster, String namespace, Optional<String> team, String evidence, String remediation,
        Optional<String> exemption) {

    public boolean exempt() {
        return exemption.isPresent();
    }
}
