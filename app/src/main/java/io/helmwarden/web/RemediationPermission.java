package io.helmwarden.web;

import io.helmwarden.inventory.Tiller;
import io.helmwarden.tenancy.Role;
import io.helmwarden.tenancy.Viewer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Who may run a remediation on a Tiller: platform admins always; team leads for their teams' Tillers when
 * {@code helmwarden.remediation.team-leads-may-run}; auditors and members never.
 */
@Component
class RemediationPermission {

    private final boolean teamLeadsMayRun;

    RemediationPermission(@Value("${helmwarden.remediation.team-leads-may-run:true}") boolean teamLeadsMayRun) {
        this.teamLeadsMayRun = teamLeadsMayRun;
    }

    boolean mayRun(Viewer viewer, Tiller tiller) {
        return viewer.roles().contains(Role.PLATFORM_ADMIN)
                || teamLeadsMayRun && tiller.team().map(viewer.leads()::contains).orElse(false);
    }
}
