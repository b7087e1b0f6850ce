-- The yardstick's data (bench/postgraphile.sh): every ranking of the
-- national campaign's day :'day', precomputed into one table from the
-- figures tiendo computed, so PostGraphile answers by reading rows in rank
-- order, the best a generic GraphQL-over-PostgreSQL layer can do.
DROP SCHEMA IF EXISTS yardstick CASCADE;
CREATE SCHEMA yardstick;
CREATE TABLE yardstick.ranking (
	campaign text NOT NULL,
	metric text NOT NULL,
	day date NOT NULL,
	level text NOT NULL,
	rank integer,
	rank_change integer,
	unit_code text NOT NULL,
	unit_name text NOT NULL,
	figure bigint,
	quota bigint,
	rate double precision,
	band text,
	pace7d double precision,
	required_pace double precision,
	at_risk boolean NOT NULL,
	source text NOT NULL,
	PRIMARY KEY (campaign, metric, day, level, unit_code));
INSERT INTO yardstick.ranking
SELECT c.slug, m.key, f.day, u.kind, f.rank, f.rank_change, u.code, u.name, f.value, f.quota, f.rate, f.band,
	f.pace7d, f.required_pace, f.at_risk, f.source
FROM figures f JOIN campaigns c ON c.id = f.campaign_id JOIN metrics m ON m.id = f.metric_id JOIN units u ON u.id = f.unit_id
WHERE f.day = :'day'::date AND u.kind IN ('PROVINCE', 'DISTRICT', 'COMMUNE');
CREATE INDEX ON yardstick.ranking (campaign, metric, day, level, rank);
ANALYZE yardstick.ranking;
