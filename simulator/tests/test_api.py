"""Conventions of the published surface: auth, clientId, routing, CRUD, validation, stamps."""

import base64
import time

import requests

from conftest import Client


def test_companyinfo_without_auth(server):
    info = requests.get(server.base + "/login/companyinfo/ACME", timeout=10).json()
    assert info["Codebase"] == "v4_6_release/" and info["CompanyID"] == "acme" and info["IsCloud"] is True
    assert set(info) >= {"CompanyName", "VersionCode", "VersionNumber", "SiteUrl"}
    assert requests.get(server.base + "/login/companyinfo/globex", timeout=10).json()["Codebase"] == "v2025_1/"
    unknown = requests.get(server.base + "/login/companyinfo/nobody", timeout=10)
    assert unknown.status_code == 200 and unknown.text == "null"


def test_codebase_is_per_tenant(server):
    globex = Client(server, "globex", "GlobexPublic1", "GlobexPrivate1", "v2025_1/")
    assert globex.get("/system/info").status_code == 200
    wrong = Client(server, "globex", "GlobexPublic1", "GlobexPrivate1", "v4_6_release/")
    assert wrong.get("/system/info").status_code == 404


def test_pinned_api_version_is_counted_and_a_malformed_one_refused(server):
    requests.post(server.base + "/_sim/stats/reset", timeout=10)
    client = Client(server, "acme", "AcmePublic01", "AcmePrivate01")
    pinned = {"Accept": "application/vnd.connectwise.com+json; version=2025.1"}
    assert client.get("/system/info", headers=pinned).status_code == 200
    assert client.get("/system/info").status_code == 200
    bad = client.get("/system/info", headers={"Accept": "application/vnd.connectwise.com+json; version=latest-please"})
    assert bad.status_code == 400 and "Accept" in bad.text
    versions = requests.get(server.base + "/_sim/tenants/acme/stats", timeout=10).json()["by_api_version"]
    assert versions == {"2025.1": 1, "latest": 1}


def test_missing_client_id_is_a_400_naming_the_header(server):
    client = Client(server, "acme", "AcmePublic01", "AcmePrivate01", client_id=None)
    response = client.get("/system/info")
    assert response.status_code == 400
    assert response.json()["code"] == "InvalidClientId" and "clientId" in response.json()["message"]
    blank = client.get("/system/info", headers={"clientId": ""})
    assert blank.status_code == 400


def test_bad_credentials_are_401_with_cw_error_body(server):
    api = server.base + "/v4_6_release/apis/3.0/system/info"
    headers = {"clientId": "x"}
    cases = [
        None,
        ("acme+AcmePublic01", "wrong"),
        ("acme+NoSuchKey", "AcmePrivate01"),
        ("nobody+AcmePublic01", "AcmePrivate01"),
        ("AcmePublic01", "AcmePrivate01"),  # no company+ prefix
        ("globex+AcmePublic01", "AcmePrivate01"),  # key of another tenant
    ]
    for auth in cases:
        response = requests.get(api, auth=auth, headers=headers, timeout=10)
        assert response.status_code == 401, auth
        body = response.json()
        assert body["code"] == "Unauthorized" and isinstance(body["errors"], list) and body["message"]
    garbage = requests.get(api, headers={"clientId": "x", "Authorization": "Basic !!!"}, timeout=10)
    assert garbage.status_code == 401
    bearer = requests.get(api, headers={"clientId": "x", "Authorization": "Bearer " +
                                        base64.b64encode(b"acme+AcmePublic01:AcmePrivate01").decode()}, timeout=10)
    assert bearer.status_code == 401


def test_paths_are_case_insensitive_and_trailing_slash_tolerant(server):
    client = Client(server, "acme", "AcmePublic01", "AcmePrivate01")
    for path in ("/system/securityroles", "/SYSTEM/SecurityRoles", "/system/securityroles/", "/System/ApiMembers/count"):
        assert client.get(path).status_code == 200, path
    upper = Client(server, "acme", "AcmePublic01", "AcmePrivate01", "V4_6_RELEASE/")
    assert upper.get("/system/info").status_code == 200


def test_unknown_route_is_404_and_undefined_verb_405(admin):
    missing = admin.get("/system/nothingHere")
    assert missing.status_code == 404 and missing.json()["code"] == "NotFound"
    for method, path in (("DELETE", "/system/apiMembers/1"), ("DELETE", "/system/members/1"), ("PUT", "/system/securityroles/1"),
                         ("PATCH", "/system/securityroles/1"), ("POST", "/company/companies")):
        response = admin.request(method, path)
        assert response.status_code == 405, (method, path)
        assert method not in response.headers["Allow"]


