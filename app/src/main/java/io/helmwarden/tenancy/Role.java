package io.helmwarden.tenancy;

/** What a person may do in Helm Warden; one person may hold several. */
public enum Role {
    /** Sees and does everything. */
    PLATFORM_ADMIN("Platform admin"),
    /** Reads everything, changes nothing. */
    AUDITOR("Auditor"),
    /** Sees and acts for their own teams. */
    TEAM_LEAD("Team lead"),
    /** Sees their own teams. */
    TEAM_MEMBER("Team member");

    private final String label;

    Role(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The Spring Security authority for this role. */
    public String authority() {
        return "ROLE_" + name();
    }
}
