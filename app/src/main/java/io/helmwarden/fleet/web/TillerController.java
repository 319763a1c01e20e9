package io.helmwarden.fleet.web;

import io.github.wimdeblauwe.htmx.spring.boot.mvc.HxRequest;
import io.helmwarden.check.CheckCatalog;
import io.helmwarden.check.CheckDefinition;
import io.helmwarden.check.Finding;
import io.helmwarden.check.RemediationGuide;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.fleet.TillerLookup;
import io.helmwarden.inventory.ReleaseRecord;
import io.helmwarden.inventory.ReleaseSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * A Tiller and one of its releases. Someone who may not see a Tiller gets the same 404 as for one that does
 * not exist, so ids cannot be probed. Everything comes from memory, except decoding the one release shown.
 */
@Controller
class TillerController {

    static final int RELEASES_PER_PAGE = 50;

    private final FleetState fleet;
    private final CheckCatalog catalog;
    private final TillerLookup access;

    private final RemediationGuide guide;

    TillerController(FleetState fleet, CheckCatalog catalog, TillerLookup access, RemediationGuide guide) {
        this.guide = guide;
        this.fleet = fleet;
        this.catalog = catalog;
        this.access = access;
    }

    @GetMapping("/tillers/{cluster}/{namespace}/{name}")
    String tiller(@PathVariable String cluster, @PathVariable String namespace, @PathVariable String name,
            @RequestParam(defaultValue = "1") int page, Authentication authentication, Model model) {
        addTiller(cluster, namespace, name, page, authentication, model);
        return "tiller/index";
    }

    /** The same URL answers htmx's polling with the live part of the page, so it follows the cluster. */
    @HxRequest
    @GetMapping("/tillers/{cluster}/{namespace}/{name}")
    String tillerFragment(@PathVariable String cluster, @PathVariable String namespace, @PathVariable String name,
            @RequestParam(defaultValue = "1") int page, Authentication authentication, Model model) {
        addTiller(cluster, namespace, name, page, authentication, model);
        return "tiller/index :: live";
    }

    private void addTiller(String cluster, String namespace, String name, int page, Authentication authentication,
            Model model) {
        var state = access.find(cluster, namespace, name, authentication);
        List<ReleaseHistory> histories = histories(state.tiller().records());
        int pages = Math.max(1, (histories.size() + RELEASES_PER_PAGE - 1) / RELEASES_PER_PAGE);
        int current = Math.min(Math.max(page, 1), pages);
        model.addAttribute("state", state);
        model.addAttribute("tiller", state.tiller());
        model.addAttribute("findings", findingViews(state.findings()));
        model.addAttribute("releases", histories.subList((current - 1) * RELEASES_PER_PAGE,
                Math.min(histories.size(), current * RELEASES_PER_PAGE)));
        model.addAttribute("releaseCount", histories.size());
        model.addAttribute("page", current);
        model.addAttribute("pages", pages);
    }

    @GetMapping("/tillers/{cluster}/{namespace}/{name}/releases/{release}")
    String release(@PathVariable String cluster, @PathVariable String namespace, @PathVariable String name,
            @PathVariable String release, Authentication authentication, Model model) {
        var state = access.find(cluster, namespace, name, authentication);
        List<ReleaseRecord> revisions = state.tiller().records().stream()
                .filter(record -> record.release().equals(release)).toList();
        if (revisions.isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        ReleaseRecord newest = revisions.get(0);
        ReleaseSummary summary = newest.summary()
                .orElseGet(() -> fleet.summary(cluster, state.tiller().storage().namespace(), newest));
        model.addAttribute("tiller", state.tiller());
        model.addAttribute("release", release);
        model.addAttribute("revisions", revisions);
        model.addAttribute("summary", summary);
        return "tiller/release";
    }


    /** Records grouped by release, newest revision first (records come sorted so). */
    static List<ReleaseHistory> histories(List<ReleaseRecord> records) {
        Map<String, List<ReleaseRecord>> byRelease = new LinkedHashMap<>();
        records.forEach(record -> byRelease.computeIfAbsent(record.release(), key -> new ArrayList<>()).add(record));
        return byRelease.values().stream().map(list -> new ReleaseHistory(list.get(0), list.size())).toList();
    }

    record ReleaseHistory(ReleaseRecord newest, int revisions) {
    }

    /**
     * One finding of a check, with the evidence of each of its occurrences: eight "can escalate" findings on one
     * Tiller read as one finding with eight lines of evidence, in the engine's order (worst first).
     */
    List<FindingView> findingViews(List<Finding> findings) {
        Map<String, List<Finding>> byCheck = new LinkedHashMap<>();
        findings.forEach(finding -> byCheck.computeIfAbsent(finding.checkId() + (finding.exempt() ? "/exempt" : ""),
                key -> new ArrayList<>()).add(finding));
        return byCheck.values().stream().map(same -> {
            CheckDefinition check = catalog.find(same.get(0).checkId()).orElseThrow();
            return new FindingView(same.get(0), check, same.stream().map(Finding::evidence).toList(),
                    guide.guided(check.remediation()).orElse(null));
        }).toList();
    }

    /** @param guide the guided remediation the finding offers, or null when its fix is described only */
    record FindingView(Finding finding, CheckDefinition check, List<String> evidence, RemediationGuide.Guided guide) {
    }
}
