#!/usr/bin/env bash
# Local Keycloak for the Querela development stack.
#
# Usage: keycloak.sh {fetch|start|stop|restart|status|run|reset|env}
#
# See deploy/keycloak/README.md for the environment variables.
set -euo pipefail

# --- configuration ----------------------------------------------------------

KEYCLOAK_VERSION="${KEYCLOAK_VERSION:-26.7.3}"
KEYCLOAK_MAVEN_REPO="${KEYCLOAK_MAVEN_REPO:-https://repo1.maven.org/maven2}"
KEYCLOAK_PORT="${KEYCLOAK_PORT:-8180}"
KEYCLOAK_MGMT_PORT="${KEYCLOAK_MGMT_PORT:-9100}"
KEYCLOAK_BIND="${KEYCLOAK_BIND:-127.0.0.1}"
KEYCLOAK_REALM="${KEYCLOAK_REALM:-querela}"
# Fixed public URL so that the token issuer does not depend on whether a
# caller used "localhost" or "127.0.0.1". Set to an empty string to let
# Keycloak derive the hostname from each request instead.
KEYCLOAK_HOSTNAME="${KEYCLOAK_HOSTNAME-http://127.0.0.1:${KEYCLOAK_PORT}}"
KEYCLOAK_START_TIMEOUT="${KEYCLOAK_START_TIMEOUT:-180}"
KEYCLOAK_HEAP="${KEYCLOAK_HEAP:--Xms256m -Xmx768m}"

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "${SCRIPT_DIR}/../.." && pwd -P)"
REALM_FILE="${SCRIPT_DIR}/realm-querela.json"

CACHE_ROOT="${QUERELA_CACHE:-${HOME}/.cache/querela}"
VERSION_DIR="${CACHE_ROOT}/keycloak/${KEYCLOAK_VERSION}"
DIST_DIR="${VERSION_DIR}/keycloak-${KEYCLOAK_VERSION}"

# The state root defaults to <repo>/.querela; a relative QUERELA_STATE is
# taken relative to the current directory, like any other path argument.
if [[ -n "${QUERELA_STATE:-}" ]]; then
    STATE_ROOT="$(mkdir -p -- "${QUERELA_STATE}" && cd -- "${QUERELA_STATE}" && pwd -P)"
else
    STATE_ROOT="${REPO_ROOT}/.querela"
fi
STATE_DIR="${STATE_ROOT}/keycloak"
PID_FILE="${STATE_DIR}/keycloak.pid"
LOG_FILE="${STATE_DIR}/keycloak.log"
CONSOLE_LOG="${STATE_DIR}/console.log"

BASE_URL="http://${KEYCLOAK_BIND}:${KEYCLOAK_PORT}"
DISCOVERY_URL="${BASE_URL}/realms/${KEYCLOAK_REALM}/.well-known/openid-configuration"
HEALTH_URL="http://${KEYCLOAK_BIND}:${KEYCLOAK_MGMT_PORT}/health/ready"

# --- helpers ----------------------------------------------------------------

log() { printf 'keycloak: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    cat >&2 <<EOF
Usage: $(basename "$0") COMMAND

Commands:
  fetch     download and unpack Keycloak ${KEYCLOAK_VERSION} into the cache (once)
  start     start Keycloak in the background and wait until the realm is ready
  stop      stop the background Keycloak started by 'start'
  restart   stop, then start
  status    exit 0 if Keycloak is running and the realm answers
  run       run Keycloak in the foreground (for a process supervisor)
  reset     stop Keycloak and delete its state (database, logs)
  env       print the resolved settings
EOF
}

# Newest JDK under /usr/lib/jvm that this Keycloak line supports (25, 21, 17).
# JAVA_HOME from the environment wins when it points at a supported JDK.
java_major() {
    local java_bin="$1" line
    line="$("${java_bin}" -version 2>&1 | head -n 1)" || return 1
    line="${line#*\"}"
    line="${line%%\"*}"
    line="${line#1.}"
    printf '%s\n' "${line%%[.+-]*}"
}

