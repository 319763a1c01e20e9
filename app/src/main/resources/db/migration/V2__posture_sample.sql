-- Posture of each cluster over time, for the Fleet page's chart: a sample when it changes, and at
-- least every sampling interval while it does not.
CREATE TABLE posture_sample (
    cluster_id VARCHAR(63)              NOT NULL,
    taken_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    score      INTEGER,
    tillers    INTEGER                  NOT NULL,
    critical   INTEGER                  NOT NULL,
    high       INTEGER                  NOT NULL,
    medium     INTEGER                  NOT NULL,
    low        INTEGER                  NOT NULL,
    PRIMARY KEY (cluster_id, taken_at)
);
