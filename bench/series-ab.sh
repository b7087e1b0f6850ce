#!/usr/bin/env bash
# A province's series as db.Series reads it, before migration 023 (one range
# of figures_unit_series_idx) and after (one range per 16-day span of
# figures_series_idx), on the copies bench/newday-ab.sh keeps
# (tiendo_ab_{old,new}_h{days}): pgbench, one client, prepared statements
# (as pgx runs them), BENCH_ROUNDS rounds (default 3) of BENCH_SECONDS
# (default 10) alternating old and new; prints pgbench's mean latency.
#   bench/series-ab.sh [DAYS]     (default 90: the whole 90-day series)
set -euo pipefail
days=${1:-90}
ADMIN=${BENCH_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
PGBENCH=${BENCH_PGBENCH:-$(command -v pgbench || echo /usr/lib/postgresql/15/bin/pgbench)}
tmp=$(mktemp -d)
cols="f.day, f.kind, f.value, f.source, f.stale_days, f.quota, f.rate, f.delta, f.pace7d, f.rank, f.revisions, count(*) OVER ()"
where="f.campaign_id = 1 AND f.metric_id = (SELECT id FROM metrics WHERE key = 'collected') AND f.unit_id = :u"
range="f.day BETWEEN (SELECT start_date FROM campaigns WHERE id = 1) AND (SELECT end_date FROM campaigns WHERE id = 1)"
for b in old new; do
  url=${ADMIN%%/postgres\?*}/tiendo_ab_${b}_h$days?sslmode=disable
  u=$(psql "$url" -Atc "SELECT id FROM units WHERE kind = 'PROVINCE' ORDER BY code LIMIT 1")
  spans=""
  [ "$b" = new ] && spans="AND day_bucket(f.day) = ANY(ARRAY(SELECT generate_series(day_bucket(c.start_date), day_bucket(c.end_date)) FROM campaigns c WHERE c.id = 1))"
  printf '\\set u %s\nSELECT %s FROM figures f WHERE %s %s AND %s ORDER BY f.day OFFSET 0 LIMIT 1000;\n' \
    "$u" "$cols" "$where" "$spans" "$range" >"$tmp/$b.sql"
done
for _ in $(seq "${BENCH_ROUNDS:-3}"); do
  for b in old new; do
    url=${ADMIN%%/postgres\?*}/tiendo_ab_${b}_h$days?sslmode=disable
    lat=$("$PGBENCH" -n -M prepared -c 1 -T "${BENCH_SECONDS:-10}" -f "$tmp/$b.sql" "$url" 2>/dev/null | awk '/latency average/ {print $4}')
    echo "days=$days bin=$b series_ms=$lat load=$(cut -d' ' -f1 /proc/loadavg)"
  done
done