select_java_home() {
    local candidate major
    if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
        major="$(java_major "${JAVA_HOME}/bin/java" || true)"
        case "${major}" in
            17|21|25) printf '%s\n' "${JAVA_HOME}"; return 0 ;;
        esac
        log "JAVA_HOME=${JAVA_HOME} is Java ${major:-?}, not 17/21/25; looking in /usr/lib/jvm"
    fi
    for wanted in 25 21 17; do
        for candidate in /usr/lib/jvm/*; do
            [[ -x "${candidate}/bin/java" && ! -L "${candidate}" ]] || continue
            major="$(java_major "${candidate}/bin/java" || true)"
            if [[ "${major}" == "${wanted}" ]]; then
                printf '%s\n' "${candidate}"
                return 0
            fi
        done
    done
    die "no supported JDK (25, 21 or 17) found under /usr/lib/jvm; set JAVA_HOME"
}

http_ok() {
    curl -fsS -o /dev/null --max-time 3 "$1" 2>/dev/null
}

port_in_use() {
    (exec 3<>"/dev/tcp/${KEYCLOAK_BIND}/$1") 2>/dev/null
}

read_pid() {
    [[ -f "${PID_FILE}" ]] || return 1
    local pid
    pid="$(tr -dc '0-9' <"${PID_FILE}")"
    [[ -n "${pid}" ]] || return 1
    printf '%s\n' "${pid}"
}

# True when the pid file names a live Keycloak process for this state dir:
# either the kc.sh launcher or, after kc.sh re-executed itself, the JVM.
is_running() {
    local pid cmdline
    pid="$(read_pid)" || return 1
    kill -0 "${pid}" 2>/dev/null || return 1
    cmdline="$(tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null)" || return 1
    [[ "${cmdline}" == *kc.sh* || "${cmdline}" == *QuarkusEntryPoint* ]]
}

java_pid() {
    local pid
    pid="$(read_pid)" || return 1
    if tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -q 'QuarkusEntryPoint'; then
        printf '%s\n' "${pid}"
    else
        pgrep -P "${pid}" -f 'QuarkusEntryPoint' | head -n 1
    fi
}

print_log_tail() {
    local f
    for f in "${CONSOLE_LOG}" "${LOG_FILE}"; do
        if [[ -s "${f}" ]]; then
            log "last lines of ${f}:"
            tail -n 40 "${f}" >&2
        fi
    done
}

# --- fetch ------------------------------------------------------------------

download() {
    local url="$1" dest="$2"
    curl -fSL --retry 3 --retry-delay 2 --connect-timeout 20 -sS -o "${dest}" "${url}"
}

cmd_fetch() {
    if [[ -x "${DIST_DIR}/bin/kc.sh" && -f "${VERSION_DIR}/.complete" ]]; then
        return 0
    fi
    command -v unzip >/dev/null || die "unzip is required (apt-get install unzip)"
    command -v sha1sum >/dev/null || die "sha1sum is required"
    mkdir -p "${VERSION_DIR}"

    local name="keycloak-quarkus-dist-${KEYCLOAK_VERSION}.zip"
    local url="${KEYCLOAK_MAVEN_REPO}/org/keycloak/keycloak-quarkus-dist/${KEYCLOAK_VERSION}/${name}"
    local zip="${VERSION_DIR}/${name}"
    local tmp="${zip}.part"

    if [[ ! -f "${zip}" ]]; then
        log "downloading ${url}"
        download "${url}.sha1" "${tmp}.sha1" || die "cannot fetch ${url}.sha1 (is ${KEYCLOAK_VERSION} published?)"
        download "${url}" "${tmp}" || die "cannot fetch ${url}"
        local expected actual
        expected="$(tr -dc '0-9a-f' <"${tmp}.sha1" | head -c 40)"
        actual="$(sha1sum "${tmp}" | cut -c1-40)"
        if [[ "${#expected}" -ne 40 || "${expected}" != "${actual}" ]]; then
            rm -f "${tmp}" "${tmp}.sha1"
            die "checksum mismatch for ${name}: expected '${expected}', got '${actual}'"
        fi
        log "sha1 verified (${actual})"
        mv -f "${tmp}.sha1" "${zip}.sha1"
        mv -f "${tmp}" "${zip}"
    fi

    log "unpacking into ${VERSION_DIR}"
    rm -rf "${DIST_DIR}" "${VERSION_DIR}/.unpack"
    unzip -q "${zip}" -d "${VERSION_DIR}/.unpack"
    mv "${VERSION_DIR}/.unpack/keycloak-${KEYCLOAK_VERSION}" "${DIST_DIR}"
    rmdir "${VERSION_DIR}/.unpack"
    rm -f "${zip}" "${zip}.sha1"
    touch "${VERSION_DIR}/.complete"
    log "Keycloak ${KEYCLOAK_VERSION} ready in ${DIST_DIR}"
}

# --- start / run ------------------------------------------------------------

# Fills the global arrays KC_ARGS and prepares the environment for kc.sh.
prepare() {
    cmd_fetch
    [[ -f "${REALM_FILE}" ]] || die "realm file not found: ${REALM_FILE}"
    mkdir -p "${STATE_DIR}" "${DIST_DIR}/data/import"
    # --import-realm reads <dist>/data/import; existing realms are left as
    # they are, so state kept in the database survives restarts.
    cp -f "${REALM_FILE}" "${DIST_DIR}/data/import/realm-querela.json"

    export JAVA_HOME
    JAVA_HOME="$(select_java_home)"
    # kc.sh adds JAVA_OPTS_KC_HEAP to its default JAVA_OPTS (which it uses
    # only when JAVA_OPTS is unset).
    unset JAVA_OPTS
    export JAVA_OPTS_KC_HEAP="${KEYCLOAK_HEAP}"
    export KC_BOOTSTRAP_ADMIN_USERNAME="${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}"
    export KC_BOOTSTRAP_ADMIN_PASSWORD="${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}"

    KC_ARGS=(
        start-dev
        --import-realm
        # H2 database and transaction logs live in the state dir, not in
        # the shared distribution.
        "-Dkc.db-url-path=${STATE_DIR}"
        "-Dquarkus.transaction-manager.object-store.directory=${STATE_DIR}/data/transaction-logs"
        --http-host="${KEYCLOAK_BIND}"
        --http-port="${KEYCLOAK_PORT}"
        --http-management-host="${KEYCLOAK_BIND}"
        --http-management-port="${KEYCLOAK_MGMT_PORT}"
        --health-enabled=true
        --log-file="${LOG_FILE}"
    )
    if [[ -n "${KEYCLOAK_HOSTNAME}" ]]; then
        KC_ARGS+=(--hostname="${KEYCLOAK_HOSTNAME}" --hostname-backchannel-dynamic=true)
    fi
}

check_ports_free() {
    local p
    for p in "${KEYCLOAK_PORT}" "${KEYCLOAK_MGMT_PORT}"; do
        if port_in_use "${p}"; then
            die "port ${KEYCLOAK_BIND}:${p} is already in use (set KEYCLOAK_PORT / KEYCLOAK_MGMT_PORT)"
        fi
    done
}

cmd_start() {
    if is_running; then
        log "already running (pid $(read_pid), state ${STATE_DIR})"
        wait_ready || return 1
        printf '%s\n' "${BASE_URL}"
        return 0
    fi
    rm -f "${PID_FILE}"
    prepare
    check_ports_free

    log "starting Keycloak ${KEYCLOAK_VERSION} with $(basename "${JAVA_HOME}") (state ${STATE_DIR})"
    : >"${CONSOLE_LOG}"
    # setsid: own process group, detached from the caller's terminal.
    setsid "${DIST_DIR}/bin/kc.sh" "${KC_ARGS[@]}" --log=file \
        </dev/null >>"${CONSOLE_LOG}" 2>&1 &
    echo $! >"${PID_FILE}"

    if ! wait_ready; then
        print_log_tail
        return 1
    fi
    printf '%s\n' "${BASE_URL}"
}

wait_ready() {
    local deadline=$((SECONDS + KEYCLOAK_START_TIMEOUT))
    while ((SECONDS < deadline)); do
        if ! is_running; then
            log "Keycloak exited during startup"
            return 1
        fi
        if http_ok "${DISCOVERY_URL}"; then
            log "ready: ${DISCOVERY_URL}"
            return 0
        fi
        sleep 1
    done
    log "timed out after ${KEYCLOAK_START_TIMEOUT}s waiting for ${DISCOVERY_URL}"
    return 1
}

cmd_run() {
    if is_running; then
        die "already running in the background (pid $(read_pid)); run 'stop' first"
    fi
    prepare
    check_ports_free
    log "running Keycloak ${KEYCLOAK_VERSION} in the foreground with $(basename "${JAVA_HOME}")"
    # exec keeps this pid, so 'status' works for a supervised instance too.
    echo $$ >"${PID_FILE}"
    exec "${DIST_DIR}/bin/kc.sh" "${KC_ARGS[@]}" --log=console,file
}

# --- stop / status ----------------------------------------------------------

cmd_stop() {
    if ! is_running; then
        rm -f "${PID_FILE}"
        log "not running"
        return 0
    fi
    local pid
    pid="$(read_pid)"
    log "stopping pid ${pid}"
    # kc.sh forwards TERM to the JVM and waits for it.
    kill -TERM "${pid}" 2>/dev/null || true
    local deadline=$((SECONDS + 60))
    while kill -0 "${pid}" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            log "still running after 60s; sending KILL to process group ${pid}"
            kill -KILL -- "-${pid}" 2>/dev/null || true
            break
        fi
        sleep 0.5
    done
    rm -f "${PID_FILE}"
    log "stopped"
}

cmd_status() {
    if ! is_running; then
        log "not running"
        return 1
    fi
    if http_ok "${DISCOVERY_URL}"; then
        log "running (pid $(read_pid), jvm pid $(java_pid || echo '?')) at ${BASE_URL}"
        return 0
    fi
    log "process $(read_pid) is up but ${DISCOVERY_URL} does not answer yet"
    return 1
}

cmd_reset() {
    cmd_stop
    log "deleting ${STATE_DIR}"
    rm -rf -- "${STATE_DIR}"
}

cmd_env() {
    cat <<EOF
KEYCLOAK_VERSION=${KEYCLOAK_VERSION}
KEYCLOAK_DIST=${DIST_DIR}
KEYCLOAK_STATE=${STATE_DIR}
KEYCLOAK_URL=${BASE_URL}
KEYCLOAK_ISSUER=${KEYCLOAK_HOSTNAME:-${BASE_URL}}/realms/${KEYCLOAK_REALM}
KEYCLOAK_HEALTH_URL=${HEALTH_URL}
KEYCLOAK_JAVA_HOME=$(select_java_home)
EOF
}

main() {
    local cmd="${1:-}"
    case "${cmd}" in
        fetch) cmd_fetch ;;
        start) cmd_start ;;
        stop) cmd_stop ;;
        restart) cmd_stop; cmd_start ;;
        status) cmd_status ;;
        run) cmd_run ;;
        reset) cmd_reset ;;
        env) cmd_env ;;
        -h|--help|help) usage ;;
        *) usage; exit 2 ;;
    esac
}

main "$@"
