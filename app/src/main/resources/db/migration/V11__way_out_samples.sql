-- The fleet's way off Helm 2, over time: Helm 2 releases Tillers still list, Helm 3 releases present. Null in
-- samples taken before this was recorded.
ALTER TABLE posture_sample ADD COLUMN helm2_releases INTEGER;
ALTER TABLE posture_sample ADD COLUMN helm3_releases INTEGER;
