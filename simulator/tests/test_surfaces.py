"""Published vs extended surface, the extended write paths and the operator's UI actions."""

import json

from conftest import Client, new_member_with_key


def test_published_surface_hides_extended_routes_like_unknown_ones(admin):
    member_id = admin.get("/system/apiMembers", params={"conditions": 'identifier = "cwsim-bootstrap"'}).json()[0]["id"]
    assert admin.get("/system/apiMembers/%d/apiKeys" % member_id).status_code == 404
    assert admin.post("/system/apiMembers/%d/apiKeys" % member_id, {"description": "x"}).status_code == 404
    assert admin.delete("/system/apiMembers/%d/apiKeys/1" % member_id).status_code == 404
    setting = admin.get("/system/securityRoles/2/settings", params={"pageSize": 1}).json()[0]
    path = "/system/securityRoles/2/settings/%d" % setting["id"]
    put = admin.put(path, dict(setting, inquireLevel="All"))
    assert put.status_code == 405 and put.headers["Allow"] == "GET"
    assert admin.patch(path, [{"op": "replace", "path": "inquireLevel", "value": "All"}]).status_code == 405
    assert admin.get(path).json()["inquireLevel"] == setting["inquireLevel"]


def test_extended_api_keys_private_key_only_once(ext_admin):
    member = ext_admin.post("/system/apiMembers", {"identifier": "svc-sophos", "name": "Sophos"}).json()
    base = "/system/apiMembers/%d/apiKeys" % member["id"]
    created = ext_admin.post(base, {"description": "Sophos Central Integration"})
    assert created.status_code == 201
    key = created.json()
    assert key["privateKey"] and key["publicKey"] and key["description"] == "Sophos Central Integration"
    assert key["_info"]["enteredBy"] == "cwsim-bootstrap"
    listing = ext_admin.get(base)
    assert listing.status_code == 200
    assert [k["id"] for k in listing.json()] == [key["id"]]
    assert key["privateKey"] not in listing.text
    found = ext_admin.get(base, params={"conditions": 'description = "sophos central integration"'}).json()
    assert len(found) == 1
    state = ext_admin.server.op("GET", "/tenants/%s/state" % ext_admin.company).text
    assert key["privateKey"] not in state and "secret" not in json.loads(state)["tables"]["apiKeys"][0]
    user = Client(ext_admin.server, ext_admin.company, key["publicKey"], key["privateKey"])
    assert user.get("/system/info").status_code == 200
    assert ext_admin.post(base, {}).status_code == 400
    assert ext_admin.post("/system/apiMembers/1/apiKeys", {"description": "full member"}).status_code == 404
    assert ext_admin.delete("%s/%d" % (base, key["id"])).status_code == 204
    assert ext_admin.delete("%s/%d" % (base, key["id"])).status_code == 404
    assert user.get("/system/info").status_code == 401


def test_extended_settings_put_and_patch(ext_admin):
    role = ext_admin.post("/system/securityroles", {"name": "Writable"}).json()
    rows = ext_admin.get("/system/securityRoles/%d/settings" % role["id"], params={
        "conditions": 'moduleName = "Procurement" and moduleFunctionName = "Product Catalog"'}).json()
    path = "/system/securityRoles/%d/settings/%d" % (role["id"], rows[0]["id"])
    patched = ext_admin.patch(path, [{"op": "replace", "path": "inquireLevel", "value": "All"},
                                     {"op": "replace", "path": "addLevel", "value": "My"}])
    assert patched.status_code == 200
    assert patched.json()["inquireLevel"] == "All" and patched.json()["addLevel"] == "My"
    assert patched.json()["_info"]["updatedBy"] == "cwsim-bootstrap"
    put = ext_admin.put(path, {"addLevel": "All", "editLevel": "All", "deleteLevel": "None", "inquireLevel": "All"})
    assert put.status_code == 200 and put.json()["editLevel"] == "All"
    assert ext_admin.put(path, {"addLevel": "All"}).status_code == 400
    assert ext_admin.patch(path, [{"op": "replace", "path": "inquireLevel", "value": "Mine"}]).status_code == 400
    assert ext_admin.patch(path, [{"op": "replace", "path": "moduleName", "value": "x"}]).status_code == 400
    assert ext_admin.get(path).json()["editLevel"] == "All"
    admin_row = ext_admin.get("/system/securityRoles/1/settings", params={"pageSize": 1}).json()[0]
    assert ext_admin.patch("/system/securityRoles/1/settings/%d" % admin_row["id"],
                           [{"op": "replace", "path": "inquireLevel", "value": "None"}]).status_code == 400
    assert ext_admin.get("/system/securityRoles/%d/settings/%d" % (role["id"], admin_row["id"])).status_code == 404


def test_surface_can_be_switched_per_tenant_at_run_time(admin):
    server = admin.server
    member_id = admin.get("/system/apiMembers", params={"conditions": 'identifier = "cwsim-bootstrap"'}).json()[0]["id"]
    assert admin.get("/system/apiMembers/%d/apiKeys" % member_id).status_code == 404
    assert server.op("PATCH", "/tenants/%s" % admin.company, json={"surface": "extended"}).json()["surface"] == "extended"
    assert admin.get("/system/apiMembers/%d/apiKeys" % member_id).status_code == 200
    assert server.op("PATCH", "/tenants/%s" % admin.company, json={"surface": "bogus"}).status_code == 400


def test_ui_actions_work_on_the_published_surface(admin):
    key = new_member_with_key(admin, [{"module": "Procurement", "function": "Product Catalog", "inquireLevel": "All"}])
    assert key.get("/procurement/catalog").status_code == 200
    listing = admin.server.op("GET", "/tenants/%s/ui/apiMembers/%d/apiKeys" % (admin.company, key.member_id)).json()
    assert len(listing) == 1 and "privateKey" not in listing[0]
    bad = admin.server.op("PUT", "/tenants/%s/ui/securityRoles/%d/settings" % (admin.company, key.role_id),
                          json=[{"module": "Procurement", "function": "Nonexistent", "inquireLevel": "All"}])
    assert bad.status_code == 400
    bad_level = admin.server.op("PUT", "/tenants/%s/ui/securityRoles/%d/settings" % (admin.company, key.role_id),
                                json=[{"module": "Procurement", "function": "Product Catalog", "inquireLevel": "Mine"}])
    assert bad_level.status_code == 400
