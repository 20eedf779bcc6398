#!/usr/bin/env bash
# The project's test command (README and CI): bash scripts/test.sh [extra dotnet test args]
#
# 1. Installs what the tests need when it is missing (Debian: rabbitmq-server, chromium), using sudo
#    when not root.
# 2. Unless RABBITMQ_URL is already set, makes sure a RabbitMQ broker answers on 127.0.0.1:5672:
#    reuses one that already does, otherwise starts one on loopback and stops it again on exit.
# 3. Runs `dotnet test ApprovalOrchestrator.sln` from the repository root, passing "$@" through,
#    and exits with its exit code after printing one line: "N passed, N failed, N skipped".
#
# Exported to the tests:
#   RABBITMQ_URL        amqp://guest:guest@127.0.0.1:5672/ (or the caller's value)
#   AO_CHROMIUM_PATH    the Chromium the browser tests launch (default: chromium on PATH, /usr/bin/chromium)
#   AO_BROKER_CONTROL   1 when this script started the broker itself, so tests may restart it
#                       with `$RABBITMQ_CTL stop_app` / `$RABBITMQ_CTL start_app`; otherwise 0
#                       (or the caller's value)
#   MAILDEV_BIN         the npm maildev the e-mail tests start (default: tests/tools/node_modules/.bin/maildev)
#   AO_OIDC_URL         issuer URL of the OIDC provider started for the identity tests (or the caller's value)
#   AO_POSTGRES_URL     Npgsql connection string of a PostgreSQL 15 server the PostgreSQL tests create their scratch
#                       databases on (they need CREATE DATABASE); default: the machine's cluster 15/main, started here
#                       when it is down (and stopped again on exit): Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres
#   RABBITMQ_CTL        command prefix for rabbitmqctl ("rabbitmqctl", or "sudo -n rabbitmqctl"
#                       when the broker needs root and we are not root)
#   ERL_EPMD_ADDRESS, RABBITMQ_NODE_IP_ADDRESS, RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS
#                       (loopback-only broker settings, also needed by the CLI tools)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT=$(pwd)

say() { printf '[test.sh] %s\n' "$*"; }
die() { printf '[test.sh] ERROR: %s\n' "$*" >&2; exit 1; }

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# ---------------------------------------------------------------- privileges and apt

# as_root CMD...: run CMD as root (directly, or through sudo), or fail with a clear message.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n env "DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-noninteractive}" "$@" \
            || die "'sudo $*' failed (passwordless sudo is needed to install packages; or install them yourself)"
    else
        die "need root to run '$*' (not root and no sudo). Install the package yourself, or run as root."
    fi
}

