#!/usr/bin/env bash
# Make sure PostgreSQL answers on 127.0.0.1:5432 for the records tests: start it if it is stopped,
# install Debian's postgresql if it is missing. Called by `make test`; never needed by `make run`
# (the embedded default database is SQLite).
set -uo pipefail
ready() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; }
ready && exit 0
if [ "${TECHSERV_SKIP_PG_SETUP:-}" = 1 ]; then
  echo "ensure-postgres: PostgreSQL is not answering and TECHSERV_SKIP_PG_SETUP=1; the records tests will fail." >&2
  exit 0
fi
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "ensure-postgres: PostgreSQL is not installed; installing Debian's postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null || { echo "ensure-postgres: install failed" >&2; exit 1; }
fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
conf="/etc/postgresql/$version/main"
if ! grep -q "techserv-test" "$conf/pg_hba.conf"; then
  # this is a test machine: let local TCP connections in without a password, as on the CI machines
  sed -i '1i host all all 127.0.0.1/32 trust # techserv-test\nhost all all ::1/128 trust # techserv-test' "$conf/pg_hba.conf"
fi
grep -q "^listen_addresses" "$conf/postgresql.conf" || echo "listen_addresses = 'localhost'" >> "$conf/postgresql.conf"
pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || pg_ctlcluster --skip-systemctl-redirect "$version" main reload
for _ in $(seq 1 30); do ready && { echo "ensure-postgres: PostgreSQL $version is up" >&2; exit 0; }; sleep 1; done
echo "ensure-postgres: PostgreSQL did not come up on 127.0.0.1:5432" >&2
exit 1
