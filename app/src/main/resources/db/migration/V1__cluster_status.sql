-- Last known reachability of each watched cluster; kept so that "last good sync" survives restarts.
-- Portable SQL: the same migration runs on H2 (embedded default) and PostgreSQL (shared deployments).
CREATE TABLE cluster_status (
    cluster_id        VARCHAR(63)  NOT NULL PRIMARY KEY,
    reachability      VARCHAR(16)  NOT NULL,
    server_version    VARCHAR(64),
    last_checked_at   TIMESTAMP WITH TIME ZONE,
    last_reachable_at TIMESTAMP WITH TIME ZONE,
    last_error        VARCHAR(1000)
);
