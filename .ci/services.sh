#!/usr/bin/env bash
# Start the loopback services the tests need (PostgreSQL, Redis) and export their URLs.
# Sourced by .ci/run; safe to source by hand before `make test`.

start_services() {
    local pgbin
    pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$pgbin" ]; then
        local pgdata=/tmp/disclosure-ci-pg
        if [ ! -f "$pgdata/PG_VERSION" ]; then
            rm -rf "$pgdata"; mkdir -p "$pgdata"; chown postgres "$pgdata"
            su postgres -c "$pgbin/initdb -D $pgdata -A trust -U postgres" >/dev/null
        fi
        if ! su postgres -c "$pgbin/pg_ctl -D $pgdata status" >/dev/null 2>&1; then
            su postgres -c "$pgbin/pg_ctl -D $pgdata -o '-p 55432 -k /tmp -c listen_addresses=127.0.0.1' -l $pgdata/log start -w" >/dev/null
        fi
        export DISCLOSURE_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:55432/postgres"
        echo "ci: PostgreSQL on 127.0.0.1:55432"
    fi
    if command -v redis-server >/dev/null; then
        if ! (exec 3<>/dev/tcp/127.0.0.1/56379) 2>/dev/null; then
            redis-server --port 56379 --bind 127.0.0.1 --save '' --appendonly no --daemonize yes >/dev/null
        fi
        export DISCLOSURE_TEST_REDIS_URL="redis://127.0.0.1:56379/0"
        echo "ci: Redis on 127.0.0.1:56379"
    fi
}
