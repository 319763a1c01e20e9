package io.helmwarden.request.web;

import io.helmwarden.cluster.ClusterRegistry;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.inventory.TillerId;
import io.helmwarden.remediation.PersonRights;
import io.helmwarden.remediation.PlanRefused;
import io.helmwarden.remediation.RemediationKind;
import io.helmwarden.remediation.RunParameters;
import io.helmwarden.request.TillerRequest;
import io.helmwarden.request.TillerRequests;
import io.helmwarden.tenancy.Role;
import io.helmwarden.tenancy.Teams;
import io.helmwarden.tenancy.Viewer;
import io.helmwarden.tenancy.Visibility;
import io.helmwarden.web.Audits;
import io.helmwarden.web.ObjectAccess;
import io.helmwarden.web.TypedConfirmation;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Tiller requests: team leads ask for a Tiller for their own teams, platform admins see the queue and approve
 * (with the provisioning plan in front of them) or reject with a comment, requesters may withdraw before a
 * decision. Everyone involved — the team's people, admins, auditors — sees a request and its history; others
 * get 404.
 */
@Controller
class TillerRequestController {

    private final TillerRequests requests;
    private final ClusterRegistry clusters;
    private final ObjectAccess access;
    private final Teams teams;

    private final Visibility visibility;
    private final PersonRights personRights;

    TillerRequestController(TillerRequests requests, ClusterRegistry clusters, ObjectAccess access, Teams teams,
            Visibility visibility, PersonRights personRights) {
        this.personRights = personRights;
        this.visibility = visibility;
        this.requests = requests;
        this.clusters = clusters;
        this.access = access;
        this.teams = teams;
    }

    @GetMapping("/tiller-requests")
    String list(Authentication authentication, Model model) {
        Viewer viewer = Viewer.of(authentication);
        List<TillerRequest> visible = requests.all().stream()
                .filter(request -> visibility.maySeeTeam(viewer, request.team()))
                // The queue first: what waits for a decision, oldest first; then the rest, newest first.
                .sorted(Comparator.comparing((TillerRequest r) -> r.state() != TillerRequest.State.SUBMITTED))
                .toList();
        model.addAttribute("requests", visible);
        model.addAttribute("mayRequest", !viewer.leads().isEmpty());
        return "request/index";
    }

    @GetMapping("/tiller-requests/new")
    String form(Authentication authentication, Model model) {
        Viewer viewer = mayRequest(authentication);
        addForm(viewer, model, new TillerRequests.Draft(viewer.leads().stream().sorted().findFirst().orElse(""), "", "",
                "", requests.properties().defaultHistoryMax(), requests.properties().helmVersions().get(0)), Map.of());
        return "request/new";
    }

