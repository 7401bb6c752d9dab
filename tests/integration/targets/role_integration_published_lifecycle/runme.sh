#!/usr/bin/env bash
# Key rotation and offboarding on the published surface, end to end. The published API has no key endpoint, so
# the collection cannot make or delete keys: rotation adopts a key a person makes in the UI and reports the old
# key for deletion; offboarding deactivates the member (a documented write), reports the keys a person must
# delete and removes the vault entries. The end state is read from the simulator, not from Ansible's output.
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../role_integration_published/common.sh
. "${here}/../role_integration_published/common.sh" life published

sim() {  # sim keys|active: the member's key public keys (sorted, space separated) or its active flag, from the state
    python - "$1" <<'PY'
import json, os, sys, urllib.request
state = json.load(urllib.request.urlopen("%s/_sim/tenants/%s/state" % (os.environ["CW_SIM_URL"], os.environ["CW_TENANT"])))
member = [m for m in state["tables"]["members"] if m["identifier"] == "SophosCentral"]
assert len(member) == 1, member
if sys.argv[1] == "keys":
    print(" ".join(sorted(k["publicKey"] for k in state["tables"]["apiKeys"] if k["memberId"] == member[0]["id"])))
else:
    print("inactive" if member[0].get("inactiveFlag") else "active")
PY
}
auth() {  # auth PUBLIC PRIVATE: HTTP status of a read with that pair, straight against the simulator's API
    python - "$1" "$2" <<'PY'
import base64, os, sys, urllib.error, urllib.request
token = base64.b64encode(("%s+%s:%s" % (os.environ["CW_TENANT"], sys.argv[1], sys.argv[2])).encode()).decode()
request = urllib.request.Request("%s/v4_6_release/apis/3.0/system/info" % os.environ["CW_SIM_URL"],
                                 headers={"Authorization": "Basic " + token, "clientId": "5a1f3e2d-0c4b-4a69-8e7d-6f5a4b3c2d1e"})
try:
    print(urllib.request.urlopen(request).status)
except urllib.error.HTTPError as exc:
    print(exc.code)
PY
}
vaulted() {  # vaulted FILE KEY: one entry of a vault-encrypted vars file ('' when absent)
    ansible-vault view "$1" | python -c 'import sys,yaml; print((yaml.safe_load(sys.stdin) or {}).get(sys.argv[1], ""))' "$2"
}

echo "== onboard tenant ${tenant} on the published surface (as role_integration_published does)"
play onboard -e integration_on_manual_action=warn || fail_showing_output "warn-mode onboarding failed"
ansible-playbook "${shared}/person.yml" "${vars[@]}"
play onboard -e "@${work}/adopt.vault.yml" || fail_showing_output "adopt run failed"
old_public="$(vaulted "${vault_file}" cw_integration_sophos_central_public_key)"
old_private="$(vaulted "${vault_file}" cw_integration_sophos_central_private_key)"
if [ -z "${old_public}" ] || [ -z "${old_private}" ]; then fail "onboarding stored no key pair"; fi
[ "$(sim keys)" = "${old_public}" ] || fail "the member's keys are '$(sim keys)', expected the onboarded key only"

echo "== rotate_keys without a new pair: fails, says a new key must be made in the UI, changes nothing"
reset_stats
if play rotate_keys; then fail_showing_output "rotation without a key endpoint and without a new pair must fail"; fi
grep -qF "'Create the new key (the old ones keep working meanwhile)' failed" "${work}/out" || fail_showing_output "no failed step"
grep -qF "This ConnectWise server has no API key endpoint" "${work}/out" || fail_showing_output "no key endpoint not reported"
grep -qF "go to the API Keys tab, click +" "${work}/out" || fail_showing_output "the UI steps are missing"
grep -qF "adopt_public_key and adopt_private_key" "${work}/out" || fail_showing_output "adopt mode not named"
[ "$(writes)" = "0" ] || fail "the failed rotation sent $(writes) write requests"
[ "$(sim keys)" = "${old_public}" ] || fail "the failed rotation changed the keys: '$(sim keys)'"
[ "$(vaulted "${vault_file}" cw_integration_sophos_central_public_key)" = "${old_public}" ] || fail "the failed rotation changed the vault"

