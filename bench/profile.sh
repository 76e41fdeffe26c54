#!/usr/bin/env bash
# usage: profile.sh N [ROUND] — profile one `railwatch check` over N page sources of the fleet.
#
# Starts the fleet (CPU 0), writes the configuration, runs the untimed baseline at round 0 and
# the rounds before ROUND (default 1) without a profiler, then runs ROUND under cProfile
# (pinned like the benchmark, TASKSET; cprofile_check.py times CPU, not wall clock) and prints the
# top functions by cumulative and by own time, each with its share of the profiled CPU time.
# The .prof file is kept in bench/results/ (git-ignored) for snakeviz/pstats.
# PROFILER=pyinstrument uses pyinstrument instead (pip-install it into RW_PY's environment
# for local use; it is not a dependency of the project).
# Environment: see lib.sh (RW_PY there is also the python that runs the profiler)
# and TOP (rows per listing, default 30).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N=$1 ROUND=${2:-1} TOP=${TOP:-30} PROFILER=${PROFILER:-cprofile}
mkdir -p "$BENCH/results"
W=$(mktemp -d -t rwprofile.XXXXXX)
trap 'kill ${FLEET_PID:-} 2> /dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
cd "$W"
compile_sources
start_fleet "$W" --pages "$N"
write_config "$W" "$N" "$PORT"
for ((r = 0; r < ROUND; r++)); do
  set_round $r
  echo "unprofiled $(check_round "$W" "$N" $r)"
done
set_round "$ROUND"
PROF=$BENCH/results/check-N$N-r$ROUND
case $PROFILER in
  cprofile)
    /usr/bin/time -v -o "$W/time.txt" $TASKSET $RW_PY "$BENCH/cprofile_check.py" "$PROF.prof" \
      --config railwatch.yaml check > "$W/check.out" 2> "$W/check.err" || echo "check failed: $(tail -3 "$W/check.err")"
    ;;
  pyinstrument)
    /usr/bin/time -v -o "$W/time.txt" $TASKSET $RW_PY -m pyinstrument -r text -o "$PROF.txt" \
      -m monitor.cli --config railwatch.yaml check > "$W/check.out" 2> "$W/check.err" || echo "check failed"
    head -n 150 "$PROF.txt"
    ;;
  *) echo "unknown PROFILER $PROFILER" >&2; exit 2 ;;
esac
echo "profiled round $ROUND: wall $(awk -F': ' '/Elapsed/ {print $2}' "$W/time.txt")," \
     "CPU $(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$W/time.txt") s," \
     "peak RSS $(awk -F': ' '/Maximum resident/ {printf "%d", $2 / 1024}' "$W/time.txt") MB (profiler overhead included)"
if [ "$PROFILER" = cprofile ]; then
  python3 - "$PROF.prof" "$TOP" <<'PY'
import pstats, sys
stats = pstats.Stats(sys.argv[1])
total = stats.total_tt
print(f"total profiled CPU time {total:.2f} s; share = time / total")
for key, title in (("cumulative", "cumulative (time in the function and what it calls)"),
                   ("tottime", "tottime (time in the function's own code)")):
    print(f"\n== top by {title}")
    print(f"{'share':>6} {'cum s':>8} {'own s':>8} {'calls':>9}  function")
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][3 if key == "cumulative" else 2], reverse=True)
    for (path, line, name), (cc, nc, tt, ct, _) in rows[: int(sys.argv[2])]:
        where = path.split("site-packages/")[-1] if "site-packages/" in path else path.split("/")[-2:]
        where = where if isinstance(where, str) else "/".join(where)
        share = (ct if key == "cumulative" else tt) / total
        print(f"{share:6.1%} {ct:8.2f} {tt:8.2f} {nc:9d}  {name} ({where}:{line})")
PY
  echo "profile: $PROF.prof (python -m pstats, or snakeviz)"
fi
