#!/usr/bin/env bash
# Load benchmark against the real binary, as quoted in docs/BENCHMARKS.md.
# Seeds a community plus one 10,000-post thread on SQLite, serves it with
# 100 posts a page on 127.0.0.1 only, and drives it with wrk (16 keep-alive
# connections, 2 threads) for a bounded time per URL. Prints a Markdown table.
#
#   bash .ci/load.sh            # DURATION=15s PORT=18123 by default
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15s}
PORT=${PORT:-18123}
ADDR=127.0.0.1:$PORT
BASE=http://$ADDR
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
WORK=$(mktemp -d /tmp/hearth-load.XXXXXX)
cleanup() { [[ -n "${PID:-}" ]] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

go build -o "$WORK/hearth" ./cmd/hearth
H="$WORK/hearth"
export HEARTH_DATA_DIR=$WORK/data HEARTH_URL=$BASE HEARTH_POSTS_PER_PAGE=100
echo "## seed"
"$H" dev seed --users 200 --threads 500 --posts-per-thread 20 | tee "$WORK/seed1.txt"
"$H" dev seed --users 20 --threads 1 --posts-per-thread 10000 --category big | tee "$WORK/seed2.txt"
BIG=$(sed -n 's/.*first thread id \([0-9]*\).*/\1/p' "$WORK/seed2.txt")
"$H" admin create-user --username loadreader --email loadreader@example.com --password password123 >/dev/null

"$H" serve --addr "$ADDR" 2>"$WORK/serve.log" &
PID=$!
for _ in $(seq 1 100); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$BASE/healthz" >/dev/null
sleep 2
IDLE_RSS=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)

# Log in as a member through the form, so member pages skip the anonymous cache.
JAR=$WORK/jar
curl -fsS -c "$JAR" -b "$JAR" "$BASE/login" -o "$WORK/login.html"
CSRF=$(awk '$6 == "hearth_csrf" {print $7}' "$JAR")
curl -fsS -c "$JAR" -b "$JAR" -o /dev/null -d "_csrf=$CSRF&login=loadreader&password=password123" "$BASE/login"
SESSION=$(awk '$6 == "hearth_session" {print $7}' "$JAR")
[[ -n "$SESSION" ]] || { echo "login failed"; exit 1; }

run() { # name url [cookie]
	local name=$1 url=$2 cookie=${3:-}
	local args=(-t2 -c16 -d"$DURATION" --latency --timeout 5s)
	[[ -n "$cookie" ]] && args+=(-H "Cookie: hearth_session=$cookie")
	curl -fsS -o /dev/null ${cookie:+-H "Cookie: hearth_session=$cookie"} "$url" # warm
	local out
	out=$(wrk "${args[@]}" "$url" || true)
	local rps p50 p99 errs
	rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
	p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
	p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
	errs=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr '\n' ' ' || true)
	printf '| %s | %s | %s | %s | %s |\n' "$name" "$rps" "$p50" "$p99" "${errs:-none}"
}

echo
echo "## load: wrk -t2 -c16 -d$DURATION, SQLite, 100 posts a page ($(nproc) cores, $(date -u +%F))"
echo "| page | requests/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|"
run "thread page 1, anonymous" "$BASE/t/$BIG"
run "thread last page (100), anonymous" "$BASE/t/$BIG?page=100"
run "thread page 1, member (no page cache)" "$BASE/t/$BIG" "$SESSION"
run "thread last page (100), member" "$BASE/t/$BIG?page=100" "$SESSION"
run "category page, anonymous" "$BASE/c/general"
run "category page, member" "$BASE/c/general" "$SESSION"
PEAK_RSS=$(awk '/VmHWM/ {print $2}' /proc/$PID/status)
echo
echo "resident memory: idle after seeding $((IDLE_RSS / 1024)) MB, peak during load $((PEAK_RSS / 1024)) MB"
