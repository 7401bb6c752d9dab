#!/usr/bin/env bash
# The integration role on the published surface, end to end: guided mode (role levels the API cannot write)
# and adopt mode (no API key endpoint). A person fixes the role and makes the key in the UI (the simulator's
# operator API), the next run adopts and verifies the key, and the run after that changes nothing.
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
config="${here}/../../integration_config.yml"
cw_sim_url="$(sed -n 's/^cw_sim_url: *//p' "${config}")"
[ -n "${cw_sim_url}" ] || { echo "FAIL: no cw_sim_url in ${config}"; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/role_integration.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
tenant="pub-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
( umask 077; od -An -N24 -tx1 /dev/urandom | tr -d ' \n' > "${work}/vault-password" )
export ANSIBLE_VAULT_PASSWORD_FILE="${work}/vault-password" ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_NOCOLOR=1
vars=(-e "cw_sim_url=${cw_sim_url}" -e "tenant=${tenant}" -e "work=${work}")

stats() {  # writes of the tenant since the last reset
    python -c 'import json,sys,urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1]))["writes"])' \
        "${cw_sim_url}/_sim/tenants/${tenant}/stats"
}
onboard() {
    ansible-playbook -i "${work}/inventory" msp.connectwise.onboard "$@" > "${work}/out" 2>&1
}

mkdir -p "${work}/inventory"
echo "== setup: tenant ${tenant} on the published surface"
ansible-playbook "${here}/setup.yml" "${vars[@]}" -e surface=published

echo "== first run: guided and adopt needed, fails by default and says which clicks"
if onboard; then cat "${work}/out"; echo "FAIL: the first run must fail"; exit 1; fi
grep -qF "needs a person in ConnectWise" "${work}/out"
grep -qF "In the row 'Product Catalog' set Add Level from 'None' to 'All'" "${work}/out"
grep -qF "This server has no API key endpoint" "${work}/out"
grep -qE "^ *\"${tenant} +needs_action +guided +none " "${work}/out"
[ ! -e "${work}/inventory/host_vars/${tenant}/connectwise.vault.yml" ]

echo "== warn mode: the same tenant is reported, the run does not fail"
onboard -e integration_on_manual_action=warn || { cat "${work}/out"; echo "FAIL: warn mode failed"; exit 1; }
grep -qE "^ *\"${tenant} +needs_action " "${work}/out"

echo "== the person fixes the role and makes the key in the UI"
ansible-playbook "${here}/person.yml" "${vars[@]}"

echo "== next run: the role verifies, the key is adopted, stored and verified"
onboard -e "@${work}/adopt.vault.yml" || { cat "${work}/out"; echo "FAIL: adopt run failed"; exit 1; }
grep -qE "^ *\"${tenant} +changed +none +adopted +yes " "${work}/out"
ansible-vault view "${work}/inventory/host_vars/${tenant}/connectwise.vault.yml" | grep -qF "cw_integration_key_source: adopted"

echo "== re-run without the adopt variables: verifies, changes nothing, writes nothing"
python -c 'import sys,urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=b"{}", method="POST"))' \
    "${cw_sim_url}/_sim/stats/reset"
onboard || { cat "${work}/out"; echo "FAIL: converged run failed"; exit 1; }
grep -qE "^ *\"${tenant} +ok +none +adopted +yes +0 " "${work}/out"
grep -qE "${tenant} +: ok=[0-9]+ +changed=0 .*failed=0" "${work}/out"
[ "$(stats)" = "0" ] || { echo "FAIL: the converged run sent $(stats) write requests"; exit 1; }

echo "== audit: no drift"
ansible-playbook -i "${work}/inventory" msp.connectwise.audit -e "cw_audit_report_dir=${work}" > "${work}/out" 2>&1 \
    || { cat "${work}/out"; echo "FAIL: audit failed"; exit 1; }
grep -qE "^ *\"${tenant} +ok +active +n/a +yes +exact +none" "${work}/out"
python -c 'import json,sys; r=json.load(open(sys.argv[1])); assert [t["drift"] for t in r["tenants"]] == [False], r' "${work}/connectwise-audit.json"
echo "role_integration_published: all checks passed"
