"""What real ConnectWise clients trip over: answers checked against the OpenAPI extract's schemas."""

from conftest import Client, new_member_with_key
from openapi_shapes import assert_fits, document


def _hrefs(value):
    """Every ``*_href`` in an answer, however deep."""
    if isinstance(value, list):
        return [href for item in value for href in _hrefs(item)]
    if not isinstance(value, dict):
        return []
    found = [v for k, v in (value.get("_info") or {}).items() if k.endswith("_href")]
    return found + [href for k, v in value.items() if k != "_info" for href in _hrefs(v)]


def test_hrefs_point_at_the_server_scheme_host_and_codebase_that_answered(server, admin):
    base = "%s/%sapis/3.0/" % (server.base, admin.api.split("/", 3)[3].split("apis/3.0")[0])
    rows = admin.get("/system/members", params={"pageSize": 1000}).json()
    hrefs = _hrefs(rows)
    assert hrefs and all(href.startswith(base) for href in hrefs), hrefs[:3]
    assert base + "system/securityroles/1" in hrefs
    proxied = admin.get("/system/apiMembers", headers={"Host": "cw.example.test:8443"}).json()
    assert all(href.startswith("http://cw.example.test:8443/v4_6_release/apis/3.0/") for href in _hrefs(proxied))
    # the codebase as the client spelled it, and a tenant's own codebase
    upper = Client(server, admin.company, "Pub" + admin.company, "Priv" + admin.company, "V4_6_RELEASE/")
    assert all("/V4_6_RELEASE/apis/3.0/" in href for href in _hrefs(upper.get("/system/mySecurity").json()))
    globex = Client(server, "globex", "GlobexPublic1", "GlobexPrivate1", "v2025_1/")
    assert all(href.startswith(server.base + "/v2025_1/apis/3.0/") for href in _hrefs(globex.get("/system/apiMembers").json()))
    assert not any("myconnectwise.net" in href for href in hrefs)
    # the operator's UI answers point at the same server
    key = server.op("POST", "/tenants/%s/ui/apiMembers/%d/apiKeys" % (admin.company, rows[-1]["id"]),
                    json={"description": "href check"}).json()
    assert key["member"]["_info"]["member_href"] == "%s/v4_6_release/apis/3.0/system/members/%d" % (
        server.base, rows[-1]["id"])
    for row in proxied:
        assert_fits(row, "ApiMember")


def test_every_get_path_of_the_extract_is_routed(admin):
    for path, item in document()["paths"].items():
        if "get" in item:
            concrete = path.replace("{parentId}", "2").replace("{id}", "2")
            if path.endswith("settings/{id}"):
                concrete = concrete[:-1] + "2101"
            response = admin.get(concrete)
            assert response.status_code == 200, (path, response.status_code, response.text[:200])


def test_security_role_info_list_count_and_one(admin):
    rows = admin.get("/system/securityroles/info", params={"pageSize": 1000})
    assert rows.status_code == 200, rows.text
    rows = rows.json()
    assert [r["name"] for r in rows] == ["Admin", "Employee", "Technician", "Finance", "Read Only"]
    for row in rows:
        assert_fits(row, "SecurityRoleInfo")
        assert set(row) == {"id", "name", "roleType", "inactiveFlag", "_info"}
        assert admin.get("/system/securityroles/%d/info" % row["id"]).json() == row
    assert admin.get("/system/securityroles/info/count").json() == {"count": 5}
    made = admin.post("/system/securityroles", {"name": "Sophos Central", "roleType": "Member"}).json()
    assert admin.get("/system/securityroles/info/count").json() == {"count": 6}
    found = admin.get("/system/securityroles/info", params={"conditions": 'name like "sophos%"', "fields": "id,name"}).json()
    assert found == [{"id": made["id"], "name": "Sophos Central"}]
    assert admin.get("/system/securityroles/info/count", params={"conditions": 'roleType = "Admin"'}).json() == {"count": 1}
    paged = admin.get("/system/securityroles/info", params={"pageSize": 2, "page": 2})
    assert [r["id"] for r in paged.json()] == [3, 4] and 'rel="next"' in paged.headers["Link"]
    assert admin.get("/system/securityroles/999/info").status_code == 404
    assert admin.get("/system/securityroles/info", params={"conditions": "adminFlag = true"}).status_code == 400
    refused = admin.delete("/system/securityroles/info")
    assert refused.status_code == 405 and refused.headers["Allow"] == "GET"