APT_UPDATED=0
apt_install() {
    command -v apt-get >/dev/null 2>&1 \
        || die "'$*' is missing and this is not a Debian/Ubuntu machine (no apt-get): install it yourself."
    if [ "$APT_UPDATED" -eq 0 ]; then
        say "apt-get update"
        as_root apt-get update -q
        APT_UPDATED=1
    fi
    say "apt-get install -y $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

command -v dotnet >/dev/null 2>&1 || die "dotnet SDK not found on PATH (the solution needs .NET 10)"

# ---------------------------------------------------------------- Chromium for the browser tests

# The console's browser tests (tests/ApprovalOrchestrator.Browser.Tests) drive Debian's Chromium through Playwright;
# they fail (never skip) without it, so it is installed whenever it is missing. Never `playwright install`: browser
# downloads cannot work on these machines. AO_CHROMIUM_PATH overrides the path the tests use.
if [ -z "${AO_CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
    say "chromium is missing (needed by the browser tests): installing it"
    apt_install chromium
fi
export AO_CHROMIUM_PATH="${AO_CHROMIUM_PATH:-$(command -v chromium)}"
say "browser tests use chromium at $AO_CHROMIUM_PATH"

# ---------------------------------------------------------------- Prometheus (issue 14: observability)

# The metrics test (tests/ApprovalOrchestrator.Integration.Tests/Telemetry/PrometheusScrapeTests.cs) starts Debian's
# prometheus itself as a child process, because only the test knows the server's port: on a free loopback port, with
# a throwaway config and storage, killed when the test ends. Here it is only installed when missing (a service the
# package may start on :9090 is not used). PROMETHEUS_BIN overrides the binary the test runs.
if [ -z "${PROMETHEUS_BIN:-}" ] && ! command -v prometheus >/dev/null 2>&1; then
    say "prometheus is missing (needed by the metrics test): installing it"
    apt_install --no-install-recommends prometheus
fi
export PROMETHEUS_BIN="${PROMETHEUS_BIN:-$(command -v prometheus)}"
say "the metrics test runs prometheus at $PROMETHEUS_BIN"

# ---------------------------------------------------------------- RabbitMQ

BROKER_STARTED=0
PG_STARTED=0
LOG_FILE=""

cleanup() {
    local rc=$?
    set +e
    if [ "$BROKER_STARTED" -eq 1 ]; then
        say "stopping the broker this script started"
        rmq rabbitmqctl -q shutdown >/dev/null 2>&1 || say "rabbitmqctl shutdown returned $? (broker already down?)"
        rmq epmd -kill >/dev/null 2>&1
    fi
    if [ "$PG_STARTED" -eq 1 ]; then
        say "stopping the PostgreSQL cluster this script started ($PG_CLUSTER)"
        as_root pg_ctlcluster $PG_CLUSTER stop >/dev/null 2>&1 || say "pg_ctlcluster $PG_CLUSTER stop returned $?"
    fi
    [ -n "$LOG_FILE" ] && rm -f "$LOG_FILE"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -n "${RABBITMQ_URL:-}" ]; then
    say "RABBITMQ_URL is set by the caller: using that broker (not starting or stopping one)"
    export AO_BROKER_CONTROL="${AO_BROKER_CONTROL:-0}"
else
    if ! command -v rabbitmq-server >/dev/null 2>&1 && [ ! -x /usr/sbin/rabbitmq-server ]; then
        say "rabbitmq-server is missing: installing it"
        apt_install rabbitmq-server
    fi
    # /usr/sbin is not on every non-root PATH.
    case ":$PATH:" in *:/usr/sbin:*) ;; *) export PATH="$PATH:/usr/sbin" ;; esac

    # Loopback only. Export these before the first CLI call: a CLI tool starts epmd if none runs,
    # and without ERL_EPMD_ADDRESS that epmd would listen on every interface.
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 ERL_EPMD_ADDRESS=127.0.0.1
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"

    # Debian's wrappers only work as root or as the rabbitmq user.
    if [ "$(id -u)" -eq 0 ] || [ "$(id -un)" = rabbitmq ] || ! command -v sudo >/dev/null 2>&1; then
        export RABBITMQ_CTL="rabbitmqctl"
        rmq() { "$@"; }
    else
        export RABBITMQ_CTL="sudo -n rabbitmqctl"
        rmq() {
            sudo -n env RABBITMQ_NODE_IP_ADDRESS="$RABBITMQ_NODE_IP_ADDRESS" ERL_EPMD_ADDRESS="$ERL_EPMD_ADDRESS" \
                RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="$RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS" PATH="$PATH" "$@"
        }
    fi

    broker_up() { rmq rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1; }

    if broker_up; then
        say "a RabbitMQ broker already answers on 127.0.0.1:5672: reusing it (it will not be stopped)"
        export AO_BROKER_CONTROL="${AO_BROKER_CONTROL:-0}"
    else
        say "starting RabbitMQ on 127.0.0.1:5672"
        start_ts=$(date +%s.%N)
        BROKER_STARTED=1   # from here on the trap tries to stop it, even if startup fails half-way
        rmq rabbitmq-server -detached || die "rabbitmq-server -detached failed"
        deadline=$(( $(date +%s) + 60 ))
        until broker_up; do
            if [ "$(date +%s)" -ge "$deadline" ]; then
                log_dir="${RABBITMQ_LOG_BASE:-/var/log/rabbitmq}"
                printf '[test.sh] RabbitMQ did not come up within 60 s. Log tail (%s):\n' "$log_dir" >&2
                for f in "$log_dir"/startup_err "$log_dir"/startup_log "$log_dir"/rabbit@*.log; do
                    [ -s "$f" ] || continue
                    case "$f" in *_upgrade.log) continue ;; esac
                    printf -- '--- %s\n' "$f" >&2
                    tail -n 40 "$f" >&2 || true
                done
                die "RabbitMQ broker failed to start"
            fi
            sleep 0.5
        done
        say "RabbitMQ is up ($(awk -v s="$start_ts" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s)"
        export AO_BROKER_CONTROL=1
    fi
    export RABBITMQ_URL="amqp://guest:guest@127.0.0.1:5672/"
fi
say "RABBITMQ_URL=$RABBITMQ_URL AO_BROKER_CONTROL=$AO_BROKER_CONTROL"

# ---------------------------------------------------------------- notifications: maildev (SMTP on loopback)

