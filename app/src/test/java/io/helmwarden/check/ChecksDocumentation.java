package io.helmwarden.check;

import java.util.List;
import java.util.stream.Collectors;

/** Renders the check catalog as the Markdown page people read in {@code config/checks/README.md}. */
final class ChecksDocumentation {

    private ChecksDocumentation() {
    }

    static String markdown(List<CheckDefinition> checks) {
        StringBuilder out = new StringBuilder("""
                # Checks

                Generated from the definitions in this folder (one YAML file per check) by `ChecksDocumentationTest`;
                do not edit by hand. Severity is the default: `helmwarden.checks.severity-overrides` changes it per
                fleet, and exemptions accept findings (see the README's configuration reference). The posture score
                of a Tiller is 100 minus 40 per critical, 20 per high, 8 per medium and 3 per low open finding
                (never below 0); a team's or cluster's score is the mean of its Tillers'.

                | check | severity | category | what it means | remediation |
                |---|---|---|---|---|
                """);
        for (CheckDefinition check : checks) {
            out.append("| `").append(check.id()).append("` | ").append(check.severity().label()).append(" | ")
                    .append(check.category()).append(" | **").append(cell(check.title())).append("** ")
                    .append(cell(check.rationale())).append(" | `").append(check.remediation()).append("` |\n");
        }
        out.append("\n## References\n\n");
        for (CheckDefinition check : checks) {
            out.append("- `").append(check.id()).append("`: ").append(check.references().stream()
                    .map(reference -> "[" + reference.title() + "](" + reference.url() + ")")
                    .collect(Collectors.joining(", "))).append('\n');
        }
        return out.toString();
    }

    private static String cell(String text) {
        return text.strip().replace("|", "\\|").replace("\n", " ");
    }
}
