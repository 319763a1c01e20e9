package io.helmwarden.check;

import java.util.Optional;

/**
 * Which checks lead to a guided remediation: a check names its remediation by id ({@link CheckDefinition#remediation()}),
 * and the remediation feature answers whether Helm Warden runs it (checks know no remediation code).
 */
public interface RemediationGuide {

    /**
     * @param id    the remediation's id, as its preview's URL names it
     * @param offer what the button on the finding says
     */
    record Guided(String id, String offer) {
    }

    /** The guided remediation a check's remediation id leads to; empty when the check only describes the fix. */
    Optional<Guided> guided(String remediationId);
}