# The e-mail tests (tests/ApprovalOrchestrator.Integration.Tests/Notifications/EmailTests.cs) start npm maildev 3.0.0
# themselves, as a child process on free 127.0.0.1 ports, and stop it when done; here it is only installed, from
# tests/tools/package-lock.json, into tests/tools/node_modules when missing. MAILDEV_BIN overrides the binary.
if [ -z "${MAILDEV_BIN:-}" ]; then
    if [ ! -x "$REPO_ROOT/tests/tools/node_modules/.bin/maildev" ]; then
        command -v npm >/dev/null 2>&1 || { say "npm is missing (needed for maildev): installing it"; apt_install nodejs npm; }
        say "installing maildev into tests/tools (npm ci)"
        (cd "$REPO_ROOT/tests/tools" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in tests/tools failed"
    fi
    export MAILDEV_BIN="$REPO_ROOT/tests/tools/node_modules/.bin/maildev"
fi
say "e-mail tests use maildev at $MAILDEV_BIN"

# ---------------------------------------------------------------- OIDC provider (identity tests) — begin
# A real OpenID Connect provider on loopback for the identity tests: npm oidc-provider (tests/oidc-provider/server.js),
# installed into tests/oidc-provider/node_modules when missing. It listens on a free 127.0.0.1 port and exits by itself
# once this script is gone (it watches AO_OIDC_PARENT_PID). Exported: AO_OIDC_URL (the issuer). A caller's AO_OIDC_URL
# is used as is.
if [ -z "${AO_OIDC_URL:-}" ]; then
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { say "node/npm are missing (needed by the OIDC provider): installing them"; apt_install nodejs npm; }
    OIDC_DIR="$REPO_ROOT/tests/oidc-provider"
    if [ ! -d "$OIDC_DIR/node_modules/oidc-provider" ]; then
        say "npm install oidc-provider (into $OIDC_DIR/node_modules)"
        (cd "$OIDC_DIR" && npm install --no-audit --no-fund --loglevel=error) || die "npm install of oidc-provider failed"
    fi
    OIDC_LOG=$(mktemp "${TMPDIR:-/tmp}/ao-oidc.XXXXXX")
    AO_OIDC_PARENT_PID=$$ node "$OIDC_DIR/server.js" 0 >"$OIDC_LOG" 2>&1 &
    oidc_deadline=$(( $(date +%s) + 30 ))
    until AO_OIDC_URL=$(sed -n 's/^oidc-provider listening on //p' "$OIDC_LOG") && [ -n "$AO_OIDC_URL" ]; do
        [ "$(date +%s)" -lt "$oidc_deadline" ] || { cat "$OIDC_LOG" >&2; die "the OIDC provider did not start within 30 s"; }
        sleep 0.2
    done
    export AO_OIDC_URL
fi
say "AO_OIDC_URL=$AO_OIDC_URL"
# ---------------------------------------------------------------- OIDC provider (identity tests) — end

# ---------------------------------------------------------------- PostgreSQL (issue 10) — begin
# The PostgreSQL provider's tests and the multi-node crash test need a real PostgreSQL 15 where they may CREATE DATABASE
# (each run makes its own ao_* database and drops it). Unless AO_POSTGRES_URL is set: postgresql-15 is installed from
# apt when missing, the cluster is started with pg_ctlcluster when it does not answer (and stopped on exit only then),
# the postgres user gets the password 'postgres' when it does not have it yet, and AO_POSTGRES_URL points at it over
# TCP on loopback. AO_PG_CLUSTER/AO_PG_PORT (default "15 main"/5432) exist to try this block on a throwaway cluster.
if [ -n "${AO_POSTGRES_URL:-}" ]; then
    say "AO_POSTGRES_URL is set by the caller: using that server (not starting or stopping one)"
else
    PG_CLUSTER="${AO_PG_CLUSTER:-15 main}"
    PG_PORT="${AO_PG_PORT:-5432}"
    if [ ! -x /usr/lib/postgresql/15/bin/postgres ] || ! command -v pg_ctlcluster >/dev/null 2>&1; then
        say "postgresql-15 is missing: installing it"
        apt_install postgresql-15
    fi
    # The package creates cluster 15/main, except where postgresql-common was told not to (createcluster.conf).
    if ! pg_lsclusters -h 2>/dev/null | awk -v c="$PG_CLUSTER" '($1" "$2) == c { found = 1 } END { exit !found }'; then
        say "creating PostgreSQL cluster $PG_CLUSTER on port $PG_PORT"
        as_root pg_createcluster --port "$PG_PORT" $PG_CLUSTER >/dev/null
    fi
    pg_up() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 1 >/dev/null 2>&1; }
    if pg_up; then
        say "PostgreSQL already answers on 127.0.0.1:$PG_PORT: reusing it (it will not be stopped)"
    else
        say "starting PostgreSQL ($PG_CLUSTER) on 127.0.0.1:$PG_PORT"
        pg_start_ts=$(date +%s.%N)
        PG_STARTED=1   # from here on the trap stops it, even if start-up fails half-way
        as_root pg_ctlcluster $PG_CLUSTER start || die "pg_ctlcluster $PG_CLUSTER start failed (see /var/log/postgresql/)"
        pg_deadline=$(( $(date +%s) + 30 ))
        until pg_up; do
            if [ "$(date +%s)" -ge "$pg_deadline" ]; then
                tail -n 40 "/var/log/postgresql/postgresql-${PG_CLUSTER// /-}.log" >&2 2>/dev/null || true
                die "PostgreSQL did not answer on 127.0.0.1:$PG_PORT within 30 s"
            fi
            sleep 0.2
        done
        say "PostgreSQL is up ($(awk -v s="$pg_start_ts" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s)"
    fi
    # Password authentication over TCP (Debian's pg_hba.conf: scram-sha-256 on 127.0.0.1): set it once, over the
    # local socket as the postgres OS user (peer authentication), only when it does not work yet.
    if ! PGPASSWORD=postgres PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAqc 'select 1' >/dev/null 2>&1; then
        say "setting the password of the PostgreSQL user postgres"
        as_root su postgres -c "psql -p $PG_PORT -qc \"alter user postgres password 'postgres'\"" >/dev/null \
            || die "could not set the postgres user's password"
    fi
    # The PostgreSQL pass starts hundreds of short-lived servers, each with its own pools (ours and Quartz's): the
    # default limit of 100 connections is too tight for them. Raised only on a server this script started itself.
    if [ "${PG_STARTED:-0}" = 1 ] && [ "$(PGPASSWORD=postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAqc 'show max_connections')" -lt 300 ]; then
        say "raising PostgreSQL max_connections to 300 (restart)"
        PGPASSWORD=postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc 'ALTER SYSTEM SET max_connections = 300' >/dev/null
        as_root pg_ctlcluster $PG_CLUSTER restart || die "pg_ctlcluster $PG_CLUSTER restart failed (see /var/log/postgresql/)"
        pg_deadline=$(( $(date +%s) + 30 ))
        until pg_up; do
            [ "$(date +%s)" -lt "$pg_deadline" ] || die "PostgreSQL did not answer on 127.0.0.1:$PG_PORT within 30 s of its restart"
            sleep 0.2
        done
    fi
    # A database left by an earlier run of the PostgreSQL pass (one schema per test) is dropped, so runs never pile up.
    PGPASSWORD=postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc 'DROP DATABASE IF EXISTS ao_tests WITH (FORCE)' >/dev/null 2>&1 || true
    export AO_POSTGRES_URL="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=postgres"