def test_security_role_info_needs_security_roles_inquire(admin):
    without = new_member_with_key(admin, [{"module": "System", "function": "Member Maintenance", "inquireLevel": "All"}])
    for path in ("/system/securityroles/info", "/system/securityroles/info/count", "/system/securityroles/1/info"):
        denied = without.get(path)
        assert denied.status_code == 403 and "Security Roles" in denied.json()["message"], path
    allowed = new_member_with_key(admin, [{"module": "System", "function": "Security Roles", "inquireLevel": "All"}])
    assert allowed.get("/system/securityroles/1/info").json()["name"] == "Admin"


# Never rendered: references to tables the simulator does not keep, customFields, the write-only password and
# create-from ids. Left out when unset: strings, references and the one enum without a default. Every other Member
# field is in every row.
MEMBER_NOT_RENDERED = {"password", "country", "photo", "office365", "ldapConfiguration", "directionalSync", "ssoSettings",
                       "reportCard", "type", "workRole", "workType", "projectDefaultBoard", "serviceLocation", "calendar",
                       "warehouse", "warehouseBin", "customFields", "fromMemberRecId", "fromMemberTemplateRecId"}


def _always_rendered(schema_name, unset_allowed):
    schema = document()["components"]["schemas"][schema_name]
    return {field for field, spec in schema["properties"].items()
            if field in schema.get("required", ()) or not (
                field in unset_allowed or "$ref" in spec or (spec.get("type") == "string" and "enum" not in spec))}


def test_member_rows_have_every_schema_field_with_the_schema_type(admin):
    made = admin.post("/system/apiMembers", {"identifier": "svc-new", "name": "New integration",
                                             "securityRole": {"id": 5}}).json()
    rows = admin.get("/system/members", params={"pageSize": 1000}).json()
    assert {r["licenseClass"] for r in rows} == {"A", "F"} and made["id"] in [r["id"] for r in rows]
    expected = _always_rendered("Member", MEMBER_NOT_RENDERED | {"authenticationServiceType"})
    assert len(expected) >= 60
    for row in rows:
        assert_fits(row, "Member")
        assert expected <= set(row), (row["identifier"], sorted(expected - set(row)))
        assert None not in row.values()
    by_identifier = {r["identifier"]: r for r in rows}
    assert by_identifier["svc-new"]["lastName"] == "" and by_identifier["svc-new"]["firstName"] == "New integration"
    assert by_identifier["svc-new"]["hireDate"] == made["_info"]["dateEntered"]
    assert "primaryEmail" not in by_identifier["svc-new"]  # no e-mail address: left out, never null
    admin_row = by_identifier["admin"]
    assert admin_row["primaryEmail"] == admin_row["officeEmail"] == "admin@example.invalid" and admin_row["adminFlag"] is True
    references = {"securityRole", "structureLevel", "securityLocation", "defaultLocation", "salesDefaultLocation",
                  "defaultDepartment", "timeZone", "reportsTo", "timeApprover", "expenseApprover"}
    assert references <= set(by_identifier["u00001"]) and by_identifier["u00001"]["timeApprover"]["identifier"] == "admin"
    found = admin.get("/system/members", params={"conditions": 'invoicingDisplayOptions = "RemainOnInvoicingScreen" and '
                                                               'lastName = "" and hireDate > [2024-01-01]'}).json()
    assert [r["identifier"] for r in found] == ["svc-new"]


