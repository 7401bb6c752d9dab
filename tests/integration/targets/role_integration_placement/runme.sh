#!/usr/bin/env bash
# The API member's placement through the integration role: level, location, department, default territory and
# time zone given by name land on the member as the ids the tenant has; a re-run writes nothing; changing one
# of them (by id) is one write that touches only that field; leaving them empty leaves the member alone.
# The end state is read from the simulator, not from Ansible's output.
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
shared="${here}/../role_integration_published"
config="${here}/../../integration_config.yml"
cw_sim_url="$(sed -n 's/^cw_sim_url: *//p' "${config}")"
[ -n "${cw_sim_url}" ] || { echo "FAIL: no cw_sim_url in ${config}"; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/role_integration_placement.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
tenant="place-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
( umask 077; od -An -N24 -tx1 /dev/urandom | tr -d ' \n' > "${work}/vault-password" )
export ANSIBLE_VAULT_PASSWORD_FILE="${work}/vault-password" ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_NOCOLOR=1
export CW_SIM_URL="${cw_sim_url}" CW_TENANT="${tenant}"

fail() { echo "FAIL: $*"; exit 1; }
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
placement() {  # the member's placement as "field=name ..." from the simulator's state, names looked up by id
    python - <<'PY'
import json, os, urllib.request
state = json.load(urllib.request.urlopen("%s/_sim/tenants/%s/state" % (os.environ["CW_SIM_URL"], os.environ["CW_TENANT"])))
tables = state["tables"]
member = [m for m in tables["members"] if m["identifier"] == "SophosCentral"]
assert len(member) == 1, member
fields = (("structureLevel", "levels"), ("securityLocation", "locations"), ("defaultLocation", "locations"),
          ("defaultDepartment", "departments"), ("salesDefaultLocation", "locations"), ("timeZone", "timeZones"))
names = {table: {row["id"]: row["name"] for row in tables[table]} for _field, table in fields}
print(" ".join("%s=%s" % (field, names[table][member[0][field]["id"]]) for field, table in fields))
PY
}
main_office_id() {
    python -c 'import json,sys,urllib.request; print([r["id"] for r in json.load(urllib.request.urlopen(sys.argv[1]))["tables"]["locations"] if r["name"] == "Main Office"][0])' \
        "${cw_sim_url}/_sim/tenants/${tenant}/state"
}

mkdir -p "${work}/inventory"
echo "== tenant ${tenant} on the extended surface"
ansible-playbook "${shared}/setup.yml" -e "cw_sim_url=${cw_sim_url}" -e "tenant=${tenant}" -e "work=${work}" -e surface=extended
cat > "${work}/placement.yml" <<'YAML'
integration_member_level: Region
integration_member_location: Tampa Office
integration_member_department: Sales
integration_member_default_territory: Remote
integration_member_time_zone: Central European
YAML
wanted="structureLevel=Region securityLocation=Tampa Office defaultLocation=Tampa Office defaultDepartment=Sales salesDefaultLocation=Remote timeZone=Central European"

echo "== onboard with the placement given by name"
onboard -e "@${work}/placement.yml" || { cat "${work}/out"; fail "onboarding with a placement failed"; }
[ "$(placement)" = "${wanted}" ] || fail "placement is '$(placement)', expected '${wanted}'"

echo "== the same again: no change, no write"
reset_stats
onboard -e "@${work}/placement.yml" || { cat "${work}/out"; fail "the re-run failed"; }
grep -qE "changed=0 " "${work}/out" || { cat "${work}/out"; fail "the re-run reported a change"; }
[ "$(writes)" = 0 ] || fail "the re-run sent $(writes) write requests"

echo "== the default territory changes, given by id: one write, only that field moves"
reset_stats
onboard -e "@${work}/placement.yml" -e "integration_member_default_territory=$(main_office_id)" \
    || { cat "${work}/out"; fail "changing the default territory failed"; }
[ "$(writes)" = 1 ] || fail "changing one field sent $(writes) write requests, expected 1"
wanted="${wanted/salesDefaultLocation=Remote/salesDefaultLocation=Main Office}"
[ "$(placement)" = "${wanted}" ] || fail "placement is '$(placement)', expected '${wanted}'"

echo "== without placement variables: the member keeps its placement, nothing is written"
reset_stats
onboard || { cat "${work}/out"; fail "the run without placement failed"; }
[ "$(writes)" = 0 ] || fail "a run without placement sent $(writes) write requests"
[ "$(placement)" = "${wanted}" ] || fail "placement is '$(placement)' after a run without placement, expected '${wanted}'"
echo "role_integration_placement: OK"
