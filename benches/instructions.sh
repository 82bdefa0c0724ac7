#!/usr/bin/env bash
# Instructions per request that each CORS layer adds, counted by callgrind:
# exact and repeatable whatever else the machine is doing, where times on a
# shared VM move by 15% or more from run to run. Instructions are not time
# (an allocation or an atomic costs more than its count says), so the
# criterion benchmark stays the reference; this tells real changes from
# noise.
#
#   benches/instructions.sh              # every scenario, 1 and 1000 origins and a pattern
#   benches/instructions.sh 1-origin get-allowed preflight-allowed
#   LOOP_ONLY=1 N=200 benches/instructions.sh 100000-origins   # tower-http's list is linear
#   RELOADS=100000 benches/instructions.sh 1-origin get-allowed
#
# Needs valgrind. Each scenario runs N (default 20000) times through
# tower-cors (`CorsLayer::new` and `CorsLayer::reloadable`), tower-http and
# no layer; overhead = (layer - none) / N, so the setup all runs share
# cancels out. With RELOADS set, it compares instead the reloadable layer
# with its first policy and the same after RELOADS replacements by
# distinct policies; those runs count the requests alone
# (--toggle-collect), since building 100,000 policies costs a few million
# instructions more or less from run to run. LOOP_ONLY=1 does the same in
# the first mode, for long setups such as 100,000 origins.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20000}
exe=$(cargo bench --bench cors --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
[ -x "$exe" ] || { echo "could not build the bench" >&2; exit 1; }

count() {
    CORS_BENCH_RELOADS="${RELOADS:-0}" CORS_BENCH_LOOP="$1/$2/$3/$N" valgrind --tool=callgrind --callgrind-out-file=/dev/null "$exe" 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

if [ $# -ge 1 ]; then
    origins_list=("$1"); shift
else
    origins_list=(1-origin 1000-origins pattern)
fi
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(get-without-origin get-allowed get-disallowed preflight-allowed preflight-disallowed preflight-hostile-64k)

# The requests alone, after $4 reloads.
count_loop() {
    CORS_BENCH_RELOADS="$4" CORS_BENCH_LOOP="$1/$2/$3/$N" valgrind --tool=callgrind \
        --toggle-collect='*measured_loop*' --callgrind-out-file=/dev/null "$exe" 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

if [ -n "${RELOADS:-}" ]; then
    echo "| origins | scenario | reloadable, first policy | after $RELOADS reloads | ratio |"
    echo "|---|---|---:|---:|---:|"
    for origins in "${origins_list[@]}"; do
        for scenario in "${scenarios[@]}"; do
            base=$(count_loop base "$origins" "$scenario" 0)
            first=$(count_loop tower-cors-reloadable "$origins" "$scenario" 0)
            reloaded=$(count_loop tower-cors-reloaded "$origins" "$scenario" "$RELOADS")
            awk -v o="$origins" -v s="$scenario" -v b="$base" -v f="$first" -v r="$reloaded" -v n="$N" \
                'BEGIN { printf "| %s | %s | %.0f | %.0f | %.3f |\n", o, s, (f-b)/n, (r-b)/n, (r-b)/(f-b) }'
        done
    done
    exit
fi

counter=count
[ -z "${LOOP_ONLY:-}" ] || counter=count_loop
echo "| origins | scenario | tower-http instructions | tower-cors instructions | reloadable instructions | ratio |"
echo "|---|---|---:|---:|---:|---:|"
for origins in "${origins_list[@]}"; do
    for scenario in "${scenarios[@]}"; do
        base=$($counter base "$origins" "$scenario" 0)
        ours=$($counter tower-cors "$origins" "$scenario" 0)
        live=$($counter tower-cors-reloadable "$origins" "$scenario" 0)
        theirs=$($counter tower-http "$origins" "$scenario" 0)
        awk -v o="$origins" -v s="$scenario" -v b="$base" -v c="$ours" -v l="$live" -v h="$theirs" -v n="$N" \
            'BEGIN { printf "| %s | %s | %.0f | %.0f | %.0f | %.3f |\n", o, s, (h-b)/n, (c-b)/n, (l-b)/n, (c-b)/(h-b) }'
    done
done
