package io.helmwarden.audit;

/** Every action the audit log records, under the name entries carry (and filters and exports show). */
public enum AuditAction {
    SIGN_IN("sign-in"),
    SIGN_OUT("sign-out"),
    ACCESS_DENIED("access-denied"),
    OBJECT_DENIED("object-denied"),
    AUDIT_EXPORTED("audit-exported"),
    AUDIT_VERIFIED("audit-verified"),
    NAMESPACE_ASSIGNED("namespace-assigned"),
    NAMESPACE_UNASSIGNED("namespace-unassigned"),
    CERTIFICATE_ISSUED("certificate-issued"),
    REMEDIATION_STARTED("remediation-started"),
    REMEDIATION_STEP("remediation-step"),
    REMEDIATION_FINISHED("remediation-finished"),
    REMEDIATION_REFUSED("remediation-refused"),
    REMEDIATION_RESUMED("remediation-resumed"),
    BACKUP_DELETED("backup-deleted"),
    TILLER_REQUEST_SUBMITTED("tiller-request-submitted"),
    TILLER_REQUEST_WITHDRAWN("tiller-request-withdrawn"),
    TILLER_REQUEST_REJECTED("tiller-request-rejected"),
    TILLER_REQUEST_APPROVED("tiller-request-approved"),
    TILLER_REQUEST_READY("tiller-request-ready"),
    TILLER_REQUEST_FAILED("tiller-request-failed"),
    TILLER_REQUEST_DECOMMISSION_REQUESTED("tiller-request-decommission-requested"),
    TILLER_REQUEST_DECOMMISSION_DECLINED("tiller-request-decommission-declined"),
    TILLER_REQUEST_DECOMMISSION_APPROVED("tiller-request-decommission-approved"),
    TILLER_REQUEST_DECOMMISSIONED("tiller-request-decommissioned");

    private final String id;

    AuditAction(String id) {
        this.id = id;
    }

    /** The name an entry carries. */
    public String id() {
        return id;
    }
}
