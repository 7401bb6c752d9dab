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
