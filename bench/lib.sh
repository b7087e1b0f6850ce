# Shared by the bench scripts (sourced).

# settle waits (up to 3 minutes) until the process $1 is idle: after the
# figures changed (a run's new day and corrections) a server starts by
# refreshing the days passed and republishing every bulletin, a minute of
# CPU that would otherwise be measured as slow reads.
settle() {
  local t0 t1
  for _ in $(seq 1 180); do
    t0=$(awk '{print $14+$15}' "/proc/$1/stat")
    sleep 1
    t1=$(awk '{print $14+$15}' "/proc/$1/stat")
    [ $((t1 - t0)) -le 5 ] && return 0 # under 5% of a core
  done
}
