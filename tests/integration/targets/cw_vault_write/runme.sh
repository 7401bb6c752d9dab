#!/usr/bin/env bash
# End to end: cw_vault_write through ansible-playbook with the CLI's vault options,
# checked with ansible-vault and by loading the file as vars_files.
set -eu

unset ANSIBLE_VAULT_PASSWORD_FILE ANSIBLE_VAULT_IDENTITY_LIST ANSIBLE_VAULT_ENCRYPT_IDENTITY ANSIBLE_VAULT_IDENTITY

work="$(mktemp -d "${OUTPUT_DIR:-${TMPDIR:-/tmp}}/cw_vault_write.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
log="${work}/ansible-output.log"

CW_MARKER="cw-marker-private-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
inline_marker="cw-marker-inline-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export CW_MARKER

umask 077
printf '%s\n' 'default-pass-1' > "${work}/default.pw"
printf '%s\n' 'default-pass-2' > "${work}/default2.pw"
printf '%s\n' 'dev-pass' > "${work}/dev.pw"
printf '%s\n' 'prod-pass' > "${work}/prod.pw"
umask 022  # the plugin must not rely on the caller's umask

file="${work}/inventory/host_vars/tenant-a/connectwise.vault.yml"
prod_file="${work}/inventory/host_vars/tenant-b/connectwise.vault.yml"

play() {
    # every playbook run goes into one log that is searched for the markers at the end
    ansible-playbook "$@" 2>&1 | tee -a "${log}"
    return "${PIPESTATUS[0]}"
}

expect_fail() {
    local message="$1"
    shift
    local out
    if out="$(ansible-playbook "$@" 2>&1)"; then
        echo "${out}"
        echo "FAIL: expected the play to fail with: ${message}"
        exit 1
    fi
    printf '%s\n' "${out}" >> "${log}"
    if ! grep -qF -- "${message}" <<< "${out}"; then
        echo "${out}"
        echo "FAIL: the failure did not say: ${message}"
        exit 1
    fi
}

file_mode() {
    stat -c '%a' "$1" 2>/dev/null || stat -f '%Lp' "$1"
}

assert_no_plaintext() {
    # nothing under the inventory tree may ever hold a marker, temp files included
    if grep -rqF -e "${CW_MARKER}" -e "${inline_marker}" "${work}/inventory"; then
        echo "FAIL: plaintext marker found on disk"
        exit 1
    fi
}

echo "== --vault-password-file: create, header 1.1, mode 0600, dirs 0700"
play write.yml --vault-password-file "${work}/default.pw" -e "vault_file=${file}"
[ "$(head -n1 "${file}")" = "\$ANSIBLE_VAULT;1.1;AES256" ]
[ "$(file_mode "${file}")" = "600" ]
[ "$(file_mode "$(dirname "${file}")")" = "700" ]
[ "$(file_mode "${work}/inventory/host_vars")" = "700" ]
[ "$(find "$(dirname "${file}")" -type f | wc -l | tr -d ' ')" = "1" ]
assert_no_plaintext

echo "== ansible-vault view decrypts it"
ansible-vault view --vault-password-file "${work}/default.pw" "${file}" | grep -qF "cw_private_key: ${CW_MARKER}"

echo "== loads as vars_files"
play read.yml --vault-password-file "${work}/default.pw" -e "vault_file=${file}"

echo "== second run changes nothing and does not rewrite"
before="$(cksum < "${file}")"
play write.yml --vault-password-file "${work}/default.pw" -e "vault_file=${file}" -e expect_changed=false
[ "$(cksum < "${file}")" = "${before}" ]

echo "== check mode with diff: reports the change, masks values, writes nothing"
diff_out="$(ansible-playbook write.yml --check --diff --vault-password-file "${work}/default.pw" \
    -e "vault_file=${file}" -e public_value=changed-public-xyz 2>&1)"
printf '%s\n' "${diff_out}" >> "${log}"
grep -qF 'cw_public_key: <masked> (changed)' <<< "${diff_out}"
if grep -qF 'changed-public-xyz' <<< "${diff_out}"; then echo "FAIL: diff shows a value"; exit 1; fi
[ "$(cksum < "${file}")" = "${before}" ]

echo "== a !vault variable is stored as plaintext inside the vault, not as nested vault text"
printf '%s' "${inline_marker}" | ansible-vault encrypt_string --vault-password-file "${work}/default.pw" \
    --stdin-name inline_secret > "${work}/inline.yml" 2>/dev/null
