package io.helmwarden.check;

import io.helmwarden.inventory.Tiller;
import io.helmwarden.tenancy.Teams;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** Judges Tillers: every check of the catalog, then the fleet's severity overrides and exemptions. */
@Component
public class CheckEngine {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");

    private final CheckCatalog catalog;
    private final CheckPolicy policy;
    private final Teams teams;

    public CheckEngine(CheckCatalog catalog, CheckPolicy policy, Teams teams) {
        this.catalog = catalog;
        this.policy = policy;
        this.teams = teams;
    }

    public List<Finding> evaluate(Tiller tiller, Instant now) {
        var context = new TillerChecks.Context(now, policy.certificateExpiryWarning(), teams);
        Set<String> annotatedExempt = Arrays.stream(tiller.annotations()
                        .getOrDefault(CheckPolicy.EXEMPT_ANNOTATION, "").split(","))
                .map(String::trim).filter(id -> !id.isEmpty()).collect(Collectors.toSet());
        String annotatedReason = tiller.annotations().getOrDefault(CheckPolicy.EXEMPT_REASON_ANNOTATION,
                "exempted by annotation " + CheckPolicy.EXEMPT_ANNOTATION);
        List<Finding> findings = new ArrayList<>();
        for (CheckDefinition check : catalog.all()) {
            for (TillerChecks.Evidence evidence : TillerChecks.CHECKS.get(check.id()).apply(tiller, context)) {
                Severity severity = Optional.ofNullable(policy.severityOverrides().get(check.id()))
                        .orElse(evidence.severity().orElse(check.severity()));
                Optional<String> exemption = annotatedExempt.contains(check.id()) ? Optional.of(annotatedReason)
                        : policy.exemptions().stream()
                                .filter(e -> e.covers(check.id(), tiller.cluster(), tiller.namespace()))
                                .map(CheckPolicy.Exemption::reason).findFirst();
                findings.add(new Finding(check.id(), check.title(), check.category(), severity, tiller.id(),
                        tiller.cluster(), tiller.namespace(), tiller.team(), render(check.evidence(), evidence.values()),
                        check.remediation(), exemption));
            }
        }
        return findings;
    }

    /** Fills {@code {name}} placeholders; an unknown one stays visible rather than vanishing. */
    static String render(String template, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(matcher.group(1), matcher.group())));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
