-- Remediation runs and their steps, written before and after each step so a restart resumes a run where it
-- stopped. remediation_lock allows one run per Tiller at a time, across replicas (its key is the Tiller).
CREATE TABLE remediation_run (
    id                VARCHAR(36)              NOT NULL PRIMARY KEY,
    tiller_id         VARCHAR(400)             NOT NULL,
    team              VARCHAR(63),
    remediation       VARCHAR(64)              NOT NULL,
    state             VARCHAR(16)              NOT NULL,
    requested_by      VARCHAR(255)             NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    storage_namespace VARCHAR(253)             NOT NULL,
    original_replicas INTEGER,
    error             VARCHAR(2000)
);

CREATE TABLE remediation_step (
    run_id      VARCHAR(36)              NOT NULL,
    step_index  INTEGER                  NOT NULL,
    name        VARCHAR(64)              NOT NULL,
    state       VARCHAR(16)              NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE,
    finished_at TIMESTAMP WITH TIME ZONE,
    detail      VARCHAR(4000),
    PRIMARY KEY (run_id, step_index)
);

CREATE TABLE remediation_lock (
    tiller_id VARCHAR(400) NOT NULL PRIMARY KEY,
    run_id    VARCHAR(36)  NOT NULL
);
