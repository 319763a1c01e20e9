-- Whom a run acts as in clusters that act as the signed-in person: kept with the run, so a run resumed after a
-- restart or on another replica acts as the same person. Empty for runs made with Helm Warden's own identity.
ALTER TABLE remediation_run ADD COLUMN acting_user VARCHAR(320);
ALTER TABLE remediation_run ADD COLUMN acting_groups VARCHAR(4000);
