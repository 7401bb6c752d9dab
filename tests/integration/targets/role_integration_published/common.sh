# shellcheck shell=bash
# Shared by the role_integration_* targets (sourced, not run): one simulator tenant with an inventory and a
# vault-encrypted bootstrap key, and helpers that run the collection's playbooks and read the simulator's counters.
#   . "${here}/../role_integration_published/common.sh" PREFIX SURFACE
# sets cw_sim_url, work (removed on exit), tenant (PREFIX-<random>), vault_file and vars, and creates the tenant.
set -eu

shared="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
config="${shared}/../../integration_config.yml"
cw_sim_url="$(sed -n 's/^cw_sim_url: *//p' "${config}")"
[ -n "${cw_sim_url}" ] || { echo "FAIL: no cw_sim_url in ${config}"; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/role_integration_$1.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
tenant="$1-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
( umask 077; od -An -N24 -tx1 /dev/urandom | tr -d ' \n' > "${work}/vault-password" )
export ANSIBLE_VAULT_PASSWORD_FILE="${work}/vault-password" ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_NOCOLOR=1
export CW_SIM_URL="${cw_sim_url}" CW_TENANT="${tenant}"
vars=(-e "cw_sim_url=${cw_sim_url}" -e "tenant=${tenant}" -e "work=${work}")
# shellcheck disable=SC2034  # for the targets that source this file
vault_file="${work}/inventory/host_vars/${tenant}/connectwise.vault.yml"

fail() { echo "FAIL: $*"; exit 1; }
fail_showing_output() { cat "${work}/out"; fail "$@"; }
play() {  # play PLAYBOOK ARGS...: msp.connectwise.PLAYBOOK on the tenant's inventory, output in ${work}/out and the
          # run report (the tenants' summaries as JSON) in ${work}/report.json
    local playbook="$1"; shift
    rm -f "${work}/report.json"
    ansible-playbook -i "${work}/inventory" "msp.connectwise.${playbook}" -e "cw_run_report=${work}/report.json" "$@" \
        > "${work}/out" 2>&1
}
summary() {  # summary FIELD[.FIELD...]: the tenant's field in the last run report; lists joined by ', ', booleans yes/no
    python - "$1" "${work}/report.json" "${tenant}" <<'PY'
import json, sys
field, path, tenant = sys.argv[1:]
value = ([t for t in json.load(open(path))["tenants"] if t["tenant"] == tenant] or [None])[0]
for part in field.split("."):
    value = value.get(part) if isinstance(value, dict) else None
if isinstance(value, bool):
    value = "yes" if value else "no"
elif isinstance(value, list):
    value = ", ".join(str(item) for item in value)
print("" if value is None else value)
PY
}
summary_line() {  # the tenant's onboard summary in one line: tenant status write-method key-source[ #id] verified count steps
    local key_id line
    key_id="$(summary key.id)"
    line="${tenant} $(summary status) $(summary role.write_method) $(summary key.source)${key_id:+ #${key_id}} $(summary verified)"
    echo "${line} $(python -c 'import json,sys; print(len([t for t in json.load(open(sys.argv[1]))["tenants"] if t["tenant"] == sys.argv[2]][0]["changed"]))' \
        "${work}/report.json" "${tenant}") $(summary changed)" | sed 's/ *$//'
}
onboard() { play onboard "$@"; }
reset_stats() {
    python -c 'import sys,urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=b"{}", method="POST"))' \
        "${cw_sim_url}/_sim/stats/reset"
}
writes() {  # write requests of the tenant since the last reset
    python -c 'import json,sys,urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1]))["writes"])' \
        "${cw_sim_url}/_sim/tenants/${tenant}/stats"
}

mkdir -p "${work}/inventory"
echo "== tenant ${tenant} on the $2 surface"
ansible-playbook "${shared}/setup.yml" "${vars[@]}" -e "surface=$2" > "${work}/out" 2>&1 || fail_showing_output "the tenant setup failed"
