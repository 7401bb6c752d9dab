"""What real ConnectWise clients trip over: answers checked against the OpenAPI extract's schemas."""

from conftest import Client
from openapi_shapes import assert_fits


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