def test_system_info_shape(admin):
    info = admin.get("/system/info").json()
    assert set(info) == {"version", "isCloud", "serverTimeZone", "licenseBits", "cloudRegion", "maxWorkFlowRecordsAllowed"}
    assert admin.get("/system/info").headers["api-current-version"] == "2025.1"


def _create(admin, **extra):
    body = {"identifier": "svc-ansible", "name": "Ansible automation", "emailAddress": "ops@example.com",
            "securityRole": {"id": 4}, "structureLevel": {"id": 1}, "securityLocation": {"id": 2},
            "defaultLocation": {"id": 2}, "salesDefaultLocation": {"id": 2}, "defaultDepartment": {"id": 1},
            "timeZone": {"id": 4}, "notes": "managed by ansible"}
    body.update(extra)
    return admin.post("/system/apiMembers", body)


def test_api_member_create_read_and_stamps(admin):
    created = _create(admin)
    assert created.status_code == 201
    member = created.json()
    assert member["securityRole"] == {"id": 4, "name": "Finance", "_info": member["securityRole"]["_info"]}
    assert member["defaultDepartment"]["identifier"] == "SVC"
    info = member["_info"]
    assert info["enteredBy"] == "cwsim-bootstrap" and info["updatedBy"] == "cwsim-bootstrap"
    assert info["dateEntered"].endswith("Z") and info["lastUpdated"]
    again = admin.get("/system/apiMembers/%d" % member["id"]).json()
    assert again == member
    found = admin.get("/system/apiMembers", params={"conditions": 'identifier = "SVC-ANSIBLE"'}).json()
    assert [m["id"] for m in found] == [member["id"]]
    as_member = admin.get("/system/members/%d" % member["id"]).json()
    assert as_member["licenseClass"] == "A" and as_member["firstName"] == "Ansible automation"
    full = admin.get("/system/members", params={"conditions": 'licenseClass = "F"', "pageSize": 1000}).json()
    assert all(m["licenseClass"] == "F" for m in full) and len(full) == 6
    api_only = admin.get("/system/apiMembers", params={"pageSize": 1000}).json()
    assert {m["identifier"] for m in api_only} == {"svc-old", "cwsim-bootstrap", "svc-ansible"}


def test_duplicate_identifier_across_all_members_is_object_exists(admin):
    assert _create(admin).status_code == 201
    for identifier in ("SVC-Ansible", "admin", "u00001"):
        response = _create(admin, identifier=identifier)
        assert response.status_code == 400, identifier
        body = response.json()
        assert body["code"] == "InvalidObject"
        assert body["errors"][0]["code"] == "ObjectExists" and body["errors"][0]["field"] == "identifier"


def test_field_limits_and_types_and_references(admin):
    cases = {
        "identifier": ("x" * 16, "InvalidField"),
        "name": ("n" * 31, "InvalidField"),
        "emailAddress": ("e" * 251, "InvalidField"),
        "securityRole": ({"id": 999}, "NotFound"),
        "timeZone": ({"id": "one"}, "InvalidField"),
        "inactiveFlag": ("yes", "InvalidField"),
        "excludedServiceBoardIds": (["a"], "InvalidField"),
    }
    for field, (value, code) in cases.items():
        response = _create(admin, **{field: value})
        assert response.status_code == 400, field
        error = response.json()["errors"][0]
        assert error["field"] == field and error["code"] == code, (field, error)
    assert _create(admin, identifier="x" * 15, name="n" * 30).status_code == 201
    missing = admin.post("/system/apiMembers", {"name": "no identifier"})
    assert missing.status_code == 400 and missing.json()["errors"][0]["code"] == "NullValue"
    not_json = admin.request("POST", "/system/apiMembers", data="{", headers={"Content-Type": "application/json"})
    assert not_json.status_code == 400


def test_put_is_full_replacement_and_needs_name(admin):
    member = _create(admin).json()
    replaced = admin.put("/system/apiMembers/%d" % member["id"], {"identifier": "svc-ansible", "name": "Renamed"})
    assert replaced.status_code == 200
    body = replaced.json()
    assert body["name"] == "Renamed" and "notes" not in body and "securityRole" not in body
    assert body["_info"]["dateEntered"] == member["_info"]["dateEntered"]
    no_name = admin.put("/system/apiMembers/%d" % member["id"], {"identifier": "svc-ansible"})
    assert no_name.status_code == 400 and no_name.json()["errors"][0]["field"] == "name"
    assert admin.put("/system/apiMembers/99999", {"identifier": "a", "name": "b"}).status_code == 404


