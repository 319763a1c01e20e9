package io.helmwarden.fleet.web;

import io.github.wimdeblauwe.htmx.spring.boot.mvc.HxRequest;
import io.helmwarden.check.CheckCatalog;
import io.helmwarden.check.Finding;
import io.helmwarden.check.Severity;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.cluster.ClusterHealth;
import io.helmwarden.cluster.ClusterRegistry;
import io.helmwarden.cluster.ClusterStatus;
import io.helmwarden.fleet.ClusterInventory;
import io.helmwarden.fleet.ConvertedReleases;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.fleet.FleetView;
import io.helmwarden.fleet.PostureHistory;
import io.helmwarden.fleet.WayOut;
import io.helmwarden.tenancy.Visibility;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.tenancy.Teams;
import io.helmwarden.tenancy.Viewer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The fleet: every watched cluster, whether it is reachable, and every Tiller with its posture. */
@Controller
class FleetController {

    private final ClusterRegistry registry;
    private final ClusterHealth health;
    private final FleetState fleet;
    static final Duration POSTURE_WINDOW = Duration.ofDays(7);

    private final Teams teams;
    private final CheckCatalog catalog;
    private final PostureHistory history;
    private final Clock clock;
    private final ConvertedReleases converted;
    private final Visibility visibility;
    static final int TILLERS_PER_PAGE = 50;
    private static final java.time.format.DateTimeFormatter SAMPLE_TIME = java.time.format.DateTimeFormatter
            .ofPattern("MMM d HH:mm 'UTC'", java.util.Locale.ENGLISH).withZone(java.time.ZoneOffset.UTC);

    FleetController(ClusterRegistry registry, ClusterHealth health, FleetState fleet, Teams teams,
            CheckCatalog catalog, PostureHistory history, Clock clock, ConvertedReleases converted,
            Visibility visibility) {
        this.converted = converted;
        this.visibility = visibility;
        this.registry = registry;
        this.health = health;
        this.fleet = fleet;
        this.teams = teams;
        this.catalog = catalog;
        this.history = history;
        this.clock = clock;
    }

    @GetMapping("/")
    String fleet(FleetFilterFormData filter, @RequestParam(defaultValue = "1") String page,
            Authentication authentication, Model model) {
        addFleet(Viewer.of(authentication), filter, page, model);
        return "fleet/index";
    }

    /** The same URL answers htmx (filters, sorting, polling) with the fleet fragment only. */
    @HxRequest
    @GetMapping("/")
    String fleetFragment(FleetFilterFormData filter, @RequestParam(defaultValue = "1") String page,
            Authentication authentication, Model model) {
        addFleet(Viewer.of(authentication), filter, page, model);
        return "fleet/index :: fleet";
    }

    /** Only what the viewer may see: team people get their teams' clusters and Tillers, nothing else. */
    private void addFleet(Viewer viewer, FleetFilterFormData filter, String requestedPage, Model model) {
        FleetView view = fleet.visibleTo(viewer);
        List<ClusterRow> clusters = view.clusters().stream()
                .map(cluster -> new ClusterRow(cluster, health.status(cluster.id()), view.inventory(cluster.id())))
                .toList();
        model.addAttribute("clusters", clusters);
        model.addAttribute("reachableCount", clusters.stream()
                .filter(row -> row.status().reachability() == ClusterStatus.Reachability.REACHABLE).count());
        List<TillerRow> tillers = clusters.stream().flatMap(row -> row.inventory().stream())
                .flatMap(inventory -> inventory.tillers().stream().map(state -> new TillerRow(inventory, state)))
                .toList();
        model.addAttribute("allTillerCount", tillers.size());
        List<TillerRow> matching = filter.apply(tillers);
        // A fleet of hundreds is shown a page at a time: rendering every row made the page slow at scale.
        int pages = Math.max(1, (matching.size() + TILLERS_PER_PAGE - 1) / TILLERS_PER_PAGE);
        int page;
        try {
            page = Math.min(pages, Math.max(1, Integer.parseInt(requestedPage)));
        } catch (NumberFormatException e) {
            page = 1;
        }
        model.addAttribute("tillers", matching.subList((page - 1) * TILLERS_PER_PAGE,
                Math.min(matching.size(), page * TILLERS_PER_PAGE)));
        model.addAttribute("matchCount", matching.size());
        model.addAttribute("page", page);
        model.addAttribute("pages", pages);
        model.addAttribute("filter", filter);
        model.addAttribute("clusterChoices", clusters.stream().map(ClusterRow::cluster).toList());
        model.addAttribute("teamChoices", tillers.stream().map(row -> row.tiller().team().orElse("unowned")).distinct()
                .sorted().toList());
        model.addAttribute("severityChoices", FleetFilterFormData.severities());
        model.addAttribute("checkChoices", catalog.all());
        // The cards and the chart follow the filters: they answer "what is there to fix in what I look at".
        Map<Severity, Long> bySeverity = countBySeverity(matching.stream()
                .flatMap(row -> row.state().findings().stream()).toList());
        model.addAttribute("findingsBySeverity", bySeverity);
        model.addAttribute("byCheck", byCheck(matching));
        model.addAttribute("severityChart", SeverityChart.of(bySeverity));
        addWayOut(viewer, view, model);
        // Posture over time covers whole clusters: for those who may see whole clusters.
        if (viewer.seesEverything()) {
            Instant now = clock.instant();
            List<List<PostureHistory.Sample>> samples = clusters.stream()
                    .map(row -> history.since(row.cluster().id(), now.minus(POSTURE_WINDOW))).toList();
            model.addAttribute("postureChart", PostureChart.of(samples,
                    clusters.stream().map(row -> row.cluster().displayName()).toList(), now, POSTURE_WINDOW));
            model.addAttribute("wayOutThen", samples.stream().map(FleetController::earliestWayOut).toList());
        }
    }

