# shellcheck shell=bash
#
# .ci/pg.sh - start a throwaway PostgreSQL 15 server for the test suite.
#
# Usage (from bash, typically under `set -euo pipefail`):
#
#     source .ci/pg.sh          # defines functions and starts the server
#     go test ./...             # HEARTH_TEST_POSTGRES is exported
#     hearth_pg_stop            # optional; also runs automatically on exit
#
# Set HEARTH_PG_AUTOSTART=0 before sourcing to only define the functions and
# call `hearth_pg_start` yourself.
#
# What it does:
#   * finds initdb/pg_ctl (PostgreSQL 15 preferred); if missing and running
#     as root, installs Debian's `postgresql` package with apt-get;
#   * when root, runs the server as the `postgres` OS user (initdb and pg_ctl
#     refuse to run as root), creating that user if it does not exist;
#   * data dir, unix socket and log live in a fresh mktemp dir;
#   * listens on 127.0.0.1 only, port HEARTH_PG_PORT (default 55432) or the
#     next free one;
#   * durability is switched off for speed (fsync, synchronous_commit,
#     full_page_writes);
#   * creates role hearth/hearth (LOGIN CREATEDB) and database hearth_test
#     owned by it, and exports
#       HEARTH_TEST_POSTGRES=postgres://hearth:hearth@127.0.0.1:PORT/hearth_test?sslmode=disable
#   * registers an EXIT trap (chained after any existing EXIT trap) plus
#     INT/TERM/HUP traps that stop the server and delete the temp dir.
#
# Exported on success: HEARTH_TEST_POSTGRES, HEARTH_PG_PORT, HEARTH_PG_DIR,
# HEARTH_PG_BINDIR.

_hearth_pg_log() { printf '[pg.sh] %s\n' "$*" >&2; }

# Run a command as the database OS user (postgres when we are root,
# ourselves otherwise). Always from inside the temp dir, so an unreadable
# current directory (e.g. /root/...) does not upset initdb/pg_ctl.
_hearth_pg_as_owner() {
	if [ "$(id -u)" -ne 0 ]; then
		(cd "${HEARTH_PG_DIR:-/}" && "$@")
	elif command -v runuser >/dev/null 2>&1; then
		(cd "${HEARTH_PG_DIR:-/}" && runuser -u postgres -- "$@")
	else
		(cd "${HEARTH_PG_DIR:-/}" && su -s /bin/bash postgres -c "$(printf '%q ' "$@")")
	fi
}

# apt-get install, quietly, retried once.
_hearth_pg_apt_install() {
	local log attempt
	log=$(mktemp /tmp/hearth-apt.XXXXXX.log)
	for attempt in 1 2; do
		if { apt-get -qq -o DPkg::Lock::Timeout=300 update &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				-o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0 "$@"; } >"$log" 2>&1; then
			rm -f "$log"
			return 0
		fi
		_hearth_pg_log "apt-get install $* failed (attempt $attempt); last output:"
		tail -n 30 "$log" >&2
		[ "$attempt" -eq 1 ] && sleep 10
	done
	rm -f "$log"
	return 1
}

# Locate the PostgreSQL server binaries; prints the bin directory.
_hearth_pg_find_bindir() {
	local d
	for d in /usr/lib/postgresql/15/bin; do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
			printf '%s\n' "$d"
			return 0
		fi
	done
	if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
		d=$(dirname "$(readlink -f "$(command -v initdb)")")
		if [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
			printf '%s\n' "$d"
			return 0
		fi
	fi
	# Any other Debian-packaged major version, newest first.
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -rn); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
			printf '%s\n' "$d"
			return 0
		fi
	done
	return 1
}

# True if something already accepts TCP connections on 127.0.0.1:$1.
_hearth_pg_port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

hearth_pg_stop() {
	local dir=${HEARTH_PG_DIR:-}
	[ -n "$dir" ] || return 0
	if [ -f "$dir/data/postmaster.pid" ] && [ -n "${HEARTH_PG_BINDIR:-}" ]; then
		_hearth_pg_log "stopping PostgreSQL (port ${HEARTH_PG_PORT:-?})"
		_hearth_pg_as_owner "$HEARTH_PG_BINDIR/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop \
			>/dev/null 2>&1 || {
			# Last resort: kill the postmaster directly.
			local pid
			pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
			[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
		}
	fi
	rm -rf -- "$dir"
	unset HEARTH_PG_DIR HEARTH_TEST_POSTGRES
	return 0
}

_hearth_pg_on_exit() {
	local rc=$?
	hearth_pg_stop || true
	if [ -n "${_HEARTH_PG_PREV_EXIT_TRAP:-}" ]; then
		# Run the previous trap with $? restored. Inside `{ ...; } || true`
		# errexit is suspended, so `(exit "$rc")` only sets $?.
		{ (exit "$rc"); eval "$_HEARTH_PG_PREV_EXIT_TRAP"; } || true
	fi
	return "$rc"
}