fi
say "AO_POSTGRES_URL=$(printf '%s' "$AO_POSTGRES_URL" | sed -E 's/(Password=)[^;]*/\1***/I')"
# ---------------------------------------------------------------- PostgreSQL (issue 10) — end

# ---------------------------------------------------------------- tests

LOG_FILE=$(mktemp "${TMPDIR:-/tmp}/ao-test.XXXXXX")
# Build with every core, then run the test assemblies one at a time (-m:1): they start servers, brokers and child
# processes with real timeouts, and on a 2-core machine three assemblies at once starve each other's timers.
# Then the integration suite a second time on PostgreSQL (the fixture parameter AO_TEST_STORAGE, see
# tests/ApprovalOrchestrator.Integration.Tests/Support/TestStorage.cs), minus the tests that are about the SQLite file
# itself or run their own server processes on the embedded default (trait Storage=sqlite-only). AO_TEST_PROVIDERS
# (default "sqlite postgres") picks the passes; extra arguments go to both.
AO_TEST_PROVIDERS=${AO_TEST_PROVIDERS:-sqlite postgres}
say "running: dotnet build, then dotnet test ApprovalOrchestrator.sln --no-build -m:1 --logger \"console;verbosity=normal\" $*  (in $REPO_ROOT), providers: $AO_TEST_PROVIDERS"
test_start=$(date +%s)
run_tests() {
    dotnet build ApprovalOrchestrator.sln -nologo -v:q || return 1
    local rc=0
    if [[ " $AO_TEST_PROVIDERS " == *" sqlite "* ]]; then
        dotnet test ApprovalOrchestrator.sln --no-build -m:1 --logger "console;verbosity=normal" "$@" || rc=1
    fi
    if [[ " $AO_TEST_PROVIDERS " == *" postgres "* ]]; then
        [ -n "${AO_POSTGRES_URL:-}" ] || { echo "AO_POSTGRES_URL is not set: cannot run the PostgreSQL pass"; return 1; }
        say "integration suite on PostgreSQL (AO_TEST_STORAGE=postgres)"
        AO_TEST_STORAGE=postgres dotnet test tests/ApprovalOrchestrator.Integration.Tests --no-build --logger "console;verbosity=normal" \
            --filter "Storage!=sqlite-only&Storage!=explicit" "$@" || rc=1
    fi
    return $rc
}
set +e
run_tests "$@" 2>&1 | tee "$LOG_FILE"
test_rc=${PIPESTATUS[0]}
set -e
say "dotnet test exited with $test_rc after $(( $(date +%s) - test_start )) s"

