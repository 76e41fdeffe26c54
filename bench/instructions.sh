#!/usr/bin/env bash
# usage: instructions.sh N — instructions executed by one Scrapy floor round and one railwatch round
# over the same fleet round, counted by valgrind (callgrind): figures that the machine's speed,
# which can drift by a fifth within minutes, does not move.
#
# Starts the fleet (N pages, 5% real change, noise on; CPU 0), runs railwatch's untimed baseline at
# round 0 without valgrind, advances the fleet to round 1, then counts, one after the other on
# TASKSET's CPU: the floor with Scrapy's defaults (scrapy_floor.py, as peer_scrapy.sh runs it) and
# `railwatch check` (round 1: 5% of the pages changed). Prints both totals and floor / railwatch, the
# pages/s ratio the two would have at equal instructions per cycle. Under valgrind a process runs
# ~50 times slower (N=1000: about 8 minutes in all).
# Caveat: valgrind hides the CPU's SHA extensions, so OpenSSL hashes in software: railwatch's SHA-256
# of bodies and anchors counts several times what it costs on the real CPU (1.3 G instructions at N=1000).
# Environment: see lib.sh, plus VENV (Scrapy for the floor).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N=$1
: "${VENV:?set VENV to the environment with Scrapy that runs the floor}"
W=$(mktemp -d -t rwinstr.XXXXXX)
trap 'kill ${FLEET_PID:-} 2> /dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
mkdir -p "$W/rw" "$W/floor"
cd "$W"
compile_sources
start_fleet "$W" --pages "$N"
write_config "$W/rw" "$N" "$PORT"
cp "$FLEET_DIR/scrapy_floor.py" "$W/floor/"
set_round 0
check_round "$W/rw" "$N" 0 > /dev/null
set_round 1

count() {  # count NAME DIR COMMAND...: instructions of COMMAND run in DIR (children followed)
  local name=$1 dir=$2
  shift 2
  (cd "$dir" && $TASKSET valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$W/$name.%p.out" \
     "$@" > "$W/$name.stdout" 2> "$W/$name.stderr")
  cat "$W/$name".*.out | awk '/^summary:/ {s += $2} END {print s}'
}
floor=$(count floor "$W/floor" "$VENV/bin/scrapy" runspider scrapy_floor.py -a port="$PORT" -a pages="$N")
railwatch=$(count railwatch "$W/rw" $RAILWATCH --config railwatch.yaml check)
echo "N=$N commit=$(git -C "$REPO" rev-parse --short HEAD) floor_instructions=$floor" \
     "railwatch_instructions=$railwatch ratio=$(echo "scale=3; $floor / $railwatch" | bc)" \
     "railwatch: $(tail -1 "$W/railwatch.stdout")"
