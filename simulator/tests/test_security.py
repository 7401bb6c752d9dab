"""Permission enforcement both ways, the Sophos profile, My levels, inactive members and deleted keys."""

from conftest import new_member_with_key

SOPHOS = [
    {"module": "Companies", "function": "Company Maintenance", "inquireLevel": "All"},
    {"module": "Finance", "function": "Agreements", "addLevel": "All", "editLevel": "All", "inquireLevel": "All"},
    {"module": "Procurement", "function": "Product Catalog", "addLevel": "All", "editLevel": "All", "inquireLevel": "All"},
    {"module": "System", "function": "Table Setup", "addLevel": "All", "editLevel": "All", "inquireLevel": "All"},
    {"module": "System", "function": "Member Maintenance", "inquireLevel": "All"},
    {"module": "Service Desk", "function": "Close Service Tickets", "addLevel": "All", "editLevel": "All", "inquireLevel": "All"},
    {"module": "Service Desk", "function": "Service Tickets", "addLevel": "All", "editLevel": "All", "inquireLevel": "All"},
    {"moduleName": "System", "functionName": "API Reports", "inquireLevel": "All"},
]

PROBES = {
    "/company/companies": "Company Maintenance", "/finance/agreements": "Agreements", "/procurement/catalog": "Product Catalog",
    "/service/tickets": "Service Tickets", "/system/members": "Member Maintenance", "/system/reports": "API Reports",
    "/system/locations": "Table Setup", "/system/departments": "Table Setup",
}


def test_sophos_profile_reads_every_probe_and_nothing_else(admin):
    key = new_member_with_key(admin, SOPHOS)
    for path in PROBES:
        assert key.get(path, params={"pageSize": 1, "fields": "id"}).status_code == 200, path
    assert key.get("/system/securityroles").status_code == 403
    assert key.post("/procurement/catalog", {"identifier": "Sophos_MTR_Standard", "description": "MTR",
                                             "subcategory": {"id": 1}, "type": {"id": 4},
                                             "customerDescription": "MTR"}).status_code == 201
    assert key.delete("/procurement/catalog/1").status_code == 403


def test_configurations_and_time_entries_each_need_their_own_function(admin):
    # the probe endpoints of the Hudu and idemeum profiles
    time_only = new_member_with_key(admin, [{"module": "Time & Expense", "function": "Time Entry", "inquireLevel": "All"}])
    assert time_only.get("/time/entries", params={"pageSize": 1}).status_code == 200
    denied = time_only.get("/company/configurations", params={"pageSize": 1})
    assert denied.status_code == 403 and "Companies > Configurations" in denied.json()["message"]
    configurations_only = new_member_with_key(admin, [{"module": "Companies", "function": "Configurations", "inquireLevel": "All"}])
    assert configurations_only.get("/company/configurations", params={"pageSize": 1}).status_code == 200
    denied = configurations_only.get("/time/entries", params={"pageSize": 1})
    assert denied.status_code == 403 and "Time & Expense > Time Entry" in denied.json()["message"]


def test_without_product_catalog_inquire_the_catalog_is_403_naming_the_function(admin):
    key = new_member_with_key(admin, [row for row in SOPHOS if row.get("function") != "Product Catalog"])
    response = key.get("/procurement/catalog", params={"pageSize": 1})
    assert response.status_code == 403
    body = response.json()
    assert "Procurement > Product Catalog" in body["message"] and "Inquire" in body["message"]
    assert body["errors"][0]["field"] == "inquireLevel"
    assert key.get("/company/companies").status_code == 200


def test_each_verb_needs_its_own_level(admin):
    key = new_member_with_key(admin, [{"module": "Procurement", "function": "Product Catalog", "inquireLevel": "All"}])
    item = {"identifier": "X1", "description": "d", "subcategory": {"id": 1}, "type": {"id": 1}, "customerDescription": "c"}
    denied = key.post("/procurement/catalog", item)
    assert denied.status_code == 403 and "Add" in denied.json()["message"]
    assert key.patch("/procurement/catalog/1", [{"op": "replace", "path": "price", "value": 1}]).status_code == 403
    admin.server.op("PUT", "/tenants/%s/ui/securityRoles/%d/settings" % (admin.company, key.role_id),
                    json=[{"module": "procurement", "function": "product catalog", "addLevel": "All", "editLevel": "All"}])
    assert key.post("/procurement/catalog", item).status_code == 201
    assert key.patch("/procurement/catalog/1", [{"op": "replace", "path": "price", "value": 1}]).status_code == 200
    assert key.delete("/procurement/catalog/1").status_code == 403