# One summary line over all test projects. Understands the three forms the SDK prints:
#   normal verbosity (VSTest):  "Total tests: 3" / "     Passed: 1" / "     Failed: 1" / "    Skipped: 1" / " Total time: ..."
#   minimal verbosity (VSTest): "Failed!  - Failed:     1, Passed:     1, Skipped:     1, Total:     3, Duration: ..."
#   Microsoft.Testing.Platform: "Test summary: total: 3, failed: 1, succeeded: 1, skipped: 1, duration: ..."
# The first form found (in that order of preference) is used, so a log that has two never counts twice.
summary=$(sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$LOG_FILE" | awk '
    function num(s) { gsub(/[^0-9]/, "", s); return s + 0 }
    # normal verbosity: a block from "Total tests:" to "Total time:"
    /^[[:space:]]*Total tests:/              { inblk = 1; nb++; next }
    inblk && /^[[:space:]]*Passed:[[:space:]]*[0-9]+[[:space:]]*$/  { bp += num($0); next }
    inblk && /^[[:space:]]*Failed:[[:space:]]*[0-9]+[[:space:]]*$/  { bf += num($0); next }
    inblk && /^[[:space:]]*Skipped:[[:space:]]*[0-9]+[[:space:]]*$/ { bs += num($0); next }
    inblk && /^[[:space:]]*Total time:/      { inblk = 0; next }
    # minimal verbosity
    /^(Passed|Failed)![[:space:]]+-[[:space:]]+Failed:/ {
        nm++
        n = split($0, parts, ",")
        for (i = 1; i <= n; i++) {
            if (parts[i] ~ /Failed:[[:space:]]*[0-9]+/)  { sub(/.*Failed:/, "", parts[i]);  mf += num(parts[i]) }
            else if (parts[i] ~ /Passed:/)               { mp += num(parts[i]) }
            else if (parts[i] ~ /Skipped:/)              { ms += num(parts[i]) }
        }
        next
    }
    # Microsoft.Testing.Platform
    /Test summary:[[:space:]]*total:/ {
        nt++
        n = split($0, parts, ",")
        for (i = 1; i <= n; i++) {
            if (parts[i] ~ /failed:/)         tf += num(parts[i])
            else if (parts[i] ~ /succeeded:/) tp += num(parts[i])
            else if (parts[i] ~ /skipped:/)   ts += num(parts[i])
        }
        next
    }
    END {
        if (nb)      { p = bp; f = bf; s = bs }
        else if (nm) { p = mp; f = mf; s = ms }
        else if (nt) { p = tp; f = tf; s = ts }
        else         { print "none"; exit }
        printf "%d passed, %d failed, %d skipped\n", p, f, s
    }')

if [ "$summary" = "none" ]; then
    say "no test results found in the dotnet test output (build failure or no tests ran?)"
    summary="0 passed, 0 failed, 0 skipped"
fi
# Repeat each failed test with its message at the end, where a CI page that shows only the tail still has them.
failures=$(sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$LOG_FILE" | awk '
    /^[[:space:]]+Failed [A-Za-z_].*\[[^]]*\][[:space:]]*$/ { grab = 1; n = 0; print; next }
    grab && (/^[[:space:]]*Stack Trace:/ || n >= 12) { grab = 0; next }
    grab { n++; print }')
if [ -n "$failures" ]; then
    say "failed tests, with their messages:"
    echo "$failures"
fi
echo "$summary"
exit "$test_rc"
