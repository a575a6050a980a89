#!/usr/bin/env bash
# End-to-end check of a running local Keycloak (see keycloak.sh start):
#   1. control-plane service account token (client credentials)
#   2. create an organization, a user, membership, password and API role
#   3. user token through the test client (direct grant, scope organization)
#   4. assert the access token carries the organization and aud=querela-api
#   5. send an organization invitation when an SMTP server listens on 1025
#   6. delete what it created
# Requires curl, jq and base64. Exits non-zero on the first failed check.
set -euo pipefail

KEYCLOAK_PORT="${KEYCLOAK_PORT:-8180}"
KC="${KEYCLOAK_URL:-http://127.0.0.1:${KEYCLOAK_PORT}}"
REALM="${KEYCLOAK_REALM:-querela}"
CP_CLIENT="${KEYCLOAK_CP_CLIENT_ID:-querela-control-plane}"
CP_SECRET="${KEYCLOAK_CP_CLIENT_SECRET:-dev-only-control-plane-secret-change-me}"
SMTP_PORT="${KEYCLOAK_SMTP_PORT:-1025}"

R="${KC}/realms/${REALM}"
A="${KC}/admin/realms/${REALM}"
SUFFIX="$(date +%s)-$$"
ALIAS="smoke-${SUFFIX}"
USERNAME="smoke.user.${SUFFIX}"
PASSWORD="dev-only-Smoke-${SUFFIX}"

fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
ok() { printf 'ok: %s\n' "$*"; }

jwt_payload() {
    local part
    part="$(printf '%s' "$1" | cut -d. -f2 | tr '_-' '/+')"
    while (( ${#part} % 4 )); do part="${part}="; done
    printf '%s' "${part}" | base64 -d
}

TOKEN="$(curl -fsS -d grant_type=client_credentials -d "client_id=${CP_CLIENT}" \
    -d "client_secret=${CP_SECRET}" "${R}/protocol/openid-connect/token" | jq -r .access_token)"
[[ "${TOKEN}" == ey* ]] || fail "no service account token"
ok "service account token for ${CP_CLIENT}"
AUTH=(-H "Authorization: Bearer ${TOKEN}")
JSON=(-H "Content-Type: application/json")

# Prints the id from the Location header of a 201 response.
create() {
    local url="$1" body="$2" headers
    headers="$(curl -fsS -o /dev/null -D - "${AUTH[@]}" "${JSON[@]}" -d "${body}" "${url}")" \
        || fail "POST ${url}"
    printf '%s\n' "${headers}" | tr -d '\r' | awk -F/ 'tolower($0) ~ /^location:/ {print $NF}'
}

ORG_ID="$(create "${A}/organizations" "{\"name\":\"Smoke ${SUFFIX}\",\"alias\":\"${ALIAS}\"}")"
[[ -n "${ORG_ID}" ]] || fail "organization id"
ok "organization ${ALIAS} (${ORG_ID})"

USER_ID="$(create "${A}/users" "{\"username\":\"${USERNAME}\",\"email\":\"${USERNAME}@example.test\",\"firstName\":\"Smoke\",\"lastName\":\"Test\",\"enabled\":true,\"emailVerified\":true}")"
[[ -n "${USER_ID}" ]] || fail "user id"
ok "user ${USERNAME} (${USER_ID})"

cleanup() {
    curl -fsS -o /dev/null -X DELETE "${AUTH[@]}" "${A}/users/${USER_ID}" || true
    curl -fsS -o /dev/null -X DELETE "${AUTH[@]}" "${A}/organizations/${ORG_ID}" || true
}
trap cleanup EXIT

curl -fsS -o /dev/null "${AUTH[@]}" "${JSON[@]}" -d "\"${USER_ID}\"" \
    "${A}/organizations/${ORG_ID}/members" || fail "add member"
ok "member of ${ALIAS}"

curl -fsS -o /dev/null -X PUT "${AUTH[@]}" "${JSON[@]}" \
    -d "{\"type\":\"password\",\"value\":\"${PASSWORD}\",\"temporary\":false}" \
    "${A}/users/${USER_ID}/reset-password" || fail "set password"
ok "password set"

API_ID="$(curl -fsS "${AUTH[@]}" "${A}/clients?clientId=querela-api" | jq -r '.[0].id')"
ROLE="$(curl -fsS "${AUTH[@]}" "${A}/clients/${API_ID}/roles/handler")"
curl -fsS -o /dev/null "${AUTH[@]}" "${JSON[@]}" -d "[${ROLE}]" \
    "${A}/users/${USER_ID}/role-mappings/clients/${API_ID}" || fail "assign role"
ok "querela-api role handler assigned"

USER_TOKEN="$(curl -fsS -d grant_type=password -d client_id=querela-test \
    -d "username=${USERNAME}" --data-urlencode "password=${PASSWORD}" \
    -d "scope=openid organization" "${R}/protocol/openid-connect/token" | jq -r .access_token)"
[[ "${USER_TOKEN}" == ey* ]] || fail "no user token"
PAYLOAD="$(jwt_payload "${USER_TOKEN}")"
printf '%s\n' "${PAYLOAD}" | jq '{iss, aud, azp, scope, organization, resource_access, exp, iat}'

printf '%s' "${PAYLOAD}" | jq -e --arg a "${ALIAS}" \
    '(.organization | if type == "array" then index($a) != null else has($a) end)' >/dev/null \
    || fail "organization claim lacks ${ALIAS}"
ok "organization claim contains ${ALIAS}"
printf '%s' "${PAYLOAD}" | jq -e '(.aud | if type == "array" then . else [.] end) | index("querela-api") != null' >/dev/null \
    || fail "aud lacks querela-api"
ok "aud contains querela-api"
printf '%s' "${PAYLOAD}" | jq -e '.resource_access["querela-api"].roles | index("handler") != null' >/dev/null \
    || fail "querela-api roles lack handler"
ok "resource_access.querela-api.roles contains handler"
[[ "$(printf '%s' "${PAYLOAD}" | jq '.exp - .iat')" == 300 ]] || fail "access token lifespan is not 300 s"
ok "access token lifespan 300 s"

if (exec 3<>"/dev/tcp/127.0.0.1/${SMTP_PORT}") 2>/dev/null; then
    code="$(curl -sS -o /dev/null -w '%{http_code}' "${AUTH[@]}" \
        -d "email=invitee.${SUFFIX}@example.test" -d firstName=Invited -d lastName=Person \
        "${A}/organizations/${ORG_ID}/members/invite-user")"
    [[ "${code}" == 204 ]] || fail "invite-user returned ${code}"
    ok "invite-user accepted (mail sent to 127.0.0.1:${SMTP_PORT})"
else
    printf 'skip: no SMTP server on 127.0.0.1:%s, invitation not tested\n' "${SMTP_PORT}"
fi

echo "smoke test passed"
