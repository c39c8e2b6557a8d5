# pg_lib.sh — a throwaway PostgreSQL 15 cluster for tests (sourced, not run).
#
#   pg_start             initdb + pg_ctl start in a fresh temporary folder,
#                        listening only on a Unix socket inside it (no TCP);
#                        stopped and removed on EXIT. Exits 77 (skipped)
#                        when Debian's postgresql-15 is not installed.
#   pg_central_init DB   applies db/central/*.sql in order, as the owner
#                        role, skipping the versions already recorded
#   psql_as ROLE DB ...  psql on the throwaway cluster (ON_ERROR_STOP, -X)
#   pg_stop              stops the cluster now (the EXIT trap does it too;
#                        pg_start sets that trap, so a test with cleanup of
#                        its own calls pg_stop from its own trap)
#   pg_crash             stops the server at once (-m immediate: no
#                        shutdown checkpoint, as a power cut would), keeping
#                        its data; pg_restart starts it again on it
#
# After pg_start: PGHOST (the socket folder), PGPORT, PG_BIN, PG_DIR.
# The cluster is for tests of logic only: fsync=off, full_page_writes=off
# and synchronous_commit=off make start and writes fast, and lose data on
# a machine crash, which a throwaway cluster does not care about.
#
# initdb refuses to run as root, so when the tests run as root the cluster
# runs as `nobody` (runuser); the temporary folder is made traversable for
# it. Roles: the bootstrap superuser is `ck_admin` (trust over the socket,
# the only way in); pg_start also creates the login role `cepci_owner`
# (CREATEROLE, not superuser) and the database `cepci` it owns.

CK_SOURCE_DIR=${CK_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=
PG_OPTS=
PG_RUN_AS=()

pg_stop() {
    [ -n "$PG_DIR" ] || return 0
    if [ -f "$PG_DIR/data/postmaster.pid" ]; then
        "${PG_RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_DIR"
    PG_DIR=
}

pg_start() {
    local tool
    for tool in initdb pg_ctl postgres psql; do
        if [ ! -x "$PG_BIN/$tool" ]; then
            echo "SKIP: PostgreSQL 15 not installed ($PG_BIN/$tool missing; scripts/setup.sh installs postgresql-15)"
            exit 77
        fi
    done
    # A folder the server user can reach: /tmp unless TMPDIR is traversable.
    local base=${TMPDIR:-/tmp}
    [ "$(id -u)" -ne 0 ] || base=/tmp
    PG_DIR=$(mktemp -d "$base/ck-pg.XXXXXX")
    trap 'pg_stop' EXIT
    chmod 711 "$PG_DIR"
    if [ "$(id -u)" -eq 0 ]; then
        chown nobody "$PG_DIR"
        PG_RUN_AS=(runuser -u nobody --)
    fi
    if ! "${PG_RUN_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U ck_admin -A trust -E UTF8 --locale=C \
            --no-sync >"$PG_DIR/initdb.log" 2>&1; then
        cat "$PG_DIR/initdb.log" >&2
        echo "FAIL: initdb" >&2
        exit 1
    fi
    # Only the socket in PG_DIR: no TCP, nothing shared with other clusters.
    # (PG_EXTRA_OPTS come last, so "-c fsync=on ..." restores the defaults.)
    PG_OPTS="-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -c fsync=off \
                -c full_page_writes=off -c synchronous_commit=off -c max_connections=20 \
                ${PG_EXTRA_OPTS:-}"
    if ! "${PG_RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
            -o "$PG_OPTS" start >/dev/null; then
        cat "$PG_DIR/server.log" >&2
        echo "FAIL: pg_ctl start" >&2
        exit 1
    fi
    export PGHOST=$PG_DIR PGPORT=5432 PGUSER=ck_admin PGDATABASE=postgres
    unset PGPASSWORD PGSERVICE PGHOSTADDR
    psql_as ck_admin postgres -q -c "CREATE ROLE cepci_owner LOGIN CREATEROLE" \
        -c "CREATE DATABASE cepci OWNER cepci_owner" >/dev/null
}

pg_crash() {
    "${PG_RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null
}

pg_restart() {
    "${PG_RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 -o "$PG_OPTS" start \
        >/dev/null
}

psql_as() { # psql_as ROLE DB [psql args...]
    local role=$1 db=$2
    shift 2
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$PGPORT" -U "$role" -d "$db" "$@"
}

# Applies the central migrations in order, each in one transaction, the way
# `cepci-kiosk central init` does: versions already in ck.schema_version are
# skipped, so running it twice changes nothing. Prints the versions applied.
pg_central_init() { # pg_central_init DB
    local db=$1 f v have
    for f in "$CK_SOURCE_DIR"/db/central/[0-9][0-9][0-9]_*.sql; do
        v=$(basename "$f")
        v=$((10#${v%%_*}))
        have=$(psql_as cepci_owner "$db" -At -c "SELECT to_regclass('ck.schema_version') IS NOT NULL")
        if [ "$have" = t ]; then
            have=$(psql_as cepci_owner "$db" -At -c "SELECT count(*) FROM ck.schema_version WHERE version = $v")
            [ "$have" = 0 ] || continue
        fi
        psql_as cepci_owner "$db" -1 -f "$f" >/dev/null || return 1
        echo "$v"
    done
}