    /** A cluster's way out as its earliest sample of the window recorded it, in words; null when none did. */
    private static String earliestWayOut(List<PostureHistory.Sample> samples) {
        return samples.stream().filter(sample -> sample.helm2Releases() != null).findFirst()
                .map(sample -> sample.helm2Releases() + " on Helm 2, " + sample.helm3Releases() + " on Helm 3 ("
                        + SAMPLE_TIME.format(sample.takenAt()) + ")").orElse(null);
    }

    /**
     * The way off Helm 2 for what the viewer sees: converted releases of Tillers (or teams) they may see, Helm 3
     * releases in namespaces they may see (for those who see whole clusters, the posture samples add where each stood).
     */
    private void addWayOut(Viewer viewer, FleetView view, Model model) {
        var all = converted.converted();
        java.util.function.Predicate<ConvertedReleases.Converted> visible = c -> view.tiller(c.tillerId()).isPresent()
                || visibility.maySeeOwnedBy(viewer, Optional.ofNullable(c.team()));
        WayOut.NamespaceFilter namespaces = (cluster, namespace) -> visibility.maySeeNamespace(viewer, cluster, namespace);
        java.util.function.Function<String, List<ClusterInventory.Helm3Release>> helm3 = id -> fleet.cluster(id)
                .map(ClusterInventory::helm3Releases).orElse(List.of());
        List<WayOut> perCluster = WayOut.perCluster(view, helm3, all, visible, namespaces);
        model.addAttribute("wayOut", perCluster);
        model.addAttribute("wayOutTotal", WayOut.total("all", perCluster));
        model.addAttribute("wayOutTeams", WayOut.perTeam(view, helm3, all, visible, namespaces, teams));
    }

    /**
     * "What do I fix first": each check that fails in what the viewer looks at, worst first, with how many
     * Tillers it fails on (each row links to those Tillers).
     */
    List<CheckRow> byCheck(List<TillerRow> tillers) {
        Map<String, List<Finding>> byCheck = tillers.stream().flatMap(row -> row.state().findings().stream())
                .filter(finding -> !finding.exempt() && finding.severity() != Severity.INFO)
                .collect(Collectors.groupingBy(Finding::checkId));
        return byCheck.entrySet().stream().map(entry -> new CheckRow(entry.getKey(),
                        catalog.find(entry.getKey()).map(check -> check.title()).orElse(entry.getKey()),
                        entry.getValue().stream().map(Finding::severity).min(Comparator.naturalOrder()).orElseThrow(),
                        entry.getValue().stream().map(Finding::tillerId).distinct().count()))
                .sorted(Comparator.comparing(CheckRow::severity).thenComparing(CheckRow::tillers, Comparator.reverseOrder())
                        .thenComparing(CheckRow::checkId))
                .toList();
    }

    record CheckRow(String checkId, String title, Severity severity, long tillers) {
    }

    static Map<Severity, Long> countBySeverity(List<Finding> findings) {
        Map<Severity, Long> counts = new EnumMap<>(Severity.class);
        for (Severity severity : Severity.values()) {
            counts.put(severity, 0L);
        }
        findings.stream().filter(finding -> !finding.exempt())
                .collect(Collectors.groupingBy(Finding::severity, Collectors.counting()))
                .forEach(counts::put);
        return counts;
    }

    record ClusterRow(Cluster cluster, ClusterStatus status, Optional<ClusterInventory> inventory) {

        public int tillerCount() {
            return inventory.map(i -> i.tillers().size()).orElse(0);
        }

        public String score() {
            return inventory.flatMap(i -> i.score().isPresent() ? Optional.of(Integer.toString(i.score().getAsInt()))
                    : Optional.empty()).orElse("—");
        }

        public Map<String, String> watchErrors() {
            return inventory.map(ClusterInventory::errors).orElse(Map.of());
        }
    }

}
