# Shared by run_railwatch.sh and profile.sh: locations, the fleet, and one timed `railwatch check`.
# Environment: FLEET_DIR (the shared fleet and peers, default ../shared/bench from the repo root),
# BENCH_PY (python with aiohttp for the fleet server, default python3), RAILWATCH (the command,
# default railwatch), TASKSET (pinning of the tools, default CPU 1; the fleet always gets CPU 0),
# RW_PY (the python that runs railwatch, default python3: it compiles the sources once), VENV (the
# environment with Scrapy that runs the floor, as for the shared peer_scrapy.sh).
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH/.." && pwd)
FLEET_DIR=${FLEET_DIR:-$REPO/../shared/bench}
BENCH_PY=${BENCH_PY:-python3}
RAILWATCH=${RAILWATCH:-railwatch}
export TASKSET=${TASKSET-taskset -c 1}
RW_PY=${RW_PY:-python3}

compile_sources() {  # an editable install runs from the checkout: compile it once, as installing a wheel does,
  # so that no timed round compiles sources (with PYTHONDONTWRITEBYTECODE set, every round would)
  "$RW_PY" -m compileall -q "$REPO/monitor" "$REPO/storage" "$REPO/crawler" > /dev/null
}

start_fleet() {  # start_fleet DIR ARGS...: fleet pinned to CPU 0; sets FLEET_PID and PORT
  local dir=$1; shift
  taskset -c 0 $BENCH_PY "$FLEET_DIR/fleet_server.py" "$@" > "$dir/fleet.out" 2> "$dir/fleet.err" &
  FLEET_PID=$!
  until [ -s "$dir/fleet.out" ]; do
    kill -0 $FLEET_PID 2> /dev/null || { cat "$dir/fleet.err" >&2; return 1; }
    sleep 0.2
  done
  PORT=$(head -1 "$dir/fleet.out")
}

write_config() {  # write_config DIR N PORT: DIR/railwatch.yaml with N page sources, archive DIR/railwatch.db
  python3 "$BENCH/rwbench.py" config "$2" "$3" "$1/railwatch.db" > "$1/railwatch.yaml"
}

rw() {  # rw DIR ARGS...: railwatch on DIR's configuration
  (cd "$1" && $RAILWATCH --config railwatch.yaml "${@:2}")
}

set_round() { curl -sf "http://127.0.0.1:$PORT/__round/$1" > /dev/null; }

db_bytes() {  # db_bytes DB: file size after a WAL checkpoint (0 before the archive exists)
  [ -f "$1" ] && python3 "$BENCH/rwbench.py" dbsize "$1" | sed 's/^db_bytes=\([0-9]*\).*/\1/' || echo 0
}

floor_round() {  # floor_round DIR N R TOOL: one Scrapy floor process (DIR holds scrapy_floor.py), as the shared
  # peer_scrapy.sh runs it; TOOL scrapy-items1 sets CONCURRENT_ITEMS=1; prints key=value words
  local dir=$1 n=$2 r=$3 t0 t1 cpu rss opts=()
  : "${VENV:?set VENV to the environment with Scrapy that runs the floor}"
  [ "$4" = scrapy-items1 ] && opts=(-s CONCURRENT_ITEMS=1)
  t0=$(date +%s.%N)
  (cd "$dir" && /usr/bin/time -v -o "$dir/time-$4-$r.txt" $TASKSET "$VENV/bin/scrapy" runspider scrapy_floor.py \
     -a port="$PORT" -a pages="$n" "${opts[@]}" > "$dir/out-$4-$r.txt" 2> "$dir/err-$4-$r.txt")
  t1=$(date +%s.%N)
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$dir/time-$4-$r.txt")
  rss=$(awk -F': ' '/Maximum resident/ {printf "%d", $2 / 1024}' "$dir/time-$4-$r.txt")
  echo "round=$r wall_s=$(printf %.3f "$(echo "$t1 - $t0" | bc)") pages_s=$(printf %.1f "$(echo "$n / ($t1 - $t0)" | bc -l)")" \
       "cpu_s=$cpu maxrss_mb=$rss truth=$(curl -sf "http://127.0.0.1:$PORT/__truth/$r" | python3 -c 'import json, sys; print(json.load(sys.stdin)["count"])')" \
       "$(grep FLOOR "$dir/out-$4-$r.txt" | cut -d' ' -f2-6)"
}

check_round() {  # check_round DIR N R: one whole `railwatch check` process under time -v; prints key=value words
  local dir=$1 n=$2 r=$3 t0 t1 since rc=0 cpu rss before after
  before=$(db_bytes "$dir/railwatch.db")
  since=$(date -u +%Y-%m-%dT%H:%M:%S.%6N+00:00)
  t0=$(date +%s.%N)
  (cd "$dir" && /usr/bin/time -v -o "$dir/time$r.txt" $TASKSET $RAILWATCH --config railwatch.yaml check \
     > "$dir/check$r.out" 2> "$dir/check$r.err") || rc=$?
  t1=$(date +%s.%N)
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$dir/time$r.txt")
  rss=$(awk -F': ' '/Maximum resident/ {printf "%d", $2 / 1024}' "$dir/time$r.txt")
  rw "$dir" changes --json --since "$since" > "$dir/changes$r.json"
  after=$(db_bytes "$dir/railwatch.db")
  echo "round=$r wall_s=$(printf %.3f "$(echo "$t1 - $t0" | bc)") pages_s=$(printf %.1f "$(echo "$n / ($t1 - $t0)" | bc -l)")" \
       "cpu_s=$cpu maxrss_mb=$rss exit=$rc $(python3 "$BENCH/rwbench.py" score "$n" "$r" "$PORT" "$dir/changes$r.json")" \
       "db_bytes=$after bytes_per_page=$(( (after - before) / n ))"
}
