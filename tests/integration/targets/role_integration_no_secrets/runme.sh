#!/usr/bin/env bash
# The whole onboarding (first run and converged re-run) at -vvvv, with a log file and JSON results (the tree
# callback writes one JSON document per host; the default callback prints results as JSON): no private key,
# bootstrap or new, and no integrator password may appear in anything Ansible printed or wrote.
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../role_integration_published/common.sh
. "${here}/../role_integration_published/common.sh" sec extended
mkdir -p "${work}/tree"

# --diff everywhere: the vault file's and the key's diffs must be masked too; the last run is a check-mode preview
for run in first second check; do
    echo "== ${run} onboarding run at -vvvv --diff"
    mode=(--diff); [ "${run}" != check ] || mode=(--check --diff)
    ANSIBLE_LOG_PATH="${work}/ansible.log" ANSIBLE_CALLBACKS_ENABLED=ansible.builtin.tree ANSIBLE_CALLBACK_TREE_DIR="${work}/tree" \
        ANSIBLE_CALLBACK_RESULT_FORMAT=json ANSIBLE_DISPLAY_ARGS_TO_STDOUT=1 \
        ansible-playbook -vvvv "${mode[@]}" -i "${work}/inventory" msp.connectwise.onboard -e integration_verify=full \
        > "${work}/stdout-${run}.txt" 2> "${work}/stderr-${run}.txt" \
        || { tail -50 "${work}/stdout-${run}.txt"; echo "FAIL: the ${run} run failed"; exit 1; }
done
grep -qE "${tenant} +: ok=[0-9]+ +changed=0 " "${work}/stdout-second.txt"
grep -qE "${tenant} +: ok=[0-9]+ +changed=0 " "${work}/stdout-check.txt"
[ -s "${work}/ansible.log" ] && [ -s "${work}/tree/${tenant}" ]

# the secrets, read from the vault files (into this shell only)
bootstrap="$(ansible-vault view "${work}/inventory/host_vars/${tenant}/bootstrap.vault.yml")"
created="$(ansible-vault view "${work}/inventory/host_vars/${tenant}/connectwise.vault.yml")"
boot_private="$(sed -n 's/^cw_bootstrap_private_key: *//p' <<< "${bootstrap}")"
integrator="$(sed -n 's/^cw_integrator_password: *//p' <<< "${bootstrap}")"
new_private="$(sed -n 's/^cw_integration_sophos_central_private_key: *//p' <<< "${created}")"
for secret in "${boot_private}" "${integrator}" "${new_private}"; do
    [ "${#secret}" -ge 12 ] || { echo "FAIL: a secret could not be read back from the vault files"; exit 1; }
done

echo "== searching stdout, stderr, the log file, the JSON results and every file of the run"
if grep -rlF -e "${boot_private}" -e "${integrator}" -e "${new_private}" "${work}"; then
    echo "FAIL: a private key or password appears in the files listed above"
    exit 1
fi
# the search covered real, verbose output: -vvvv task paths and the modules' invocation arguments (the modules
# run inside the controller, so no connection is established and nothing prints ESTABLISH LOCAL CONNECTION)
grep -qF "task path: " "${work}/stdout-first.txt"
grep -qF '"module_args": {' "${work}/stdout-first.txt" && grep -qF '"module_args": {' "${work}/ansible.log"
grep -qF '"changed": true' "${work}/tree/${tenant}" || grep -qF '"changed": false' "${work}/tree/${tenant}"
echo "role_integration_no_secrets: no secret in $(cat "${work}"/stdout-* "${work}"/stderr-* "${work}/ansible.log" | wc -l) lines of output and $(find "${work}/tree" -type f | wc -l) JSON result file(s)"