play write.yml --vault-password-file "${work}/default.pw" -e "vault_file=${file}" -e "@${work}/inline.yml"
view="$(ansible-vault view --vault-password-file "${work}/default.pw" "${file}")"
grep -qF "cw_inline_copy: ${inline_marker}" <<< "${view}"
if grep -qF '!vault' <<< "${view}"; then echo "FAIL: nested vault text"; exit 1; fi
play read.yml --vault-password-file "${work}/default.pw" -e "vault_file=${file}" -e "expect_inline=${inline_marker}"
assert_no_plaintext

echo "== rekey keeps it loadable and idempotent"
ansible-vault rekey --vault-password-file "${work}/default.pw" --new-vault-password-file "${work}/default2.pw" "${file}"
printf '%s' "${inline_marker}" | ansible-vault encrypt_string --vault-password-file "${work}/default2.pw" \
    --stdin-name inline_secret > "${work}/inline2.yml" 2>/dev/null
play read.yml --vault-password-file "${work}/default2.pw" -e "vault_file=${file}" -e "expect_inline=${inline_marker}"
before="$(cksum < "${file}")"
play write.yml --vault-password-file "${work}/default2.pw" -e "vault_file=${file}" -e "@${work}/inline2.yml" -e expect_changed=false
[ "$(cksum < "${file}")" = "${before}" ]

echo "== wrong password: clear error, file untouched"
before="$(cksum < "${file}")"
expect_fail 'cannot be decrypted with the loaded vault secrets' write.yml --vault-password-file "${work}/dev.pw" -e "vault_file=${file}"
[ "$(cksum < "${file}")" = "${before}" ]

echo "== no vault secrets loaded: refused"
expect_fail 'No vault secrets are loaded' write.yml -e "vault_file=${work}/inventory/host_vars/tenant-c/cw.yml"
[ ! -e "${work}/inventory/host_vars/tenant-c" ]

echo "== two vault ids and no choice: refused"
expect_fail 'Several vault ids are loaded (dev, prod)' write.yml \
    --vault-id "dev@${work}/dev.pw" --vault-id "prod@${work}/prod.pw" -e "vault_file=${prod_file}"
[ ! -e "${prod_file}" ]

echo "== vault_id picks one: header 1.2 with the label"
play write.yml --vault-id "dev@${work}/dev.pw" --vault-id "prod@${work}/prod.pw" \
    -e "vault_file=${prod_file}" -e target_vault_id=prod
[ "$(head -n1 "${prod_file}")" = "\$ANSIBLE_VAULT;1.2;AES256;prod" ]
ansible-vault view --vault-id "prod@${work}/prod.pw" "${prod_file}" | grep -qF "${CW_MARKER}"
if ansible-vault view --vault-id "dev@${work}/dev.pw" "${prod_file}" > /dev/null 2>&1; then
    echo "FAIL: the dev secret decrypted the prod file"
    exit 1
fi
play read.yml --vault-id "prod@${work}/prod.pw" -e "vault_file=${prod_file}"

echo "== vault_encrypt_identity from the environment resolves the choice"
ANSIBLE_VAULT_ENCRYPT_IDENTITY=prod play write.yml --vault-id "dev@${work}/dev.pw" --vault-id "prod@${work}/prod.pw" \
    -e "vault_file=${prod_file}" -e expect_vault_id=prod -e expect_changed=false

echo "== vault_id that is not loaded: refused"
expect_fail "The vault id 'prod' chosen by vault_id is not among the loaded vault ids (dev)" write.yml \
    --vault-id "dev@${work}/dev.pw" -e "vault_file=${work}/inventory/other.yml" -e target_vault_id=prod

echo "== absent removes only the named entries"
play absent.yml --vault-id "prod@${work}/prod.pw" -e "vault_file=${prod_file}"
view="$(ansible-vault view --vault-id "prod@${work}/prod.pw" "${prod_file}")"
if grep -qF 'cw_private_key' <<< "${view}"; then echo "FAIL: entry not removed"; exit 1; fi
grep -qF 'cw_member: sophos-api' <<< "${view}"
play absent.yml --vault-id "prod@${work}/prod.pw" -e "vault_file=${prod_file}" -e expect_changed=false
[ "$(file_mode "${prod_file}")" = "600" ]

echo "== nothing Ansible printed contains a marker"
assert_no_plaintext
if grep -qF -e "${CW_MARKER}" -e "${inline_marker}" "${log}"; then
    echo "FAIL: a marker appeared in ansible-playbook output"
    exit 1
fi
echo "cw_vault_write integration: all checks passed"