def test_api_member_rows_have_every_schema_field_with_the_schema_type(admin):
    body = {"identifier": "svc-full", "name": "Full", "emailAddress": "full@example.invalid", "inactiveFlag": True,
            "inactiveDate": "2025-01-02T03:04:05Z", "notes": "n", "excludedServiceBoardIds": [1], "blockPriceFlag": True,
            "blockCostFlag": False, "serviceDefaultBoard": {"id": 1}}
    body.update({field: {"id": 1} for field in ("timeZone", "securityRole", "structureLevel", "securityLocation",
                                                "defaultLocation", "defaultDepartment", "salesDefaultLocation")})
    full = admin.post("/system/apiMembers", body)
    assert full.status_code == 201, full.text
    schema_fields = set(document()["components"]["schemas"]["ApiMember"]["properties"])
    assert set(full.json()) == schema_fields
    bare = admin.post("/system/apiMembers", {"identifier": "svc-bare"}).json()
    assert {"excludedServiceBoardIds", "blockPriceFlag", "blockCostFlag", "inactiveFlag", "name"} <= set(bare)
    for row in admin.get("/system/apiMembers", params={"pageSize": 1000}).json():
        assert_fits(row, "ApiMember")
        assert None not in row.values()


def _full_member(**extra):
    body = {"identifier": "jdoe", "licenseClass": "F", "firstName": "Jane", "lastName": "Doe",
            "hireDate": "2025-03-01T00:00:00Z", "defaultEmail": "Mobile", "defaultPhone": "Office",
            "securityRole": {"id": 3}, "password": "Initial-Passw0rd", "mobileEmail": "jane@example.invalid",
            "officeEmail": "jdoe@example.invalid", "timeZone": {"id": 2}, "reportsTo": {"id": 1}, "teams": [1, 2],
            "hourlyRate": 95.5, "phoneIntegrationType": "TEL"}
    body.update(extra)
    return body


def test_member_post_validates_the_schema_and_answers_a_member(admin):
    created = admin.post("/system/members", _full_member())
    assert created.status_code == 201, created.text
    member = created.json()
    assert_fits(member, "Member")
    assert "password" not in member and "Initial-Passw0rd" not in created.text
    assert member["primaryEmail"] == "jane@example.invalid" and member["securityRole"]["name"] == "Technician"
    assert member["reportsTo"]["identifier"] == "admin" and member["teams"] == [1, 2] and member["adminFlag"] is False
    assert member["_info"]["enteredBy"] == "cwsim-bootstrap"
    assert admin.get("/system/members/%d" % member["id"]).json() == member
    assert admin.get("/system/apiMembers/%d" % member["id"]).status_code == 404
    # every required field, in one answer
    missing = admin.post("/system/members", {})
    assert missing.status_code == 400
    body = missing.json()
    assert body["code"] == "InvalidObject" and body["message"] == "member object is invalid"
    required = document()["components"]["schemas"]["Member"]["required"]
    assert {(e["code"], e["field"], e["resource"]) for e in body["errors"]} == {("NullValue", f, "member") for f in required}
    for field, value, code in (("identifier", "x" * 16, "InvalidField"), ("licenseClass", "Z", "InvalidField"),
                               ("lastName", 7, "InvalidField"), ("hireDate", "next tuesday", "InvalidField"),
                               ("defaultEmail", "Pager", "InvalidField"), ("securityRole", {"id": 99}, "NotFound"),
                               ("middleInitial", "AB", "InvalidField"), ("teams", ["a"], "InvalidField"),
                               ("hourlyRate", "lots", "InvalidField"), ("identifier", "ADMIN", "ObjectExists"),
                               ("identifier", "svc-old", "ObjectExists")):
        bad = admin.post("/system/members", _full_member(**dict({"identifier": "other"}, **{field: value})))
        assert bad.status_code == 400, (field, value)
        assert [(e["code"], e["field"]) for e in bad.json()["errors"]] == [(code, field)], bad.text
    no_password = admin.post("/system/members", _full_member(identifier="nopw", password=None))
    assert no_password.status_code == 400 and no_password.json()["errors"][0]["field"] == "password"
    api_class = admin.post("/system/members", _full_member(identifier="svc-viamembers", licenseClass="A", password=None))
    assert api_class.status_code == 201 and admin.get("/system/apiMembers/%d" % api_class.json()["id"]).status_code == 200
    assert admin.request("POST", "/system/members", data="[", headers={"Content-Type": "application/json"}).status_code == 400


