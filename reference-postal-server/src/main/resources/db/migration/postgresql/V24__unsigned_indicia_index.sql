-- The metrics' count of indicia recorded but not yet signed (openpostage.indicia.unsigned), read every
-- few seconds by every node: a partial index holds only those few rows. (H2, for demos, counts by a scan.)
CREATE INDEX indicia_unsigned ON indicia (meter_id) WHERE data IS NULL;