_hearth_pg_install_traps() {
	[ -n "${_HEARTH_PG_TRAPS_SET:-}" ] && return 0
	_HEARTH_PG_TRAPS_SET=1
	# Chain after an already registered EXIT trap instead of replacing it.
	local prev
	prev=$(trap -p EXIT)
	if [ -n "$prev" ]; then
		eval "set -- $prev"
		_HEARTH_PG_PREV_EXIT_TRAP=$3
	fi
	trap _hearth_pg_on_exit EXIT
	# Turn fatal signals into a normal exit so the EXIT trap runs.
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

hearth_pg_start() {
	if [ -n "${HEARTH_PG_DIR:-}" ] && [ -n "${HEARTH_TEST_POSTGRES:-}" ]; then
		_hearth_pg_log "already running: $HEARTH_TEST_POSTGRES"
		return 0
	fi

	local bindir
	if ! bindir=$(_hearth_pg_find_bindir); then
		if [ "$(id -u)" -ne 0 ]; then
			_hearth_pg_log "ERROR: PostgreSQL server binaries (initdb, pg_ctl) not found; install postgresql-15"
			return 1
		fi
		_hearth_pg_log "initdb/pg_ctl not found; installing Debian package postgresql"
		_hearth_pg_apt_install postgresql || {
			_hearth_pg_log "ERROR: apt-get install postgresql failed"
			return 1
		}
		bindir=$(_hearth_pg_find_bindir) || {
			_hearth_pg_log "ERROR: PostgreSQL server binaries still not found after install"
			return 1
		}
	fi
	export HEARTH_PG_BINDIR=$bindir

	if [ "$(id -u)" -eq 0 ] && ! id -u postgres >/dev/null 2>&1; then
		_hearth_pg_log "creating OS user postgres"
		useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
	fi

	_hearth_pg_install_traps

	# Short fixed prefix under /tmp: unix socket paths are limited to ~107 bytes.
	HEARTH_PG_DIR=$(mktemp -d /tmp/hearth-pg.XXXXXX)
	export HEARTH_PG_DIR
	chmod 700 "$HEARTH_PG_DIR"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$HEARTH_PG_DIR"

	local dir=$HEARTH_PG_DIR
	_hearth_pg_log "initdb ($("$bindir/postgres" --version)) in $dir/data"
	if ! _hearth_pg_as_owner "$bindir/initdb" -D "$dir/data" -U postgres \
		--encoding=UTF8 --no-locale --no-sync \
		--auth-local=trust --auth-host=scram-sha-256 \
		>"$dir/initdb.log" 2>&1; then
		_hearth_pg_log "ERROR: initdb failed:"
		cat "$dir/initdb.log" >&2
		return 1
	fi
	_hearth_pg_as_owner mkdir -p "$dir/sock"
	_hearth_pg_as_owner tee -a "$dir/data/postgresql.conf" >/dev/null <<-EOF

		# --- throwaway CI server (.ci/pg.sh) ---
		listen_addresses = '127.0.0.1'
		unix_socket_directories = '$dir/sock'
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		max_connections = 200
		logging_collector = off
		log_min_messages = warning
	EOF

	local port=${HEARTH_PG_PORT:-55432} tries=0 started=
	while [ "$tries" -lt 50 ]; do
		tries=$((tries + 1))
		if _hearth_pg_port_busy "$port"; then
			_hearth_pg_log "port $port busy, trying $((port + 1))"
			port=$((port + 1))
			continue
		fi
		# -w -t 30: wait (bounded) for the server to accept connections.
		if _hearth_pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" \
			-o "-p $port" -w -t 30 start >"$dir/pg_ctl.log" 2>&1; then
			started=1
			break
		fi
		if grep -qiE 'could not (bind|create listen)|address already in use' "$dir/server.log" 2>/dev/null; then
			_hearth_pg_log "port $port could not be bound, trying $((port + 1))"
			_hearth_pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
			: >"$dir/server.log"
			port=$((port + 1))
			continue
		fi
		break
	done
	if [ -z "$started" ]; then
		_hearth_pg_log "ERROR: PostgreSQL failed to start (last port tried: $port). pg_ctl output:"
		cat "$dir/pg_ctl.log" >&2 || true
		_hearth_pg_log "server log:"
		tail -n 50 "$dir/server.log" >&2 || true
		return 1
	fi
	export HEARTH_PG_PORT=$port

	# Bounded readiness wait (pg_ctl -w normally already guarantees this).
	local waited=0
	until "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1 -d postgres; do
		waited=$((waited + 1))
		if [ "$waited" -ge 30 ]; then
			_hearth_pg_log "ERROR: PostgreSQL on 127.0.0.1:$port not ready after 30 s. server log:"
			tail -n 50 "$dir/server.log" >&2 || true
			return 1
		fi
		sleep 1
	done

	if ! _hearth_pg_as_owner "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/sock" -p "$port" \
		-U postgres -d postgres >"$dir/setup.log" 2>&1 <<-'SQL'; then
		CREATE ROLE hearth LOGIN CREATEDB PASSWORD 'hearth';
		CREATE DATABASE hearth_test OWNER hearth;
	SQL
		_hearth_pg_log "ERROR: creating role/database failed:"
		cat "$dir/setup.log" >&2
		return 1
	fi

	export HEARTH_TEST_POSTGRES="postgres://hearth:hearth@127.0.0.1:$port/hearth_test?sslmode=disable"
	_hearth_pg_log "ready: $HEARTH_TEST_POSTGRES (data in $dir)"
}

if [ "${HEARTH_PG_AUTOSTART:-1}" != 0 ]; then
	hearth_pg_start
fi
