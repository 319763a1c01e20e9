-- Team leads' requests for a Tiller, and every transition of each (who, when, from, to, why).
CREATE TABLE tiller_request (
    id               VARCHAR(36)              NOT NULL PRIMARY KEY,
    team             VARCHAR(63)              NOT NULL,
    cluster          VARCHAR(63)              NOT NULL,
    tiller_namespace VARCHAR(63)              NOT NULL,
    namespaces       VARCHAR(2000)            NOT NULL,
    justification    VARCHAR(2000)            NOT NULL,
    history_max      INTEGER                  NOT NULL,
    helm_version     VARCHAR(32)              NOT NULL,
    state            VARCHAR(32)              NOT NULL,
    requested_by     VARCHAR(255)             NOT NULL,
    decided_by       VARCHAR(255),
    decision_comment VARCHAR(2000),
    run_id           VARCHAR(36),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX tiller_request_state ON tiller_request (state, created_at);

CREATE TABLE tiller_request_event (
    request_id VARCHAR(36)              NOT NULL,
    seq        INTEGER                  NOT NULL,
    at         TIMESTAMP WITH TIME ZONE NOT NULL,
    actor      VARCHAR(255)             NOT NULL,
    from_state VARCHAR(32),
    to_state   VARCHAR(32)              NOT NULL,
    comment    VARCHAR(2000),
    PRIMARY KEY (request_id, seq)
);
