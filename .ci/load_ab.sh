#!/usr/bin/env bash
# Side-by-side load of several hearth binaries (e.g. an old commit and
# main), for a machine too busy for absolute figures to mean much. Seeds one
# data dir per binary as .ci/load.sh does, then alternates the binaries for
# ROUNDS rounds, one server up at a time, and prints per run: req/s, p50,
# p99 and the server's CPU per request (utime+stime from /proc over the
# wrk run), the figure that moves least with other load.
#
#   git archive <commit> | tar -x -C /tmp/old && (cd /tmp/old && go build -o /tmp/hearth-old ./cmd/hearth)
#   go build -o /tmp/hearth-new ./cmd/hearth
#   ROUNDS=4 DURATION=5s PAGES="ta tm" bash .ci/load_ab.sh old=/tmp/hearth-old new=/tmp/hearth-new
#
# PAGES: ta thread page 1 anonymous, tla its page 100, tm page 1 as a
# member, cat category anonymous, cm category member. W: work directory
# (kept between runs so seeding is done once per name).
set -euo pipefail
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
DURATION=${DURATION:-8s}; ROUNDS=${ROUNDS:-3}; PORT=${PORT:-18311}
PAGES=${PAGES:-"ta tla tm cat cm"}
ADDR=127.0.0.1:$PORT; BASE=http://$ADDR
W=${W:-/tmp/hearth-load-ab}; mkdir -p $W
PID=
cleanup() { [[ -n "${PID:-}" ]] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; true; }
trap cleanup EXIT
export HEARTH_URL=$BASE HEARTH_POSTS_PER_PAGE=100
for pair in "$@"; do
  n=${pair%%=*}; H=${pair#*=}
  if [[ ! -f $W/$n.big ]]; then
    rm -rf $W/$n; export HEARTH_DATA_DIR=$W/$n
    "$H" dev seed --users 200 --threads 500 --posts-per-thread 20 >/dev/null
    "$H" dev seed --users 20 --threads 1 --posts-per-thread 10000 --category big > $W/$n.seed2
    sed -n 's/.*first thread id \([0-9]*\).*/\1/p' $W/$n.seed2 > $W/$n.big
    "$H" admin create-user --username loadreader --email loadreader@example.com --password password123 >/dev/null
  fi
done
run() { local url=$1 cookie=${2:-}; local args=(-t2 -c16 -d"$DURATION" --latency --timeout 5s)
  [[ -n "$cookie" ]] && args+=(-H "Cookie: hearth_session=$cookie")
  curl -fsS -o /dev/null ${cookie:+-H "Cookie: hearth_session=$cookie"} "$url"
  local c0 c1 out; c0=$(awk '{print $14+$15}' /proc/$PID/stat)
  out=$(wrk "${args[@]}" "$url" || true)
  c1=$(awk '{print $14+$15}' /proc/$PID/stat)
  local reqs; reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  # server CPU per request, µs (clock ticks are 10 ms)
  local cpu; cpu=$(awk -v a=$c0 -v b=$c1 -v n=$reqs -v hz=$(getconf CLK_TCK) 'BEGIN{printf "%.0f", (b-a)/hz*1e6/n}')
  printf '%s %s %s cpu_us=%s' "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "99%" {print $2}' <<<"$out")" "$cpu"
  grep -qE "Non-2xx|Socket errors" <<<"$out" && printf ' ERR'; echo; }
for r in $(seq 1 $ROUNDS); do
  for pair in "$@"; do
    n=${pair%%=*}; H=${pair#*=}; export HEARTH_DATA_DIR=$W/$n; BIG=$(cat $W/$n.big)
    "$H" serve --addr "$ADDR" 2>$W/$n.serve.log & PID=$!
    for _ in $(seq 1 100); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
    sleep 1
    JAR=$W/$n.jar; rm -f $JAR
    curl -fsS -c "$JAR" -b "$JAR" "$BASE/login" -o /dev/null
    CSRF=$(awk '$6 == "hearth_csrf" {print $7}' "$JAR")
    curl -fsS -c "$JAR" -b "$JAR" -o /dev/null -d "_csrf=$CSRF&login=loadreader&password=password123" "$BASE/login"
    S=$(awk '$6 == "hearth_session" {print $7}' "$JAR")
    for p in $PAGES; do
      case $p in
        ta) echo "r$r $n thread1-anon $(run $BASE/t/$BIG)";;
        tla) echo "r$r $n thread100-anon $(run "$BASE/t/$BIG?page=100")";;
        tm) echo "r$r $n thread1-member $(run $BASE/t/$BIG $S)";;
        cat) echo "r$r $n category-anon $(run $BASE/c/general)";;
        cm) echo "r$r $n category-member $(run $BASE/c/general $S)";;
      esac
    done
    kill $PID; wait $PID 2>/dev/null || true; PID=
  done
done
