#!/bin/sh
# pg_ctl for pytest-postgresql (given as --postgresql-exec by tests/conftest.py).
#
# pg_ctl and initdb refuse to run as root. As root, this script hands the fixture's data folder
# to the `postgres` user, makes the pytest temp folders above it traversable (o+x only, no
# listing), and runs pg_ctl as `postgres`. As any other user it is plain pg_ctl.
#
# KOLBRIDGE_PG_BINDIR picks the PostgreSQL binaries (default: Debian's PostgreSQL 15).
set -eu

PG_CTL="${KOLBRIDGE_PG_BINDIR:-/usr/lib/postgresql/15/bin}/pg_ctl"

if [ "$(id -u)" -ne 0 ]; then
    exec "$PG_CTL" "$@"
fi

# The data folder follows -D / --pgdata (start, stop, status) or --pgdata (initdb).
datadir=""
previous=""
for arg in "$@"; do
    case "$previous" in
        -D | --pgdata) datadir="$arg" ;;
    esac
    case "$arg" in
        --pgdata=*) datadir="${arg#--pgdata=}" ;;
    esac
    previous="$arg"
done

if [ -n "$datadir" ]; then
    # The parent also receives the server log (pg_ctl start -l), so postgres must own it.
    parent="$(dirname "$datadir")"
    if [ -d "$parent" ] && [ "$(stat -c %U "$parent")" != postgres ]; then
        chown postgres:postgres "$parent"
    fi
    # pytest creates its temp folders 0700; postgres must be able to pass through them.
    dir="$(dirname "$parent")"
    while [ "$dir" != / ] && [ "$dir" != . ]; do
        case "$(stat -c %A "$dir")" in
            *x | *t) ;;
            *) chmod o+x "$dir" ;;
        esac
        dir="$(dirname "$dir")"
    done
fi

exec setpriv --reuid=postgres --regid=postgres --init-groups "$PG_CTL" "$@"
