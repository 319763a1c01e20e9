-- Certificate authorities (one per Tiller, or per cluster) with their private keys encrypted by the key
-- from helmwarden.pki.key-encryption-key, and every certificate issued: who, for which Tiller, serial, expiry.
CREATE TABLE certificate_authority (
    scope                 VARCHAR(400)             NOT NULL PRIMARY KEY,
    certificate_pem       VARCHAR(8000)            NOT NULL,
    private_key_encrypted VARCHAR(8000)            NOT NULL,
    salt                  VARCHAR(64)              NOT NULL,
    created_at            TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE issued_certificate (
    serial         VARCHAR(64)              NOT NULL PRIMARY KEY,
    tiller_id      VARCHAR(400)             NOT NULL,
    kind           VARCHAR(16)              NOT NULL,
    subject        VARCHAR(400)             NOT NULL,
    issued_to      VARCHAR(255)             NOT NULL,
    issued_by      VARCHAR(255)             NOT NULL,
    key_generated  BOOLEAN                  NOT NULL,
    not_after      TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX issued_certificate_tiller ON issued_certificate (tiller_id, created_at);

-- What a remediation's preview decided (namespaces, secret names, limits), so a resumed run does the same.
ALTER TABLE remediation_run ADD COLUMN parameters VARCHAR(4000);
