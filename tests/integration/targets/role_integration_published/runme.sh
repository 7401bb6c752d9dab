#!/usr/bin/env bash
# The integration role on the published surface, end to end: guided mode (role levels the API cannot write)
# and adopt mode (no API key endpoint). A person fixes the role and makes the key in the UI (the simulator's
# operator API), the next run adopts and verifies the key, and the run after that changes nothing.
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=common.sh
. "${here}/common.sh" pub published

echo "== first run: guided and adopt needed, fails by default and says which clicks"
if onboard; then fail_showing_output "the first run must fail"; fi
grep -qF "needs a person in ConnectWise" "${work}/out"
grep -qF "In the row 'Product Catalog' set Add Level from 'None' to 'All'" "${work}/out"
grep -qF "This server has no API key endpoint" "${work}/out"
summary_line | grep -qE "^${tenant} needs_action guided none no " || fail_showing_output "summary is '$(summary_line)'"
# the vault file claims the role and the member it made, and holds no key yet
ansible-vault view "${vault_file}" | grep -qE "^cw_integration_sophos_central_role: Sophos Central Integration$" || fail "the vault does not claim the role"
if ansible-vault view "${vault_file}" | grep -qE "^cw_integration_sophos_central_(public|private)_key:"; then fail "a key was vaulted"; fi

echo "== warn mode: the same tenant is reported, the run does not fail"
onboard -e integration_on_manual_action=warn || fail_showing_output "warn mode failed"
[ "$(summary status)" = needs_action ] || fail_showing_output "summary is '$(summary_line)'"

echo "== the person fixes the role and makes the key in the UI"
ansible-playbook "${here}/person.yml" "${vars[@]}"

echo "== next run: the role verifies, the key is adopted, stored and verified"
onboard -e "@${work}/adopt.vault.yml" || fail_showing_output "adopt run failed"
summary_line | grep -qE "^${tenant} changed none adopted yes " || fail_showing_output "summary is '$(summary_line)'"
ansible-vault view "${work}/inventory/host_vars/${tenant}/connectwise.vault.yml" | grep -qF "cw_integration_sophos_central_key_source: adopted"

echo "== re-run without the adopt variables: verifies, changes nothing, writes nothing"
reset_stats
onboard || fail_showing_output "converged run failed"
[ "$(summary_line)" = "${tenant} ok none adopted yes 0" ] || fail_showing_output "summary is '$(summary_line)'"
grep -qE "${tenant} +: ok=[0-9]+ +changed=0 .*failed=0" "${work}/out"
[ "$(writes)" = "0" ] || fail "the converged run sent $(writes) write requests"

echo "== check mode on the converged tenant: verifies the adopted key, changes nothing, writes nothing"
onboard --check --diff || fail_showing_output "check mode on the converged tenant failed"
[ "$(summary_line)" = "${tenant} ok none adopted yes 0" ] || fail_showing_output "check mode summary is '$(summary_line)'"
[ "$(writes)" = "0" ] || fail "check mode sent $(writes) write requests"

echo "== audit: no drift"
play audit -e "cw_audit_report_dir=${work}" || fail_showing_output "audit failed"
grep -qE "^ *\"${tenant} +sophos_central +ok +active +n/a +yes +exact +none" "${work}/out"
python -c 'import json,sys; r=json.load(open(sys.argv[1])); assert [t["drift"] for t in r["tenants"]] == [False], r' "${work}/connectwise-audit.json"
report_before="$(sha256sum < "${work}/connectwise-audit.json")"
play audit -e "cw_audit_report_dir=${work}" || fail_showing_output "the second audit failed"
grep -qE "${tenant} +: ok=[0-9]+ +changed=0 " "${work}/out" || fail_showing_output "a second audit of an unchanged tenant reported a change"
[ "$(sha256sum < "${work}/connectwise-audit.json")" = "${report_before}" ] || fail "the second audit rewrote an unchanged report"
echo "role_integration_published: all checks passed"
