#!/usr/bin/env bash
# The onboard playbook in check mode (the user guide's preview step): a fresh tenant, a converged one, a role a
# person changed, and a new role name for a member that exists. Check mode must finish, say what a real run would
# change, show the role's diff, and send no write request; the end state is read from the simulator.
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
shared="${here}/../role_integration_published"
config="${here}/../../integration_config.yml"
cw_sim_url="$(sed -n 's/^cw_sim_url: *//p' "${config}")"
[ -n "${cw_sim_url}" ] || { echo "FAIL: no cw_sim_url in ${config}"; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/role_integration_check_mode.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
tenant="chk-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
( umask 077; od -An -N24 -tx1 /dev/urandom | tr -d ' \n' > "${work}/vault-password" )
export ANSIBLE_VAULT_PASSWORD_FILE="${work}/vault-password" ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_NOCOLOR=1
export CW_SIM_URL="${cw_sim_url}" CW_TENANT="${tenant}"
vault_file="${work}/inventory/host_vars/${tenant}/connectwise.vault.yml"

fail() { cat "${work}/out"; echo "FAIL: $*"; exit 1; }
onboard() {  # output in ${work}/out
    ansible-playbook -i "${work}/inventory" msp.connectwise.onboard "$@" > "${work}/out" 2>&1
}
reset_stats() {
    python -c 'import sys,urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=b"{}", method="POST"))' \
        "${cw_sim_url}/_sim/stats/reset"
}
writes() {
    python -c 'import json,sys,urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1]))["writes"])' \
        "${cw_sim_url}/_sim/tenants/${tenant}/stats"
}
sim() {  # sim roles|member: the names of the tenant's roles, or the role name of the API member (empty: no member)
    python - "$1" <<'PY'
import json, os, sys, urllib.request
tables = json.load(urllib.request.urlopen("%s/_sim/tenants/%s/state" % (os.environ["CW_SIM_URL"], os.environ["CW_TENANT"])))["tables"]
roles = {r["id"]: r["name"] for r in tables["roles"]}
if sys.argv[1] == "roles":
    print("|".join(sorted(roles.values())))
else:
    print("|".join(roles[m["securityRole"]["id"]] for m in tables["members"] if m["identifier"] == "SophosCentral"))
PY
}
summary_line() {  # the tenant's row of the run summary, spaces squeezed
    grep -E "^ *\"${tenant} " "${work}/out" | tr -s ' ' | sed 's/^ "//; s/",$//; s/ *$//'
}

mkdir -p "${work}/inventory"
echo "== tenant ${tenant} on the extended surface"
ansible-playbook "${shared}/setup.yml" -e "cw_sim_url=${cw_sim_url}" -e "tenant=${tenant}" -e "work=${work}" -e surface=extended
roles_before="$(sim roles)"

echo "== fresh tenant, --check --diff: finishes, predicts every step, writes nothing"
reset_stats
onboard --check --diff || fail "check mode on a fresh tenant failed"
[ "$(writes)" = 0 ] || fail "check mode sent $(writes) write requests"
[ "$(sim roles)" = "${roles_before}" ] || fail "check mode changed the roles: $(sim roles)"
[ -z "$(sim member)" ] || fail "check mode made the member"
[ ! -e "${vault_file}" ] || fail "check mode wrote the vault file"
[ "$(summary_line)" = "${tenant} changed none none no 4 security role, API member, API key, vault file" ] \
    || fail "summary is '$(summary_line)'"
grep -qF '+    "name": "Sophos Central Integration",' "${work}/out" || fail "no diff of the role to be made"
grep -qF "Check mode: nothing was written." "${work}/out" || fail "the summary does not say it was check mode"

echo "== real run, then --check --diff on the converged tenant: no change, no write"
onboard || fail "onboarding failed"
reset_stats
onboard --check --diff || fail "check mode on a converged tenant failed"
[ "$(writes)" = 0 ] || fail "check mode sent $(writes) write requests"
grep -qE "changed=0 " "${work}/out" || fail "check mode on a converged tenant reported a change"
[ "$(summary_line)" = "${tenant} ok none existing #2 yes 0" ] || fail "summary is '$(summary_line)'"

echo "== a person lowers a cell of the role: check mode shows the cell, changes nothing"
role_id="$(python -c 'import json,sys,urllib.request; print([r["id"] for r in json.load(urllib.request.urlopen(sys.argv[1]))["tables"]["roles"] if r["name"] == "Sophos Central Integration"][0])' \
    "${cw_sim_url}/_sim/tenants/${tenant}/state")"
python -c 'import json,sys,urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], method="PUT", headers={"Content-Type": "application/json"},
    data=json.dumps([{"module": "Procurement", "function": "Product Catalog", "add": "None"}]).encode()))' \
    "${cw_sim_url}/_sim/tenants/${tenant}/ui/securityRoles/${role_id}/settings"
reset_stats
onboard --check --diff || fail "check mode on a drifted role failed"
[ "$(writes)" = 0 ] || fail "check mode sent $(writes) write requests"
grep -qE '^-            "add": "None",$' "${work}/out" || fail "the diff does not show the lowered cell"
summary_line | grep -qE "^${tenant} changed .* 1 security role$" || fail "summary is '$(summary_line)'"
reset_stats
onboard || fail "the real run on the drifted role failed"
[ "$(writes)" -ge 1 ] || fail "the real run did not write the cell back"
reset_stats
onboard || fail "the re-run failed"
[ "$(writes)" = 0 ] || fail "the role was not put right: the re-run sent $(writes) write requests"

echo "== a new role name for the member that exists: the member would move to it, nothing is written"
reset_stats
onboard --check --diff -e '{"integration_role_name": "Sophos Central v2"}' || fail "check mode with a new role name failed"
[ "$(writes)" = 0 ] || fail "check mode sent $(writes) write requests"
summary_line | grep -qE "^${tenant} changed none existing #2 no 3 security role, API member, vault file$" || fail "summary is '$(summary_line)'"
[ "$(sim member)" = "Sophos Central Integration" ] || fail "check mode moved the member to '$(sim member)'"
grep -qF '+    "name": "Sophos Central v2",' "${work}/out" || fail "no diff of the new role"
echo "role_integration_check_mode: OK"
