#!/usr/bin/env bash
# usage: run_railwatch.sh N [ROUNDS] — railwatch, the Scrapy floor and urlwatch over one local fleet, in one run.
#
# Starts the shared fleet (../shared/bench/fleet_server.py from the repo root; N pages, 5% real change
# per round, noise on) pinned to CPU 0, every tool pinned to CPU 1 (TASKSET), and runs, each with an
# untimed baseline at round 0 and then ROUNDS timed rounds:
#   1. the Scrapy floor (scrapy_floor.py, run as peer_scrapy.sh runs it) with its defaults, and with
#      CONCURRENT_ITEMS=1 as railwatch sets it;
#   2. `railwatch check` on N `page` sources: per round the whole process under /usr/bin/time -v, the pages
#      flagged by `railwatch changes --json --since <round start>` against /__truth/<round>, and the
#      archive size after `PRAGMA wal_checkpoint(TRUNCATE)`;
#   1 and 2 take turns within each fleet round (floor first in odd rounds, railwatch first in even ones),
#   so that a drift of the machine's speed during the run weighs on both alike;
#   3. urlwatch 2.29 with the hand-tuned `css: article` + html2text filter (peer_urlwatch.sh … css);
#   4. a noise-only phase: a second fleet with --change-rate 0, a fresh archive, a baseline and
#      NOISE_ROUNDS (default 2) re-fetches: archive bytes added per page, pages flagged (must be 0),
#      and whether `railwatch show --raw` of the newest snapshot equals the served body.
# The log goes to bench/results/N<N>.txt (git-ignored) and ends with the side-by-side table.
# Environment: see lib.sh, plus VENV and UW_VENV for the peers (as in the shared scripts),
# SKIP="scrapy railwatch urlwatch noise" to leave phases out (the noise phase alone: SKIP="scrapy
# railwatch urlwatch"), KEEP=1 to keep the work directory.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N=$1 ROUNDS=${2:-3} NOISE_ROUNDS=${NOISE_ROUNDS:-2} SKIP=${SKIP:-}
mkdir -p "$BENCH/results"
OUT=$BENCH/results/N$N${SKIP:+-skip-${SKIP// /-}}.txt W=$(mktemp -d -t rwbench.XXXXXX)
cleanup() {
  kill ${FLEET_PID:-} $(cat "$W/noise.pid" 2> /dev/null) 2> /dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT

railwatch_rounds() {  # railwatch_rounds DIR N FIRST LAST [PREFIX]: baseline and timed rounds
  local dir=$1 n=$2 r
  for ((r = $3; r <= $4; r++)); do
    set_round $r
    echo "${5:-}$(check_round "$dir" "$n" $r)"
  done
}

railwatch_turn() {  # railwatch_turn R: railwatch's timed round R of the main fleet
  echo "railwatch $(check_round "$W/rw" "$N" "$1" | tee -a "$W/rw/rounds.txt")"
}

mkdir -p "$W/rw" "$W/noise"
cd "$W"  # away from the repo: its scrapy.cfg would make the floor's `scrapy` load railwatch's settings
compile_sources
start_fleet "$W" --pages "$N"
{
  echo "## N=$N rounds=$ROUNDS port=$PORT taskset='$TASKSET' railwatch=$($RAILWATCH --version 2>&1 | tail -1)" \
       "commit=$(git -C "$REPO" rev-parse --short HEAD) ${LABEL:-}loadavg=$(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%FT%TZ)"
  floors=() railwatch=
  [[ " $SKIP " == *" scrapy "* ]] || floors=(scrapy scrapy-items1)
  [[ " $SKIP " == *" railwatch "* ]] || railwatch=yes
  mkdir -p "$W/floor"
  cp "$FLEET_DIR/scrapy_floor.py" "$W/floor/"
  set_round 0
  for tool in "${floors[@]}"; do echo "baseline $tool $(floor_round "$W/floor" "$N" 0 "$tool")"; done
  if [ -n "$railwatch" ]; then
    write_config "$W/rw" "$N" "$PORT"
    echo "baseline railwatch $(check_round "$W/rw" "$N" 0)"
  fi
  for ((r = 1; r <= ROUNDS; r++)); do
    set_round $r
    if [ -n "$railwatch" ] && (( r % 2 == 0 )); then railwatch_turn $r; fi
    for tool in "${floors[@]}"; do
      echo "$tool $(floor_round "$W/floor" "$N" $r "$tool" | tee -a "$W/floor/$tool.txt")"
    done
    if [ -n "$railwatch" ] && (( r % 2 == 1 )); then railwatch_turn $r; fi
  done
  for tool in "${floors[@]}"; do python3 "$FLEET_DIR/summarize.py" "$tool" "$N" < "$W/floor/$tool.txt"; done
  if [ -n "$railwatch" ]; then
    python3 "$FLEET_DIR/summarize.py" railwatch "$N" < "$W/rw/rounds.txt"
    python3 "$BENCH/rwbench.py" dbsize "$W/rw/railwatch.db" --tables
  fi

  if [[ " $SKIP " != *" urlwatch "* ]]; then
    "$FLEET_DIR/peer_urlwatch.sh" "$N" "$ROUNDS" "$PORT" css
  fi

  if [[ " $SKIP " != *" noise "* ]]; then
    echo "# noise only: fleet --change-rate 0, fresh archive, baseline then $NOISE_ROUNDS re-fetches"
    FLEET=$FLEET_PID PORT0=$PORT
    start_fleet "$W/noise" --pages "$N" --change-rate 0
    NOISE_PID=$FLEET_PID FLEET_PID=$FLEET
    echo $NOISE_PID > "$W/noise.pid"  # this block is a subshell: the EXIT trap reads the pid from here
    write_config "$W/noise" "$N" "$PORT"
    railwatch_rounds "$W/noise" "$N" 0 0 "baseline "
    for ((r = 1; r <= NOISE_ROUNDS; r++)); do
      python3 "$BENCH/rwbench.py" dbsize "$W/noise/railwatch.db" --tables > "$W/noise/before$r.txt"
      railwatch_rounds "$W/noise" "$N" $r $r "NOISE " | tr '\n' ' '
      python3 "$BENCH/rwbench.py" dbsize "$W/noise/railwatch.db" --tables > "$W/noise/after$r.txt"
      echo "$(python3 "$BENCH/rwbench.py" growth "$N" "$W/noise/before$r.txt" "$W/noise/after$r.txt")" \
           "$(python3 "$BENCH/rwbench.py" rawcheck "$PORT" 5 $RAILWATCH --config "$W/noise/railwatch.yaml")"
    done
    python3 "$BENCH/rwbench.py" dbsize "$W/noise/railwatch.db" --tables
    kill $NOISE_PID
    PORT=$PORT0
  fi
  echo "## done loadavg=$(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%FT%TZ) work=$W"
} 2>&1 | tee "$OUT"
echo
python3 "$BENCH/rwbench.py" table "$OUT" | tee -a "$OUT"
