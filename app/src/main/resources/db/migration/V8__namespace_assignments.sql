-- Namespaces platform admins gave to teams from the UI, on top of helmwarden.teams (which always wins).
CREATE TABLE namespace_assignment (
    cluster_id  VARCHAR(63)              NOT NULL,
    namespace   VARCHAR(253)             NOT NULL,
    team_id     VARCHAR(63)              NOT NULL,
    assigned_by VARCHAR(255)             NOT NULL,
    assigned_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (cluster_id, namespace)
);