echo "== the person makes a second key in the UI; the rotation adopts it and reports the old key for deletion"
ansible-playbook "${here}/ui.yml" "${vars[@]}" -e ui_action=make_key -e adopt_file=adopt2.vault.yml
new_public="$(vaulted "${work}/adopt2.vault.yml" integration_adopt_public_key)"
new_private="$(vaulted "${work}/adopt2.vault.yml" integration_adopt_private_key)"
if [ -z "${new_public}" ] || [ "${new_public}" = "${old_public}" ]; then fail "the UI made no new key"; fi
reset_stats
play rotate_keys -e "@${work}/adopt2.vault.yml" || fail_showing_output "the adopt rotation failed"
grep -qE "${tenant} +: ok=[0-9]+ +changed=[1-9][0-9]* .*failed=0" "${work}/out" || fail_showing_output "rotation changed nothing"
grep -qF "delete the old key \\\"Sophos Central Integration\\\" (public key ${old_public}) of SophosCentral" "${work}/out" \
    || fail_showing_output "the old key is not reported for deletion"
[ "$(summary verified)" = yes ] || fail_showing_output "the new key was not verified"
[ "$(writes)" = "0" ] || fail "the adopt rotation sent $(writes) write requests to ConnectWise"
[ "$(vaulted "${vault_file}" cw_integration_sophos_central_public_key)" = "${new_public}" ] || fail "the vault does not hold the new public key"
[ "$(vaulted "${vault_file}" cw_integration_sophos_central_private_key)" = "${new_private}" ] || fail "the vault does not hold the new private key"
[ "$(vaulted "${vault_file}" cw_integration_sophos_central_key_source)" = "adopted" ] || fail "the vault does not record the adopted key"
[ "$(sim keys)" = "$(printf '%s\n' "${old_public}" "${new_public}" | sort | tr '\n' ' ' | sed 's/ $//')" ] \
    || fail "after the rotation the member's keys are '$(sim keys)', expected the old and the new key"
[ "$(auth "${new_public}" "${new_private}")" = "200" ] || fail "the new key does not authenticate"

echo "== the person deletes the old key; a re-run of the rotation with the same pair and of onboard is quiet"
ansible-playbook "${here}/ui.yml" "${vars[@]}" -e ui_action=delete_key -e "{\"ui_public_keys\": [\"${old_public}\"]}"
[ "$(sim keys)" = "${new_public}" ] || fail "after the deletion the member's keys are '$(sim keys)', expected the new key only"
[ "$(auth "${old_public}" "${old_private}")" = "401" ] || fail "the deleted old key still authenticates"
reset_stats
play rotate_keys -e "@${work}/adopt2.vault.yml" || fail_showing_output "the repeated rotation failed"
grep -qE "${tenant} +: ok=[0-9]+ +changed=0 .*failed=0" "${work}/out" || fail_showing_output "the repeated rotation changed something"
if grep -qF "delete the old key" "${work}/out"; then fail_showing_output "the repeated rotation asks to delete the key in use"; fi
play onboard || fail_showing_output "the converged onboard run failed"
grep -qE "${tenant} +: ok=[0-9]+ +changed=0 .*failed=0" "${work}/out" || fail_showing_output "the converged onboard run changed something"
[ "$(writes)" = "0" ] || fail "the re-runs sent $(writes) write requests"
[ "$(sim keys)" = "${new_public}" ] || fail "the re-runs changed the keys: '$(sim keys)'"

echo "== offboard: deactivates the member (one write), reports the keys to delete, removes the vault entries"
reset_stats
play offboard || fail_showing_output "offboarding failed"
grep -qF "delete the keys \\\"Sophos Central Integration\\\" of SophosCentral in System > Members > API Members > API Keys" "${work}/out" \
    || fail_showing_output "the keys a person must delete are not reported"
[ "$(writes)" = "1" ] || fail "offboarding sent $(writes) write requests, expected the member's deactivation only"
[ "$(sim active)" = "inactive" ] || fail "the member is still active"
[ "$(sim keys)" = "${new_public}" ] || fail "the member's keys are '$(sim keys)', expected the key the collection cannot delete"
[ "$(auth "${new_public}" "${new_private}")" = "401" ] || fail "the key of the deactivated member still authenticates"
[ ! -e "${vault_file}" ] || [ -z "$(ansible-vault view "${vault_file}" | grep -E '^cw_integration_' || true)" ] \
    || fail "the vault still holds integration entries"
[ -n "$(vaulted "${work}/inventory/host_vars/${tenant}/bootstrap.vault.yml" cw_bootstrap_public_key)" ] \
    || fail "offboarding touched the bootstrap credentials"

echo "== the person deletes the reported keys"
ansible-playbook "${here}/ui.yml" "${vars[@]}" -e ui_action=delete_key -e "{\"ui_public_keys\": [\"${new_public}\"]}"
[ -z "$(sim keys)" ] || fail "the member still has keys: '$(sim keys)'"
[ "$(sim active)" = "inactive" ] || fail "the member was reactivated"
echo "role_integration_published_lifecycle: all checks passed"
