package io.helmwarden.web;

import io.github.wimdeblauwe.htmx.spring.boot.mvc.HxRequest;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.cluster.ClusterHealth;
import io.helmwarden.cluster.ClusterRegistry;
import io.helmwarden.cluster.ClusterStatus;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The fleet: every watched cluster and whether Helm Warden can reach it. Reads memory only. */
@Controller
class FleetController {

    private final ClusterRegistry registry;
    private final ClusterHealth health;

    FleetController(ClusterRegistry registry, ClusterHealth health) {
        this.registry = registry;
        this.health = health;
    }

    @GetMapping("/")
    String fleet(Model model) {
        addClusters(model);
        return "fleet/index";
    }

    /** The same URL answers htmx's polling with the clusters fragment only. */
    @HxRequest
    @GetMapping("/")
    String clusters(Model model) {
        addClusters(model);
        return "fleet/index :: clusters";
    }

    private void addClusters(Model model) {
        List<ClusterRow> rows = registry.all().stream()
                .map(cluster -> new ClusterRow(cluster, health.status(cluster.id())))
                .toList();
        model.addAttribute("clusters", rows);
        model.addAttribute("reachableCount", rows.stream()
                .filter(row -> row.status().reachability() == ClusterStatus.Reachability.REACHABLE).count());
    }

    record ClusterRow(Cluster cluster, ClusterStatus status) {
    }
}
