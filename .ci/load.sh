#!/usr/bin/env bash
# Load benchmark against the real binary, as quoted in docs/BENCHMARKS.md.
# Seeds a community plus one 10,000-post thread on SQLite, serves it with
# 100 posts a page on 127.0.0.1 only, and drives it with wrk (16 keep-alive
# connections, 2 threads) for a bounded time per URL. Prints a Markdown table.
#
#   bash .ci/load.sh            # DURATION=15s PORT=18123 by default
#
# On PostgreSQL (issue 16: members' pages at 1M posts), give a database and
# a size; an already seeded database is reused, so a rerun takes minutes:
#
#   psql -h 127.0.0.1 -p 55500 -U postgres -c 'CREATE DATABASE "h_load_1m" OWNER hearth'
#   HEARTH_DB='postgres://hearth:hearth@127.0.0.1:55500/h_load_1m?sslmode=disable' SEED=1m bash .ci/load.sh
#
# SEED=small (the default: 200 members, 500 threads of 20 posts) or 1m
# (20,000 members, 50,000 threads of 20 posts: 1M posts), plus the
# 10,000-post thread and the loadreader member either way. Seeding 1M posts
# on PostgreSQL takes about ten minutes; it ends with VACUUM ANALYZE so the
# first run is planned on real statistics and index-only scans. psql must be
# on the PATH (it checks the seed and reads the server's settings). On
# PostgreSQL the table also gives the CPU each request cost Hearth and the
# database's backends for this database (their run time from /proc over
# the wrk run), the figure that moves least when the machine is shared.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15s}
PORT=${PORT:-18123}
ADDR=127.0.0.1:$PORT
BASE=http://$ADDR
SEED=${SEED:-small}
case $SEED in
small) USERS=200 THREADS=500 ;;
1m) USERS=20000 THREADS=50000 ;;
*) echo "SEED=$SEED: use small or 1m" >&2; exit 2 ;;
esac
DB=${HEARTH_DB:-}
PG=
case $DB in
"") ;;
postgres://* | postgresql://*) PG=1 ;;
*) echo "HEARTH_DB=$DB: .ci/load.sh seeds a temporary SQLite file itself, or takes a postgres:// DSN" >&2; exit 2 ;;
esac
[[ -z $PG ]] || command -v psql >/dev/null || { echo "psql is needed with a PostgreSQL HEARTH_DB (apt-get install postgresql-client)" >&2; exit 2; }
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
WORK=$(mktemp -d /tmp/hearth-load.XXXXXX)
cleanup() { [[ -n "${PID:-}" ]] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

go build -o "$WORK/hearth" ./cmd/hearth
H="$WORK/hearth"
export HEARTH_DATA_DIR=$WORK/data HEARTH_URL=$BASE HEARTH_POSTS_PER_PAGE=100
seed() {
	echo "## seed"
	"$H" dev seed --users $USERS --threads $THREADS --posts-per-thread 20 | tee "$WORK/seed1.txt"
	"$H" dev seed --users 20 --threads 1 --posts-per-thread 10000 --category big | tee "$WORK/seed2.txt"
	BIG=$(sed -n 's/.*first thread id \([0-9]*\).*/\1/p' "$WORK/seed2.txt")
	"$H" admin create-user --username loadreader --email loadreader@example.com --password password123 >/dev/null
}
if [[ -z $PG ]]; then
	seed
else
	q() { psql "$DB" -X -q -v ON_ERROR_STOP=1 -tA -c "$1"; }
	"$H" migrate >/dev/null
	# loadreader is made last, so with it the seed is complete.
	WANT=$((THREADS * 20 + 10000))
	read -r POSTS READER < <(q "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM users WHERE username = 'loadreader')" | tr '|' ' ')
	if [[ $READER == 1 && $POSTS -ge $WANT && $POSTS -lt $((WANT + WANT / 10)) ]]; then
		echo "## seed: already seeded ($POSTS posts), reused"
		BIG=$(q "SELECT t.id FROM threads t JOIN categories c ON c.id = t.category_id WHERE c.slug = 'big' ORDER BY t.id LIMIT 1")
	elif [[ $POSTS == 0 ]]; then
		seed
		PGOPTIONS="-c client_min_messages=error" q "VACUUM ANALYZE" # not the shared catalogs: no warning for each
	else
		echo "HEARTH_DB holds $POSTS posts and loadreader $READER times, not a complete SEED=$SEED forum ($WANT posts): give an empty or a complete database" >&2
		exit 2
	fi
	export HEARTH_DB=$DB
fi
[[ -n ${BIG:-} ]] || { echo "no thread in category big" >&2; exit 1; }

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

# The CPU a request cost Hearth is printed on both databases: on this
# shared 2-core machine requests/s moves by a third between identical
# runs, the CPU per request far less.
# cpu_ns: CPU time so far of Hearth (all its threads) and, on PostgreSQL,
# of each backend serving this database (its process title names the
# database), as "hearth pid:ns pid:ns ...". From /proc's schedstat, in
# nanoseconds: utime and stime are sampled at the clock tick, too coarse
# for backends that run 50 µs at a time.
DBNAME=
[[ -z $PG ]] || DBNAME=$(q "SELECT current_database()")
cpu_ns() {
	local out p t
	out=$(cat /proc/$PID/task/*/schedstat | awk '{s += $1} END {printf "%.0f", s}')
	if [[ -n $PG ]]; then
		for p in /proc/[0-9]*; do
			{ t=$(tr '\0' ' ' <"$p/cmdline"); } 2>/dev/null || continue
			[[ $t == "postgres: "*" $DBNAME "* ]] || continue
			out+=" ${p#/proc/}:$(cut -d' ' -f1 "$p/schedstat" 2>/dev/null || echo 0)"
		done
	fi
	echo "$out"
}
# cpu_ms before after requests: Hearth's and the backends' CPU per request,
# in ms (a backend that started during the run counts from zero).
cpu_ms() {
	awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		h = y[1] - x[1]
		for (i = 2; i in x; i++) { split(x[i], kv, ":"); was[kv[1]] = kv[2] }
		for (i = 2; i in y; i++) { split(y[i], kv, ":"); pg += kv[2] - was[kv[1]] }
		printf "%.2f | %.2f", h / 1e6 / n, pg / 1e6 / n
	}'
}
run() { # name url [cookie]
	local name=$1 url=$2 cookie=${3:-}
	local args=(-t2 -c16 -d"$DURATION" --latency --timeout 5s)
	[[ -n "$cookie" ]] && args+=(-H "Cookie: hearth_session=$cookie")
	curl -fsS -o /dev/null ${cookie:+-H "Cookie: hearth_session=$cookie"} "$url" # warm
	local out before after
	before=$(cpu_ns)
	out=$(wrk "${args[@]}" "$url" || true)
	after=$(cpu_ns)
	local rps p50 p99 errs
	rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
	p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
	p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
	errs=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr '\n' ' ' || true)
	local cpu
	cpu=$(cpu_ms "$before" "$after" "$(awk '/requests in/ {print $1}' <<<"$out")")
	[[ -n $PG ]] || cpu=${cpu% | *} # no database processes to count on SQLite
	printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$rps" "$p50" "$p99" "$cpu" "${errs:-none}"
}

echo
if [[ -z $PG ]]; then
	echo "## load: wrk -t2 -c16 -d$DURATION, SQLite, 100 posts a page ($(nproc) cores, $(date -u +%F), load $(cut -d' ' -f1-3 /proc/loadavg))"
	echo "| page | requests/s | p50 | p99 | Hearth CPU ms/request | errors |"
	echo "|---|---|---|---|---|---|"
else
	echo "## load: wrk -t2 -c16 -d$DURATION, PostgreSQL $(q "SHOW server_version" | cut -d' ' -f1), $(q "SELECT count(*) FROM posts") posts, 100 posts a page ($(nproc) cores, $(date -u +%F), load $(cut -d' ' -f1-3 /proc/loadavg))"
	echo "server: $(q "SELECT string_agg(name || '=' || current_setting(name), ' ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'work_mem', 'random_page_cost', 'effective_cache_size', 'max_connections')")"
	echo
	echo "| page | requests/s | p50 | p99 | Hearth CPU ms/request | PostgreSQL CPU ms/request | errors |"
	echo "|---|---|---|---|---|---|---|"
fi
run "thread page 1, anonymous" "$BASE/t/$BIG"
run "thread last page (100), anonymous" "$BASE/t/$BIG?page=100"
run "thread page 1, member (no page cache)" "$BASE/t/$BIG" "$SESSION"
run "thread last page (100), member" "$BASE/t/$BIG?page=100" "$SESSION"
run "category page, anonymous" "$BASE/c/general"
run "category page, member" "$BASE/c/general" "$SESSION"
PEAK_RSS=$(awk '/VmHWM/ {print $2}' /proc/$PID/status)
echo
echo "resident memory: idle after seeding $((IDLE_RSS / 1024)) MB, peak during load $((PEAK_RSS / 1024)) MB"
