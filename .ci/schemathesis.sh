#!/usr/bin/env bash
# Contract tests against the release build: starts `mantelmonitor serve` on a free loopback
# port with a fresh embedded Postgres, creates two tenants, and runs schemathesis against the
# served OpenAPI document as tenant-a with tenant-b as the cross-tenant peer.
#
# Usage (from anywhere; run by .ci/run after `cargo build --release --locked`):
#   .ci/schemathesis.sh
# Environment (all optional):
#   MANTELMONITOR_BIN  binary under test      (default: target/release/mantelmonitor)
#   ST_PYTHON          Python with schemathesis (default: .venv-contract/bin/python); the
#                      CLI runs as .ci/st.py, schemathesis with one upstream fault worked
#                      around (see there)
#   ST_MAX_TIME        time budget per seed, seconds (default: 360; fuzzing and stateful
#                      phases repeat until it is spent, so each run takes about this long)
#   ST_CONFIG          the schemathesis configuration (default: .ci/schemathesis.toml)
#   ST_REPORTS         more reports beside junit, e.g. "vcr" (every request and answer,
#                      target/schemathesis/seed-N/; .ci/st-rejections reads it to say why
#                      schema-valid requests were refused)
#   ST_SEEDS           the seeds run one after the other (default: "1 2"; the same build
#                      gets the same requests for a seed, and a second seed reaches inputs
#                      the first never generates)
# Reports: target/schemathesis/ (junit.xml, server.log, cache/ with crash files for `st replay`).
# Exit status: schemathesis's, or non-zero when the server fails to start, to log in, or to
# shut down cleanly (exit code 0 within 30 s of SIGTERM, embedded Postgres stopped).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

BIN=${MANTELMONITOR_BIN:-target/release/mantelmonitor}
ST_PYTHON=${ST_PYTHON:-.venv-contract/bin/python}
ST=("$ST_PYTHON" .ci/st.py)
ST_MAX_TIME=${ST_MAX_TIME:-360}
ST_CONFIG=${ST_CONFIG:-.ci/schemathesis.toml}
ST_REPORTS=${ST_REPORTS:-}
ST_SEEDS=${ST_SEEDS:-1 2}
REPORT_DIR=target/schemathesis
READY_TIMEOUT=60
STOP_TIMEOUT=30

log() { printf '[schemathesis.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ -x $BIN ]] || die "$BIN not found or not executable (run: cargo build --release --locked)"
[[ -x $ST_PYTHON ]] || die "$ST_PYTHON not found (create .venv-contract as .ci/run does)"
"$ST_PYTHON" -c "import schemathesis" 2>/dev/null || die "schemathesis is not installed for $ST_PYTHON"
command -v curl >/dev/null || die "curl is required"
command -v jq >/dev/null || die "jq is required"
BIN=$(realpath "$BIN")

# The embedded cluster is used, never an outside database.
unset DATABASE_URL

SERVER_PID=
DATA_DIR=
RUN_DIR=
PORT=

LOG_SHOWN=
server_log_tail() {
    if [[ -z $LOG_SHOWN && -n $RUN_DIR && -f $RUN_DIR/server.log ]]; then
        LOG_SHOWN=1
        log "---- last 200 lines of the server log ----"
        tail -n 200 "$RUN_DIR/server.log" >&2 || true
        log "---- end of server log ----"
    fi
}

# Whether a process exists and is not a zombie (an exited child not yet waited for).
proc_alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]]
}

# Waits up to $2 seconds for process $1 to end; returns 1 if it is still running.
wait_gone() {
    local pid=$1 i
    for ((i = 0; i < $2 * 10; i++)); do
        proc_alive "$pid" || return 0
        sleep 0.1
    done
    ! proc_alive "$pid"
}

# Sends SIGTERM and waits up to STOP_TIMEOUT seconds, SIGKILL after that.
# Returns the server's exit status (137 when it had to be killed).
stop_server() {
    local pid=$SERVER_PID rc=0
    [[ -n $pid ]] || return 0
    SERVER_PID=
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" "$STOP_TIMEOUT"; then
        log "server still running ${STOP_TIMEOUT}s after SIGTERM: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" || rc=$?
    return "$rc"
}

