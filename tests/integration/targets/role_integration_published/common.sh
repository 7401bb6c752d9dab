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
play() {  # play PLAYBOOK ARGS...: msp.connectwise.PLAYBOOK on the tenant's inventory, output in ${work}/out
    local playbook="$1"; shift
    ansible-playbook -i "${work}/inventory" "msp.connectwise.${playbook}" "$@" > "${work}/out" 2>&1
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