def test_patch_operations(admin):
    member = _create(admin).json()
    path = "/system/apiMembers/%d" % member["id"]
    first = admin.patch(path, [{"op": "replace", "path": "securityRole/id", "value": 3},
                               {"op": "replace", "path": "inactiveFlag", "value": True},
                               {"op": "remove", "path": "notes"}])
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["securityRole"]["name"] == "Technician" and body["inactiveFlag"] is True and "notes" not in body
    assert body["inactiveDate"].endswith("Z")
    second = admin.patch(path, [{"op": "replace", "path": "/securityRole", "value": {"id": 2}},
                                {"op": "add", "path": "notes", "value": "back"},
                                {"op": "replace", "path": "inactiveFlag", "value": False}])
    body = second.json()
    assert body["securityRole"]["id"] == 2 and body["notes"] == "back" and "inactiveDate" not in body
    for bad in ({"op": "move", "path": "notes", "value": 1}, {"op": "replace", "path": "nope", "value": 1},
                {"op": "replace", "path": "id", "value": 1}, {"op": "replace", "path": "identifier", "value": "z" * 16},
                {"op": "replace", "path": "securityRole/id", "value": 12345}):
        response = admin.patch(path, [bad])
        assert response.status_code == 400, bad
    assert admin.patch(path, {"op": "replace"}).status_code == 400
    assert admin.patch(path, []).status_code == 400
    assert admin.get(path).json()["notes"] == "back"


def test_security_roles_post_starts_at_none_and_delete(admin):
    role = admin.post("/system/securityroles", {"name": "Sophos Central", "roleType": "Member", "adminFlag": True})
    assert role.status_code == 201
    role = role.json()
    assert role["adminFlag"] is False and role["roleType"] == "Member"
    settings = admin.get("/system/securityRoles/%d/settings" % role["id"], params={"pageSize": 1000}).json()
    assert len(settings) == admin.get("/system/securityRoles/%d/settings/count" % role["id"]).json()["count"] >= 70
    assert all(s[k] == "None" for s in settings for k in ("addLevel", "editLevel", "deleteLevel", "inquireLevel"))
    one = settings[0]
    assert admin.get("/system/securityRoles/%d/settings/%d" % (role["id"], one["id"])).json() == one
    assert admin.post("/system/securityroles", {"name": "sophos central"}).json()["errors"][0]["code"] == "ObjectExists"
    assert admin.post("/system/securityroles", {"name": "r" * 31}).status_code == 400
    assert admin.delete("/system/securityroles/%d" % role["id"]).status_code == 204
    assert admin.get("/system/securityroles/%d" % role["id"]).status_code == 404
    assert admin.delete("/system/securityroles/1").status_code == 400  # built-in Admin
    assert admin.delete("/system/securityroles/2").status_code == 400  # in use by members


def test_admin_role_settings_are_all(admin):
    settings = admin.get("/system/securityRoles/1/settings", params={"pageSize": 1000}).json()
    assert all(s["inquireLevel"] == "All" and s["deleteLevel"] == "All" for s in settings)
    rows = admin.get("/system/securityRoles/1/settings", params={
        "conditions": 'moduleName = "procurement" and moduleFunctionDescription = "Product Catalog"'}).json()
    assert len(rows) == 1 and rows[0]["moduleFunctionName"] == "Product Catalog"
    assert rows[0]["moduleIdentifier"].startswith("SIM_")


def test_system_reports_is_a_report_function_of_every_role(admin):
    # named by the Datto RMM permission table (System > System Reports, Inquire All)
    rows = admin.get("/system/securityRoles/2/settings", params={
        "conditions": 'moduleName = "System" and moduleFunctionName = "System Reports"'}).json()
    assert len(rows) == 1 and rows[0]["reportFlag"] is True and rows[0]["inquireLevel"] == "None"


def test_my_security_and_customize_items(admin):
    rows = admin.get("/system/mySecurity", params={"pageSize": 1000}).json()
    assert rows and all(r["member"]["identifier"] == "cwsim-bootstrap" for r in rows)
    items = admin.get("/system/mySecurity/customizeItems").json()
    assert {"customizeIdentifier", "itemIdentifier", "id"} <= set(items[0])


def test_member_tokens_authenticate_until_they_expire(server, make_tenant):
    admin, _summary = make_tenant(token_lifetime=1.5)
    token = admin.post("/system/members/ADMIN/tokens")
    assert token.status_code == 200
    body = token.json()
    assert set(body) == {"publicKey", "privateKey", "expiration"} and body["expiration"].endswith("Z")
    as_member = Client(server, admin.company, body["publicKey"], body["privateKey"])
    assert as_member.get("/system/mySecurity").json()[0]["member"]["identifier"] == "admin"
    assert admin.post("/system/members/nobody/tokens").status_code == 404
    assert admin.post("/system/members/svc-old/tokens").status_code == 400
    time.sleep(2)
    expired = as_member.get("/system/info")
    assert expired.status_code == 401 and "expired" in expired.json()["message"]


