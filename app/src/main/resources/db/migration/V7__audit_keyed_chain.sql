-- Every team a write concerns sees its entry, not only the team owning the target: "|payments|search|".
-- From this version on, hashes are HMAC-SHA-256 under helmwarden.audit.chain-key, kept outside the database.
ALTER TABLE audit_entry ADD COLUMN concerns VARCHAR(512);