    @PostMapping("/tiller-requests")
    String submit(@RequestParam(defaultValue = "") String team, @RequestParam(defaultValue = "") String cluster,
            @RequestParam(defaultValue = "") String namespaces, @RequestParam(defaultValue = "") String justification,
            @RequestParam(defaultValue = "0") String historyMax, @RequestParam(defaultValue = "") String helmVersion,
            Authentication authentication, Model model, HttpServletResponse response) {
        Viewer viewer = mayRequest(authentication);
        int history;
        try {
            history = Integer.parseInt(historyMax.strip());
        } catch (NumberFormatException e) {
            history = -1;
        }
        var draft = new TillerRequests.Draft(team, cluster, namespaces, justification, history, helmVersion);
        if (!viewer.leads().contains(team)) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            addForm(viewer, model, draft, Map.of("team", "You may request a Tiller only for a team you lead."));
            return "request/new";
        }
        try {
            TillerRequest request = requests.submit(draft, Audits.actor(authentication));
            return "redirect:/tiller-requests/" + request.id();
        } catch (TillerRequests.Invalid e) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            addForm(viewer, model, draft, e.errors());
            return "request/new";
        }
    }

    @GetMapping("/tiller-requests/{id}")
    String detail(@PathVariable String id, Authentication authentication, Model model) {
        addDetail(visible(id, authentication), Viewer.of(authentication), authentication, model);
        return "request/detail";
    }

    @PostMapping("/tiller-requests/{id}/approve")
    String approve(@PathVariable String id, @RequestParam(defaultValue = "") String comment,
            Authentication authentication, Model model, HttpServletResponse response) {
        TillerRequest request = visible(id, authentication);
        requireAdmin(authentication);
        var plan = requests.plan(request);
        refuseWhatTheClusterWouldDeny(RemediationKind.PROVISION_TILLER, plan.tillerId(), plan.parameters(), authentication);
        return act(request, authentication, model, response,
                () -> requests.approve(id, comment.isBlank() ? null : comment.strip(), Audits.actor(authentication)));
    }

    @PostMapping("/tiller-requests/{id}/reject")
    String reject(@PathVariable String id, @RequestParam(defaultValue = "") String comment,
            Authentication authentication, Model model, HttpServletResponse response) {
        TillerRequest request = visible(id, authentication);
        requireAdmin(authentication);
        return act(request, authentication, model, response,
                () -> requests.reject(id, comment, Audits.actor(authentication)));
    }

    @PostMapping("/tiller-requests/{id}/withdraw")
    String withdraw(@PathVariable String id, Authentication authentication, Model model, HttpServletResponse response) {
        TillerRequest request = visible(id, authentication);
        if (!request.requestedBy().equals(Audits.actor(authentication).subject())) {
            throw new AccessDeniedException("only the requester withdraws " + id);
        }
        return act(request, authentication, model, response,
                () -> requests.withdraw(id, Audits.actor(authentication)));
    }

    @PostMapping("/tiller-requests/{id}/decommission")
    String requestDecommission(@PathVariable String id, @RequestParam(defaultValue = "") String comment,
            Authentication authentication, Model model, HttpServletResponse response) {
        TillerRequest request = visible(id, authentication);
        if (!Viewer.of(authentication).leads().contains(request.team())) {
            throw new AccessDeniedException("only the team's leads ask to decommission " + id);
        }
        return act(request, authentication, model, response,
                () -> requests.requestDecommission(id, comment, Audits.actor(authentication)));
    }

    @PostMapping("/tiller-requests/{id}/decommission/approve")
    String approveDecommission(@PathVariable String id, @RequestParam(defaultValue = "false") boolean keepRecords,
            TypedConfirmation confirmation, Authentication authentication, Model model,
            HttpServletResponse response) {
        TillerRequest request = visible(id, authentication);
        requireAdmin(authentication);
        // Removing a Tiller is confirmed like every destructive action: by its full name.
        String tiller = new TillerId(request.cluster(), request.tillerNamespace(), HelmInit.DEPLOYMENT_NAME).toString();
        if (!confirmation.confirms(tiller)) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("error", TypedConfirmation.ask(tiller, "the decommissioning"));
            addDetail(request, Viewer.of(authentication), authentication, model);
            return "request/detail";
        }
        var plan = requests.decommissionPlan(request, keepRecords);
        refuseWhatTheClusterWouldDeny(RemediationKind.DECOMMISSION_TILLER, plan.tillerId(), plan.parameters(),
                authentication);
        return act(request, authentication, model, response,
                () -> requests.approveDecommission(id, keepRecords, Audits.actor(authentication)));
    }

    @PostMapping("/tiller-requests/{id}/decommission/decline")
    String declineDecommission(@PathVariable String id, @RequestParam(defaultValue = "") String comment,
            Authentication authentication, Model model, HttpServletResponse response) {
        TillerRequest request = visible(id, authentication);
        requireAdmin(authentication);
        return act(request, authentication, model, response,
                () -> requests.declineDecommission(id, comment, Audits.actor(authentication)));
    }

    private String act(TillerRequest request, Authentication authentication, Model model, HttpServletResponse response,
            java.util.function.Supplier<TillerRequest> action) {
        try {
            return "redirect:/tiller-requests/" + action.get().id();
        } catch (TillerRequests.Conflict e) {
            response.setStatus(HttpServletResponse.SC_CONFLICT);
            model.addAttribute("error", e.getMessage());
        } catch (TillerRequests.Invalid e) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("error", e.getMessage());
        }
        addDetail(requests.find(request.id()).orElseThrow(), Viewer.of(authentication), authentication, model);
        return "request/detail";
    }

    /** Where the cluster acts as the person, what its API server would deny them does not start (409, named). */
    private void refuseWhatTheClusterWouldDeny(RemediationKind kind, TillerId tiller, RunParameters parameters,
            Authentication authentication) {
        personRights.check(kind, tiller.toString(), tiller.namespace(), parameters, Audits.actor(authentication))
                .flatMap(PersonRights.Check::refusal).ifPresent(reason -> {
                    throw new PlanRefused(reason);
                });
    }

    private void addDetail(TillerRequest request, Viewer viewer, Authentication authentication, Model model) {
        boolean admin = viewer.roles().contains(Role.PLATFORM_ADMIN);
        boolean pending = request.state() == TillerRequest.State.SUBMITTED;
        model.addAttribute("request", request);
        model.addAttribute("mayDecide", admin && pending);
        model.addAttribute("mayWithdraw", pending && request.requestedBy().equals(Audits.actor(authentication).subject()));
        model.addAttribute("mayAskDecommission", request.state() == TillerRequest.State.READY
                && viewer.leads().contains(request.team()));
        boolean decommissionPending = request.state() == TillerRequest.State.DECOMMISSION_REQUESTED;
        model.addAttribute("mayDecideDecommission", admin && decommissionPending);
        if (admin && decommissionPending) {
            var plan = requests.decommissionPlan(request, false);
            model.addAttribute("decommission", plan);
            model.addAttribute("rightsCheck", personRights.check(RemediationKind.DECOMMISSION_TILLER,
                    plan.tillerId().toString(), plan.tillerId().namespace(), plan.parameters(),
                    Audits.actor(authentication)).orElse(null));
        }
        if (admin && pending) {
            var plan = requests.plan(request);
            model.addAttribute("plan", plan);
            model.addAttribute("rightsCheck", personRights.check(RemediationKind.PROVISION_TILLER,
                    plan.tillerId().toString(), plan.tillerId().namespace(), plan.parameters(),
                    Audits.actor(authentication)).orElse(null));
        }
    }

    private void addForm(Viewer viewer, Model model, TillerRequests.Draft draft, Map<String, String> errors) {
        model.addAttribute("teams", viewer.leads().stream().sorted().toList());
        // Only clusters where a team the person leads owns namespaces: any other cluster's page is a 404 to them.
        model.addAttribute("clusters", clusters.all().stream().filter(cluster -> viewer.leads().stream()
                .flatMap(lead -> teams.find(lead).stream())
                .anyMatch(team -> team.namespaces().containsKey(cluster.id()))).toList());
        model.addAttribute("versions", requests.properties().helmVersions());
        // What the form offers: per team the person leads, its Tiller namespace and, per cluster, the namespaces
        // it owns there that a Tiller may deploy to. Other teams' namespaces are never suggested.
        model.addAttribute("choices", viewer.leads().stream().sorted().flatMap(lead -> teams.find(lead).stream())
                .map(team -> {
                    String tillerNamespace = requests.properties().tillerNamespace(team.id());
                    return new TeamChoice(team.id(), tillerNamespace, new java.util.TreeMap<>(team.namespaces()
                            .entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                                    entry -> entry.getValue().stream().filter(ns -> !ns.equals(tillerNamespace))
                                            .sorted().toList()))));
                }).toList());
        model.addAttribute("draft", draft);
        model.addAttribute("errors", errors);
    }

    /** A team the person may request a Tiller for: where it would live, and what it could deploy to. */
    record TeamChoice(String team, String tillerNamespace, Map<String, List<String>> namespacesByCluster) {
    }

    private TillerRequest visible(String id, Authentication authentication) {
        Viewer viewer = Viewer.of(authentication);
        return access.ownedOrNotFound(requests.find(id), request -> Optional.of(request.team()), authentication,
                event -> event.target(null, null, null, "Tiller request " + id),
                request -> event -> event.target(request.team(), request.cluster(), request.tillerNamespace(),
                        "Tiller request " + request.id()));
    }

    private static Viewer mayRequest(Authentication authentication) {
        Viewer viewer = Viewer.of(authentication);
        if (viewer.leads().isEmpty()) {
            throw new AccessDeniedException("only team leads request Tillers");
        }
        return viewer;
    }

    private static void requireAdmin(Authentication authentication) {
        if (!Viewer.of(authentication).roles().contains(Role.PLATFORM_ADMIN)) {
            throw new AccessDeniedException("only platform admins decide on Tiller requests");
        }
    }
}
