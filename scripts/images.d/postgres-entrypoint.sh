#!/bin/sh
# The offline Postgres image's entrypoint: the part of the official postgres image's
# docker-entrypoint.sh that Stevedore's docker-compose.yml relies on. A first start with an
# empty PGDATA makes the cluster: superuser POSTGRES_USER (default postgres) with
# POSTGRES_PASSWORD or the file POSTGRES_PASSWORD_FILE names, database POSTGRES_DB (default:
# the user's name), password (scram-sha-256) authentication for every network client.
set -eu
: "${PGDATA:=/var/lib/postgresql/data}"

die() { echo "postgres-entrypoint: $*" >&2; exit 1; }

if [ "${1:-}" = postgres ] && [ "$(id -u)" = 0 ]; then
  # Root only makes the folders Postgres needs its own, then runs this again as postgres.
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec /usr/bin/setpriv --reuid=postgres --regid=postgres --init-groups -- "$0" "$@"
fi

if [ "${1:-}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
    [ -z "${POSTGRES_PASSWORD:-}" ] || die "set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE, not both"
    POSTGRES_PASSWORD=$(cat "$POSTGRES_PASSWORD_FILE") || die "cannot read $POSTGRES_PASSWORD_FILE"
  fi
  [ -n "${POSTGRES_PASSWORD:-}" ] || die "the database is not initialised and no POSTGRES_PASSWORD(_FILE) is given"
  user=${POSTGRES_USER:-postgres}
  db=${POSTGRES_DB:-$user}
  echo "postgres-entrypoint: initialising $PGDATA (user $user, database $db)"
  printf '%s\n' "$POSTGRES_PASSWORD" | initdb -D "$PGDATA" --username="$user" --pwfile=/dev/stdin \
    --encoding=UTF8 --locale=C --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
  printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    # Single-user mode: no server listening until the cluster is complete.
    printf 'CREATE DATABASE "%s" OWNER "%s";\n' "$db" "$user" | postgres --single -j -D "$PGDATA" postgres >/dev/null
  fi
  echo "postgres-entrypoint: ready for its first start"
fi

exec "$@"
