-- A conversion lists every release it covers in its run's parameters: a Tiller may hold hundreds.
ALTER TABLE remediation_run ALTER COLUMN parameters SET DATA TYPE VARCHAR(200000);

-- The conversion ledger: every Helm 3 record a conversion wrote, with the uid and resourceVersion it was written
-- at. Helm 3 rewrites its Secrets without our annotations, so this, not the Secret, says what Helm Warden wrote
-- and whether Helm 3 has touched it since (an undo is offered only while nothing changed).
CREATE TABLE helm3_conversion (
    run_id           VARCHAR(36)              NOT NULL,
    tiller_id        VARCHAR(400)             NOT NULL,
    team             VARCHAR(63),
    namespace        VARCHAR(253)             NOT NULL,
    release_name     VARCHAR(53)              NOT NULL,
    revision         INTEGER                  NOT NULL,
    status           VARCHAR(32)              NOT NULL,
    secret_uid       VARCHAR(64)              NOT NULL,
    resource_version VARCHAR(64)              NOT NULL,
    written_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    reverted_at      TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (run_id, namespace, release_name, revision)
);
CREATE INDEX helm3_conversion_tiller ON helm3_conversion (tiller_id);
