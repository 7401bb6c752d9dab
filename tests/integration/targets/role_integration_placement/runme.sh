#!/usr/bin/env bash
# The API member's placement through the integration role: level, location, department, default territory and
# time zone given by name land on the member as the ids the tenant has; a re-run writes nothing; changing one
# of them (by id) is one write that touches only that field; leaving them empty leaves the member alone.
# The end state is read from the simulator, not from Ansible's output.
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../role_integration_published/common.sh
. "${here}/../role_integration_published/common.sh" place extended

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

cat > "${work}/placement.yml" <<'YAML'
integration_member_level: Region
integration_member_location: Tampa Office
integration_member_department: Sales
integration_member_default_territory: Remote
integration_member_time_zone: Central European
YAML
wanted="structureLevel=Region securityLocation=Tampa Office defaultLocation=Tampa Office defaultDepartment=Sales salesDefaultLocation=Remote timeZone=Central European"

echo "== onboard with the placement given by name"
onboard -e "@${work}/placement.yml" || fail_showing_output "onboarding with a placement failed"
[ "$(placement)" = "${wanted}" ] || fail "placement is '$(placement)', expected '${wanted}'"

echo "== the same again: no change, no write"
reset_stats
onboard -e "@${work}/placement.yml" || fail_showing_output "the re-run failed"
grep -qE "changed=0 " "${work}/out" || fail_showing_output "the re-run reported a change"
[ "$(writes)" = 0 ] || fail "the re-run sent $(writes) write requests"

echo "== the default territory changes, given by id: one write, only that field moves"
reset_stats
onboard -e "@${work}/placement.yml" -e "integration_member_default_territory=$(main_office_id)" \
    || fail_showing_output "changing the default territory failed"
[ "$(writes)" = 1 ] || fail "changing one field sent $(writes) write requests, expected 1"
wanted="${wanted/salesDefaultLocation=Remote/salesDefaultLocation=Main Office}"
[ "$(placement)" = "${wanted}" ] || fail "placement is '$(placement)', expected '${wanted}'"

echo "== without placement variables: the member keeps its placement, nothing is written"
reset_stats
onboard || fail_showing_output "the run without placement failed"
[ "$(writes)" = 0 ] || fail "a run without placement sent $(writes) write requests"
[ "$(placement)" = "${wanted}" ] || fail "placement is '$(placement)' after a run without placement, expected '${wanted}'"
echo "role_integration_placement: OK"
