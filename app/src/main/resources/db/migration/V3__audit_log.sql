-- The append-only, hash-chained audit log. No code path updates or deletes audit_entry rows; the single
-- audit_head row serialises writers (two replicas included) so the chain stays one chain.
CREATE TABLE audit_entry (
    seq              BIGINT                   NOT NULL PRIMARY KEY,
    occurred_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    actor_subject    VARCHAR(255)             NOT NULL,
    actor_name       VARCHAR(255),
    actor_roles      VARCHAR(255),
    action           VARCHAR(64)              NOT NULL,
    outcome          VARCHAR(16)              NOT NULL,
    team             VARCHAR(63),
    target_cluster   VARCHAR(63),
    target_namespace VARCHAR(253),
    target_object    VARCHAR(512),
    details          VARCHAR(8000),
    prev_hash        VARCHAR(64)              NOT NULL,
    hash             VARCHAR(64)              NOT NULL
);

CREATE INDEX audit_entry_occurred ON audit_entry (occurred_at);
CREATE INDEX audit_entry_actor ON audit_entry (actor_subject, seq);
CREATE INDEX audit_entry_team ON audit_entry (team, seq);

CREATE TABLE audit_head (
    id        INTEGER     NOT NULL PRIMARY KEY,
    last_seq  BIGINT      NOT NULL,
    last_hash VARCHAR(64) NOT NULL
);

INSERT INTO audit_head (id, last_seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