def test_integrator_logins_crud_with_write_only_password(admin):
    created = admin.post("/system/integratorlogins", {"username": "sophos", "password": "s3cret", "companyApiFlag": True})
    assert created.status_code == 201
    login = created.json()
    assert "password" not in login and login["companyApiFlag"] is True
    path = "/system/integratorlogins/%d" % login["id"]
    assert "password" not in admin.get(path).json()
    assert admin.post("/system/integratorlogins", {"username": "SOPHOS", "password": "x"}).status_code == 400
    assert admin.post("/system/integratorlogins", {"username": "nopw"}).status_code == 400
    assert admin.post("/system/integratorlogins", {"username": "all", "password": "x", "canAccessAllApisFlag": True}).status_code == 400
    patched = admin.patch(path, [{"op": "replace", "path": "inactiveFlag", "value": True}]).json()
    assert patched["inactiveFlag"] is True and patched["dateInactivated"]
    put = admin.put(path, {"username": "sophos2"}).json()
    assert put["username"] == "sophos2" and "companyApiFlag" not in put
    assert admin.get("/system/integratorlogins/count").json() == {"count": 1}
    assert admin.delete(path).status_code == 204
    assert admin.get(path).status_code == 404


def test_integrator_login_authenticates_with_usertype_header(server):
    api = server.base + "/v4_6_release/apis/3.0"
    headers = {"clientId": "x", "x-cw-usertype": "integrator"}
    ok = requests.get(api + "/company/companies", auth=("acme+sophos", "intPass1"), headers=headers, timeout=10)
    assert ok.status_code == 200
    assert requests.get(api + "/company/companies", auth=("acme+sophos", "bad"), headers=headers, timeout=10).status_code == 401
    denied = requests.get(api + "/system/integratorlogins", auth=("acme+sophos", "intPass1"),
                          headers=headers, timeout=10)
    assert denied.status_code == 200  # systemApiFlag is set on the seeded login
    no_flag = requests.get(api + "/finance/agreements", auth=("acme+sophos", "intPass1"), headers=headers, timeout=10)
    assert no_flag.status_code == 200


def test_catalog_post_patch_and_limits(admin):
    body = {"identifier": "Sophos_Intercept_X_Advanced_XDR", "description": "Intercept X Advanced with XDR",
            "subcategory": {"id": 1}, "type": {"id": 4}, "customerDescription": "Sophos endpoint"}
    created = admin.post("/procurement/catalog", body)
    assert created.status_code == 201
    item = created.json()
    assert item["productClass"] == "NonInventory" and item["type"]["name"] == "Subscription"
    assert admin.post("/procurement/catalog", body).json()["errors"][0]["code"] == "ObjectExists"
    for field, value in (("identifier", "i" * 76), ("description", "d" * 61), ("type", {"id": 99})):
        bad = dict(body, identifier="other")
        bad[field] = value
        assert admin.post("/procurement/catalog", bad).status_code == 400
    for field in ("subcategory", "type", "customerDescription"):
        partial = {k: v for k, v in body.items() if k != field}
        assert admin.post("/procurement/catalog", dict(partial, identifier="p-" + field)).status_code == 400
    patched = admin.patch("/procurement/catalog/%d" % item["id"], [{"op": "replace", "path": "price", "value": 9.5}])
    assert patched.json()["price"] == 9.5
    assert admin.get("/procurement/catalog/count").json()["count"] == 4


def test_read_endpoints_list_count_get_conditions(admin):
    for path in ("/company/companies", "/company/configurations", "/time/entries", "/finance/agreements",
                 "/service/tickets", "/system/reports", "/system/locations",
                 "/system/departments", "/system/myCompany/corporateStructureLevels", "/system/timeZoneSetups"):
        rows = admin.get(path).json()
        assert rows, path
        assert admin.get(path + "/count").json()["count"] == len(rows)
        assert admin.get("%s/%d" % (path, rows[0]["id"])).json() == rows[0]
        assert admin.get(path + "/99999").status_code == 404
        same = admin.get(path, params={"conditions": "id = %d" % rows[0]["id"]}).json()
        assert same == [rows[0]], path
    level = admin.get("/system/myCompany/corporateStructureLevels", params={"conditions": 'name = "corporate"'}).json()
    assert level[0]["id"] == 1
    tz = admin.get("/system/timeZoneSetups", params={"conditions": 'name like "%pacific%"'}).json()
    assert tz[0]["name"] == "Pacific"


def test_malformed_conditions_and_unknown_fields_are_400(admin):
    for text in ('identifier = "open', "identifier ==", "nosuchfield = 1", "(id = 1"):
        response = admin.get("/system/apiMembers", params={"conditions": text})
        assert response.status_code == 400, text
        body = response.json()
        assert body["code"] == "InvalidObject" and body["errors"][0]["field"] == "conditions"
    assert admin.get("/system/apiMembers/count", params={"conditions": "id =="}).status_code == 400