def test_my_security_is_readable_with_no_rights_and_shows_the_effective_levels(admin):
    key = new_member_with_key(admin, [{"module": "Procurement", "function": "Product Entry", "inquireLevel": "All"}])
    rows = key.get("/system/mySecurity", params={"pageSize": 1000}).json()
    catalog = [r for r in rows if r["moduleFunctionName"] == "Product Catalog"]
    assert catalog[0]["inquireLevel"] == "All" and catalog[0]["addLevel"] == "None"
    assert {r["member"]["id"] for r in rows} == {key.member_id}
    assert key.get("/system/info").status_code == 200
    nothing = new_member_with_key(admin, [])
    assert nothing.get("/system/mySecurity").status_code == 200
    assert nothing.get("/system/members").status_code == 403


def test_my_level_limits_to_own_records(admin):
    key = new_member_with_key(admin, [{"module": "System", "function": "Member Maintenance", "inquireLevel": "My",
                                       "addLevel": "All", "editLevel": "My"}])
    own = key.get("/system/members", params={"pageSize": 1000}).json()
    assert [m["id"] for m in own] == [key.member_id]
    assert key.get("/system/members/1").status_code == 403
    assert key.get("/system/members/%d" % key.member_id).status_code == 200
    made = key.post("/system/apiMembers", {"identifier": "mine1", "name": "Mine"})
    assert made.status_code == 201
    assert key.get("/system/apiMembers/count").json()["count"] == 2
    assert key.patch("/system/apiMembers/%d" % made.json()["id"], [{"op": "replace", "path": "notes", "value": "x"}]).status_code == 200
    old = admin.get("/system/apiMembers", params={"conditions": 'identifier = "svc-old"'}).json()[0]["id"]
    assert key.patch("/system/apiMembers/%d" % old, [{"op": "replace", "path": "notes", "value": "x"}]).status_code == 403


def test_admin_role_passes_everything(admin):
    for path in list(PROBES) + ["/system/securityroles", "/system/integratorlogins", "/system/apiMembers"]:
        assert admin.get(path).status_code == 200, path


def test_inactive_members_and_deleted_keys_cannot_authenticate(admin):
    key = new_member_with_key(admin, SOPHOS)
    assert key.get("/system/info").status_code == 200
    admin.patch("/system/apiMembers/%d" % key.member_id, [{"op": "replace", "path": "inactiveFlag", "value": True}])
    assert key.get("/system/info").status_code == 401
    admin.patch("/system/apiMembers/%d" % key.member_id, [{"op": "replace", "path": "inactiveFlag", "value": False}])
    assert key.get("/system/info").status_code == 200
    ops = admin.server
    assert ops.op("POST", "/tenants/%s/ui/apiMembers/%d/deactivate" % (admin.company, key.member_id)).status_code == 200
    assert key.get("/system/info").status_code == 401
    ops.op("POST", "/tenants/%s/ui/apiMembers/%d/activate" % (admin.company, key.member_id))
    assert key.get("/system/info").status_code == 200
    deleted = ops.op("DELETE", "/tenants/%s/ui/apiMembers/%d/apiKeys/%d" % (admin.company, key.member_id, key.key_id))
    assert deleted.status_code == 204
    assert key.get("/system/info").status_code == 401


def test_role_change_takes_effect_immediately(admin):
    key = new_member_with_key(admin, SOPHOS)
    assert key.get("/procurement/catalog").status_code == 200
    admin.patch("/system/apiMembers/%d" % key.member_id, [{"op": "replace", "path": "securityRole", "value": {"id": 5}}])
    assert key.get("/procurement/catalog").status_code == 403


def test_tokens_need_member_maintenance_add(admin):
    reader = new_member_with_key(admin, [{"module": "System", "function": "Member Maintenance", "inquireLevel": "All"}])
    denied = reader.post("/system/members/admin/tokens")
    assert denied.status_code == 403 and "Member Maintenance" in denied.json()["message"]
