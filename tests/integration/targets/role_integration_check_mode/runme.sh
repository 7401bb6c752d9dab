#!/usr/bin/env bash
# The onboard playbook in check mode (the user guide's preview step): a fresh tenant, a converged one, a role a
# person changed, and a new role name for a member that exists. Check mode must finish, say what a real run would
# change, show the role's diff, and send no write request; the end state is read from the simulator.
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../role_integration_published/common.sh
. "${here}/../role_integration_published/common.sh" chk extended

sim() {  # sim roles|member|keys|active: the tenant's role names; the API member's role name (empty: no member),
         # its keys' public keys, or whether it is active
    python - "$1" <<'PY'
import json, os, sys, urllib.request
tables = json.load(urllib.request.urlopen("%s/_sim/tenants/%s/state" % (os.environ["CW_SIM_URL"], os.environ["CW_TENANT"])))["tables"]
roles = {r["id"]: r["name"] for r in tables["roles"]}
members = [m for m in tables["members"] if m["identifier"] == "SophosCentral"]
if sys.argv[1] == "roles":
    print("|".join(sorted(roles.values())))
elif sys.argv[1] == "member":
    print("|".join(roles[m["securityRole"]["id"]] for m in members))
elif sys.argv[1] == "keys":
    print(" ".join(sorted(k["publicKey"] for k in tables["apiKeys"] if k["memberId"] in [m["id"] for m in members])))
else:
    print("|".join("inactive" if m.get("inactiveFlag") else "active" for m in members))
PY
}

roles_before="$(sim roles)"

echo "== fresh tenant, --check --diff: finishes, predicts every step, writes nothing"
reset_stats
onboard --check --diff || fail_showing_output "check mode on a fresh tenant failed"
[ "$(writes)" = 0 ] || fail_showing_output "check mode sent $(writes) write requests"
[ "$(sim roles)" = "${roles_before}" ] || fail_showing_output "check mode changed the roles: $(sim roles)"
[ -z "$(sim member)" ] || fail_showing_output "check mode made the member"
[ ! -e "${vault_file}" ] || fail_showing_output "check mode wrote the vault file"
[ "$(summary_line)" = "${tenant} changed none none no 4 security role, API member, API key, vault file" ] \
    || fail_showing_output "summary is '$(summary_line)'"
grep -qF '+    "name": "Sophos Central Integration",' "${work}/out" || fail_showing_output "no diff of the role to be made"
grep -qF "Check mode: nothing was written." "${work}/out" || fail_showing_output "the printed summary does not say it was check mode"
[ "$(summary check_mode)" = yes ] || fail_showing_output "the summary does not say it was check mode"

echo "== real run, then --check --diff on the converged tenant: no change, no write"
onboard || fail_showing_output "onboarding failed"
reset_stats
onboard --check --diff || fail_showing_output "check mode on a converged tenant failed"
[ "$(writes)" = 0 ] || fail_showing_output "check mode sent $(writes) write requests"
grep -qE "changed=0 " "${work}/out" || fail_showing_output "check mode on a converged tenant reported a change"
[ "$(summary_line)" = "${tenant} ok none existing #2 yes 0" ] || fail_showing_output "summary is '$(summary_line)'"

echo "== a person lowers a cell of the role: check mode shows the cell, changes nothing"
role_id="$(python -c 'import json,sys,urllib.request; print([r["id"] for r in json.load(urllib.request.urlopen(sys.argv[1]))["tables"]["roles"] if r["name"] == "Sophos Central Integration"][0])' \
    "${cw_sim_url}/_sim/tenants/${tenant}/state")"
python -c 'import json,sys,urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], method="PUT", headers={"Content-Type": "application/json"},
    data=json.dumps([{"module": "Procurement", "function": "Product Catalog", "add": "None"}]).encode()))' \
    "${cw_sim_url}/_sim/tenants/${tenant}/ui/securityRoles/${role_id}/settings"
reset_stats
onboard --check --diff || fail_showing_output "check mode on a drifted role failed"
[ "$(writes)" = 0 ] || fail_showing_output "check mode sent $(writes) write requests"
grep -qE '^-            "add": "None",$' "${work}/out" || fail_showing_output "the diff does not show the lowered cell"
summary_line | grep -qE "^${tenant} changed .* 1 security role$" || fail_showing_output "summary is '$(summary_line)'"
reset_stats
onboard || fail_showing_output "the real run on the drifted role failed"
[ "$(writes)" -ge 1 ] || fail_showing_output "the real run did not write the cell back"
reset_stats
onboard || fail_showing_output "the re-run failed"
[ "$(writes)" = 0 ] || fail_showing_output "the role was not put right: the re-run sent $(writes) write requests"

echo "== a new role name for the member that exists: the member would move to it, nothing is written"
reset_stats
onboard --check --diff -e '{"integration_role_name": "Sophos Central v2"}' || fail_showing_output "check mode with a new role name failed"
[ "$(writes)" = 0 ] || fail_showing_output "check mode sent $(writes) write requests"
summary_line | grep -qE "^${tenant} changed none existing #2 no 3 security role, API member, vault file$" || fail_showing_output "summary is '$(summary_line)'"
[ "$(sim member)" = "Sophos Central Integration" ] || fail_showing_output "check mode moved the member to '$(sim member)'"
grep -qF '+    "name": "Sophos Central v2",' "${work}/out" || fail_showing_output "no diff of the new role"

echo "== rotate_keys and offboard in check mode: they report changes, nothing is written"
keys_before="$(sim keys)"
vault_before="$(sha256sum < "${vault_file}")"
for playbook in rotate_keys offboard; do
    reset_stats
    play "${playbook}" --check --diff || fail_showing_output "${playbook} in check mode failed"
    cp "${work}/out" "${work}/out.${playbook}"
    [ "$(writes)" = 0 ] || fail_showing_output "${playbook} in check mode sent $(writes) write requests"
    grep -qE "${tenant} +: ok=[0-9]+ +changed=[1-9]" "${work}/out" || fail_showing_output "${playbook} in check mode predicted no change"
    [ "$(summary check_mode)" = yes ] || fail_showing_output "the ${playbook} summary does not say it was check mode"
    [ "${playbook}" = offboard ] || [ "$(summary verified)" = no ] || fail_showing_output "rotate_keys in check mode claims a verified key"
done
[ "$(sim keys)" = "${keys_before}" ] || fail "check mode changed the member's keys to '$(sim keys)'"
[ "$(sim active)" = "active" ] || fail "check mode deactivated the member"
[ "$(sha256sum < "${vault_file}")" = "${vault_before}" ] || fail "check mode rewrote the vault file"
echo "role_integration_check_mode: OK"