# A postmaster left running in the data dir (server killed, or a shutdown bug): stops it
# and returns 1, else returns 0.
reap_postgres() {
    local pidfile pid found=0
    [[ -n $DATA_DIR && -d $DATA_DIR ]] || return 0
    while IFS= read -r pidfile; do
        pid=$(head -n 1 "$pidfile" 2>/dev/null || true)
        if ! [[ $pid =~ ^[0-9]+$ ]] || ! proc_alive "$pid"; then
            continue
        fi
        found=1
        log "embedded Postgres (pid $pid, $(dirname "$pidfile")) still running: stopping it"
        kill -INT "$pid" 2>/dev/null || true # fast shutdown
        wait_gone "$pid" 10 || kill -QUIT "$pid" 2>/dev/null || true # immediate shutdown
        wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true  # a throwaway cluster
        wait_gone "$pid" 5 || true
    done < <(find "$DATA_DIR" -name postmaster.pid -type f 2>/dev/null)
    return "$found"
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    if [[ -n $SERVER_PID ]]; then
        log "stopping the server (pid $SERVER_PID)"
        stop_server
    fi
    reap_postgres
    if [[ $rc -ne 0 ]]; then
        server_log_tail
    fi
    if [[ -n $RUN_DIR && -f $RUN_DIR/server.log ]]; then
        mkdir -p "$ROOT/$REPORT_DIR" && cp "$RUN_DIR/server.log" "$ROOT/$REPORT_DIR/server.log"
    fi
    [[ -n $DATA_DIR ]] && rm -rf "$DATA_DIR"
    [[ -n $RUN_DIR ]] && rm -rf "$RUN_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Private files (tokens, passwords, logs); the data dir must be traversable by the postgres
# user, which runs the embedded cluster when we are root.
RUN_DIR=$(mktemp -d /tmp/mantelmonitor-st-run.XXXXXX)
DATA_DIR=$(mktemp -d /tmp/mantelmonitor-st-data.XXXXXX)
chmod 755 "$DATA_DIR"

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT

export MANTELMONITOR_DATA_DIR=$DATA_DIR
export MANTELMONITOR_BIND=127.0.0.1:$PORT
export MANTELMONITOR_TOKEN_TTL_SECONDS=3600 # outlive the whole run: tokens are fetched once
# Every fuzzed sign-in comes from 127.0.0.1: with the default 20 per minute per address,
# all but the first few well-formed ones would get the (documented) 429, and
# negative_data_rejection does not count a 429 as refusing a body that breaks the schema
# (an email over 254 characters gets 401 from the handler). Without the per-address limit
# the sign-in checks reach the handler; the per-account limit keeps its default and the
# per-token limit stays off, as by default. tests/api/rate_limits.rs covers the 429s.
export MANTELMONITOR_LOGIN_RATE_PER_ADDRESS=off
# Endpoints it registers name generated hosts: their deliveries stay pending, so the run
# calls nothing but the service on loopback.
export MANTELMONITOR_WEBHOOK_DELIVERY=false

log "starting $BIN serve on $MANTELMONITOR_BIND (data dir $DATA_DIR)"
"$BIN" serve </dev/null >"$RUN_DIR/server.log" 2>&1 &
SERVER_PID=$!

deadline=$((SECONDS + READY_TIMEOUT))
until curl -fsS -o /dev/null --max-time 2 "$BASE/health/ready" 2>/dev/null; do
    if ! proc_alive "$SERVER_PID"; then
        rc=0
        wait "$SERVER_PID" || rc=$?
        SERVER_PID=
        die "server exited with status $rc before /health/ready answered 200"
    fi
    ((SECONDS < deadline)) || die "/health/ready not 200 within ${READY_TIMEOUT}s"
    sleep 0.5
done
log "server ready after ${SECONDS}s"

random_hex() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

# Creates a tenant and prints a bearer token for its admin.
tenant_token() {
    local name=$1 email=$2 password out json token
    password="St-$(random_hex)-Pw9"
    out=$("$BIN" init --organisation "$name" --admin-email "$email" --admin-password "$password" --json \
        </dev/null 2>"$RUN_DIR/init-$email.err") || {
        cat "$RUN_DIR/init-$email.err" >&2
        die "mantelmonitor init for $name failed"
    }
    # stdout should be the JSON object alone; tolerate log lines around a one-line object.
    json=$(jq -c 'select(type == "object" and has("organisation_id"))' <<<"$out" 2>/dev/null | tail -n 1 || true)
    if [[ -z $json ]]; then
        json=$(jq -Rc 'fromjson? | select(type == "object" and has("organisation_id"))' <<<"$out" | tail -n 1)
    fi
    [[ -n $json ]] || die "no JSON object with organisation_id in the output of init for $name: $out"
    # An echoed password is one the binary generated; ours was given, so it is normally absent.
    password=$(jq -r --arg p "$password" '.password // $p' <<<"$json")
    email=$(jq -r --arg e "$email" '.email // $e' <<<"$json")
    out=$(jq -n --arg email "$email" --arg password "$password" '{email: $email, password: $password}' |
        curl -sS --max-time 30 -X POST "$BASE/api/v1/auth/token" \
            -H 'Content-Type: application/json' -H 'Accept: application/json' \
            --data-binary @- -w '\n%{http_code}') || die "login request for $email failed"
    [[ ${out##*$'\n'} == 200 ]] || die "login for $email: HTTP ${out##*$'\n'}: ${out%$'\n'*}"
    token=$(jq -r '.access_token // empty' <<<"${out%$'\n'*}")
    [[ -n $token ]] || die "no access_token in the login response for $email"
    printf '%s' "$token"
}

TOKEN_A=$(tenant_token "Schemathesis Tenant A" admin@tenant-a.example.org)
TOKEN_B=$(tenant_token "Schemathesis Tenant B" admin@tenant-b.example.org)
[[ $TOKEN_A != "$TOKEN_B" ]] || die "both tenants got the same token"
log "two tenants created, both admins logged in"

# A funder account, and an entry of tenant-a's register for it: a request for a link
# needs both, which no schema can name (a code the service gave out, an id it made).
funder_out=$("$BIN" init-funder --name "Schemathesis Fonds" --admin-email admin@funder.example.org \
    --admin-password "St-$(random_hex)-Pw9" --json </dev/null 2>"$RUN_DIR/init-funder.err") || {
    cat "$RUN_DIR/init-funder.err" >&2
    die "mantelmonitor init-funder failed"
}
FUNDER_CODE=$(jq -r 'select(type == "object") | .funder_code // empty' <<<"$funder_out" 2>/dev/null | tail -n 1 || true)
[[ -n $FUNDER_CODE ]] || die "no funder_code in the output of init-funder: $funder_out"
FUNDER_ID=$(curl -sS --max-time 30 -X POST "$BASE/api/v1/funders" -H "Authorization: Bearer $TOKEN_A" \
    -H 'Content-Type: application/json' -d '{"name": "Schemathesis Fonds", "kind": "fund"}' | jq -r '.id // empty' || true)
[[ -n $FUNDER_ID ]] || die "could not register the funder account with tenant-a"

# A user of tenant-a whose password the generator may know: POST /users/me/password
# runs as this user (its own password is no value a schema can name), and once the
# password has changed, its sessions end and the rest of its requests are 401s.
OWN_PASSWORD="St-$(random_hex)-Pw9"
curl -sS --max-time 30 -o /dev/null -w '%{http_code}' -X POST "$BASE/api/v1/users" \
    -H "Authorization: Bearer $TOKEN_A" -H 'Content-Type: application/json' \
    -d "$(jq -n --arg p "$OWN_PASSWORD" '{email: "password@tenant-a.example.org", role: "viewer", password: $p}')" |
    grep -qx 201 || die "could not create the password user"
TOKEN_OWN=$(jq -n --arg p "$OWN_PASSWORD" '{email: "password@tenant-a.example.org", password: $p}' |
    curl -sS --max-time 30 -X POST "$BASE/api/v1/auth/token" -H 'Content-Type: application/json' \
        --data-binary @- | jq -r '.access_token // empty' || true)
[[ -n $TOKEN_OWN ]] || die "the password user could not sign in"
export MANTELMONITOR_ST_PASSWORD_USER_AUTH="Bearer $TOKEN_OWN"

# The configuration, with the values of this run (the code and the register entry) as
# dictionaries the generator draws from half the time.
CONFIG=$RUN_DIR/schemathesis.toml
{
    cat "$ST_CONFIG"
    printf '\n# Added by .ci/schemathesis.sh for this run.\n'
    printf '[dictionaries.funder-code]\nvalues = ["%s"]\n\n' "$FUNDER_CODE"
    printf '[dictionaries.funder-entry]\nvalues = ["%s"]\n\n' "$FUNDER_ID"
    printf '[dictionaries.own-password]\nvalues = ["%s"]\n' "$OWN_PASSWORD"
} >"$CONFIG"

# Web Fuzzing Commons auth document read by [auth.wfc] in .ci/schemathesis.toml.
export MANTELMONITOR_ST_WFC_AUTH=$RUN_DIR/wfc-auth.json
(
    umask 077
    jq -n --arg a "Bearer $TOKEN_A" --arg b "Bearer $TOKEN_B" '{
        schemaVersion: "1.0",
        auth: [
            {name: "tenant-a", fixedHeaders: [{name: "Authorization", value: $a}]},
            {name: "tenant-b", fixedHeaders: [{name: "Authorization", value: $b}]}
        ]
    }' >"$MANTELMONITOR_ST_WFC_AUTH"
)

rm -rf "$REPORT_DIR"
mkdir -p "$REPORT_DIR"
# Hypothesis' own files (unicode tables, constants) go there too, not into ./.hypothesis.
export HYPOTHESIS_STORAGE_DIRECTORY=$ROOT/$REPORT_DIR/hypothesis

st_rc=0
for seed in $ST_SEEDS; do
    st_args=(
        --config-file "$CONFIG"
        run "$BASE/api/v1/openapi.json"
        # Requests go to this server whatever host the document's `servers` names; its base path is kept.
        --origin "$BASE"
        --checks all
        --max-examples 30
        --seed "$seed"
        --max-time "$ST_MAX_TIME"
        --request-timeout 15
        --report "junit${ST_REPORTS:+,$ST_REPORTS}"
        --report-dir "$REPORT_DIR/seed-$seed"
        --report-junit-path "$REPORT_DIR/seed-$seed/junit.xml"
        --no-color
    )
    # ST_ARGS: more arguments for schemathesis, e.g. "--include-path-regex ^/api/v1/partners".
    read -r -a extra <<<"${ST_ARGS:-}"
    st_args+=("${extra[@]}")
    log "running seed $seed: ${ST[*]} ${st_args[*]}"
    seed_rc=0
    # The outer timeout only guards against a hang; --max-time is the real bound. SIGINT lets
    # schemathesis stop cleanly and still write its reports.
    timeout --signal=INT --kill-after=30 "$((ST_MAX_TIME + 240))" "${ST[@]}" "${st_args[@]}" </dev/null || seed_rc=$?
    if [[ $seed_rc -eq 124 ]]; then
        log "schemathesis (seed $seed) did not finish within $((ST_MAX_TIME + 240))s"
    fi
    log "schemathesis (seed $seed) exited with status $seed_rc"
    if [[ $seed_rc -ne 0 && $st_rc -eq 0 ]]; then
        st_rc=$seed_rc
    fi
done

log "stopping the server with SIGTERM"
server_rc=0
stop_server || server_rc=$?
pg_rc=0
reap_postgres || pg_rc=$?

if [[ $server_rc -ne 0 ]]; then
    log "ERROR: the server exited with status $server_rc after SIGTERM (expected 0 within ${STOP_TIMEOUT}s)"
fi
if [[ $pg_rc -ne 0 ]]; then
    log "ERROR: the embedded Postgres was still running after the server exited"
fi
if [[ $st_rc -ne 0 ]]; then
    exit "$st_rc" # the EXIT trap shows the server log
fi
if [[ $server_rc -ne 0 || $pg_rc -ne 0 ]]; then
    exit 1
fi
log "ok: schemathesis passed (seeds $ST_SEEDS) and the server shut down cleanly"