def test_member_put_replaces_and_patch_accepts_scalar_values(admin):
    member = admin.post("/system/members", _full_member()).json()
    path = "/system/members/%d" % member["id"]
    replaced = admin.put(path, _full_member(password=None, title="Engineer", teams=None))
    assert replaced.status_code == 200, replaced.text
    body = replaced.json()
    assert body["title"] == "Engineer" and body["teams"] == [] and body["_info"]["dateEntered"] == member["_info"]["dateEntered"]
    assert admin.put(path, {"identifier": "jdoe", "firstName": "Jane"}).json()["errors"][0]["code"] == "NullValue"
    assert admin.put("/system/members/99999", _full_member()).status_code == 404
    # what the collection's offboarding sends: a scalar value, although PatchOperation.value is typed object
    offboard = admin.patch(path, [{"op": "replace", "path": "inactiveFlag", "value": True}])
    assert offboard.status_code == 200, offboard.text
    body = offboard.json()
    assert body["inactiveFlag"] is True and body["inactiveDate"].endswith("Z")
    assert_fits(body, "Member")
    scalars = admin.patch(path, [{"op": "replace", "path": "title", "value": "Lead"},
                                 {"op": "replace", "path": "hourlyRate", "value": 120},
                                 {"op": "replace", "path": "securityRole/id", "value": 2},
                                 {"op": "replace", "path": "/timeApprover", "value": {"id": 1}},
                                 {"op": "replace", "path": "inactiveFlag", "value": False}]).json()
    assert (scalars["title"], scalars["hourlyRate"], scalars["securityRole"]["name"]) == ("Lead", 120, "Employee")
    assert scalars["timeApprover"]["id"] == 1 and scalars["inactiveFlag"] is False and "inactiveDate" not in scalars
    for bad in ({"op": "replace", "path": "adminFlag", "value": True}, {"op": "remove", "path": "lastName"},
                {"op": "replace", "path": "licenseClass", "value": "Q"}, {"op": "replace", "path": "password", "value": 5}):
        assert admin.patch(path, [bad]).status_code == 400, bad
    schema = document()["components"]["schemas"]["PatchOperation"]["properties"]
    assert schema["value"]["type"] == "object"  # the documented type the scalars above do not follow


def test_member_writes_need_member_maintenance_add_and_edit(admin):
    reader = new_member_with_key(admin, [{"module": "System", "function": "Member Maintenance", "inquireLevel": "All"}])
    denied = reader.post("/system/members", _full_member())
    assert denied.status_code == 403 and "Add access to System > Member Maintenance" in denied.json()["message"]
    target = admin.post("/system/members", _full_member()).json()
    for method in ("PUT", "PATCH"):
        body = _full_member() if method == "PUT" else [{"op": "replace", "path": "title", "value": "x"}]
        refused = reader.request(method, "/system/members/%d" % target["id"], json=body)
        assert refused.status_code == 403 and "Edit access" in refused.json()["message"], method
    own = new_member_with_key(admin, [{"module": "System", "function": "Member Maintenance", "inquireLevel": "All",
                                       "addLevel": "All", "editLevel": "My"}])
    assert own.post("/system/members", _full_member(identifier="jroe")).status_code == 201
    assert own.patch("/system/members/%d" % target["id"], [{"op": "replace", "path": "title", "value": "x"}]).status_code == 403
    mine = own.patch("/system/members/%d" % own.member_id, [{"op": "replace", "path": "notes", "value": "mine"}])
    assert mine.status_code == 200 and mine.json()["notes"] == "mine", mine.text
