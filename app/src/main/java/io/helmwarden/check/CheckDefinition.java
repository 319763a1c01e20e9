package io.helmwarden.check;

import java.util.List;

/**
 * One check as its YAML file ({@code config/checks/<id>.yaml}) defines it: what it means to people. What
 * it looks at is code ({@link TillerChecks}); how severe it is for a given fleet may be overridden.
 *
 * @param evidence a template: {@code {deployment}}, {@code {detail}} and the check's own placeholders
 */
public record CheckDefinition(String id, String title, String category, Severity severity, String rationale,
        String evidence, String remediation, List<Reference> references) {

    public record Reference(String title, String url) {
    }
}
