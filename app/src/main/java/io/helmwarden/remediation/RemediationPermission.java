package io.helmwarden.remediation;

import io.helmwarden.inventory.Tiller;
import io.helmwarden.tenancy.Role;
import io.helmwarden.tenancy.Viewer;
import org.springframework.stereotype.Component;

/**
 * Who may run a remediation on a Tiller: platform admins always; team leads for their teams' Tillers when
 * {@code helmwarden.remediation.team-leads-may-run}; auditors and members never. Choosing a cluster-wide
 * binding to change is for platform admins only: such a binding belongs to no team.
 */
@Component
public class RemediationPermission {

    private final boolean teamLeadsMayRun;

    RemediationPermission(RemediationProperties properties) {
        this.teamLeadsMayRun = properties.teamLeadsMayRun();
    }

    public boolean mayRun(Viewer viewer, Tiller tiller) {
        return viewer.roles().contains(Role.PLATFORM_ADMIN)
                || teamLeadsMayRun && tiller.team().map(viewer.leads()::contains).orElse(false);
    }

    public boolean mayChooseClusterWide(Viewer viewer) {
        return viewer.roles().contains(Role.PLATFORM_ADMIN);
    }
}
