"""Paging at 2,500 rows (navigable and forward-only), orderBy, fields and the index fast path."""

import re

import pytest
import requests


@pytest.fixture(scope="module")
def big(server):
    company = "bigco"
    spec = {"company_id": company, "members": 2497, "bootstrap": {"public_key": "BigPub", "private_key": "BigPriv"}}
    response = server.op("POST", "/tenants", json=spec)
    assert response.status_code == 201
    from conftest import Client  # pylint: disable=import-outside-toplevel
    return Client(server, company, "BigPub", "BigPriv")


def links(response):
    return dict((rel, url) for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers.get("Link", "")))


def test_there_are_2500_members(big):
    assert big.get("/system/members/count").json() == {"count": 2500}


def test_navigable_paging_follows_link_headers(big):
    first = big.get("/system/members", params={"pageSize": 1000, "fields": "id,identifier"})
    assert len(first.json()) == 1000 and first.json()[0] == {"id": 1, "identifier": "admin"}
    rels = links(first)
    assert set(rels) == {"next", "last"} and "page=3" in rels["last"]
    seen = [m["id"] for m in first.json()]
    url = rels["next"]
    pages = 1
    while url:
        response = big.session.get(url, timeout=30)
        seen += [m["id"] for m in response.json()]
        pages += 1
        rels = links(response)
        assert {"first", "prev"} <= set(rels)
        assert "fields=id%2Cidentifier" in rels["first"]
        url = rels.get("next")
    assert pages == 3 and len(seen) == 2500 and len(set(seen)) == 2500
    last = big.get("/system/members", params={"pageSize": 1000, "page": 3})
    assert len(last.json()) == 500 and "next" not in links(last)


def test_default_page_size_and_clamp(big):
    assert len(big.get("/system/members").json()) == 25
    clamped = big.get("/system/members", params={"pageSize": 5000, "fields": "id"})
    assert len(clamped.json()) == 1000
    assert big.get("/system/members", params={"pageSize": 0}).status_code == 400
    assert big.get("/system/members", params={"page": "x"}).status_code == 400
    assert big.get("/system/members", params={"page": 999}).json() == []
    small = big.get("/system/securityroles")
    assert "Link" not in small.headers


def test_forward_only_paging(big):
    headers = {"pagination-type": "forward-only"}
    response = big.get("/system/members", params={"pageSize": 1000, "fields": "id"}, headers=headers)
    seen = [m["id"] for m in response.json()]
    rels = links(response)
    assert set(rels) == {"next"} and "pageId=1000" in rels["next"]
    while "next" in rels:
        response = big.session.get(rels["next"], headers=headers, timeout=30)
        seen += [m["id"] for m in response.json()]
        rels = links(response)
    assert seen == sorted(seen) and len(seen) == 2500
    tail = big.get("/system/members", params={"pageId": 2490, "fields": "id"}, headers=headers).json()
    assert [m["id"] for m in tail][0] == 2491 and len(tail) == 10


def test_conditions_on_a_large_table(big):
    found = big.get("/system/members", params={"conditions": 'identifier = "U02000"'}).json()
    assert [m["identifier"] for m in found] == ["u02000"]
    many = big.get("/system/members/count", params={"conditions": 'identifier like "u01%" and inactiveFlag = false'}).json()
    assert many == {"count": 1000}
    either = big.get("/system/members/count", params={"conditions": 'identifier in ("u00001","u00002") or id = 1'}).json()
    assert either == {"count": 3}
    dated = big.get("/system/members/count", params={"conditions": "hireDate >= [2020-01-01T00:00:00Z]"}).json()
    assert 0 < dated["count"] < 2500


def test_order_by_and_fields(big):
    rows = big.get("/system/members", params={"orderBy": "identifier desc", "pageSize": 3, "fields": "identifier"}).json()
    assert rows == [{"identifier": "u02497"}, {"identifier": "u02496"}, {"identifier": "u02495"}]
    params = {"orderBy": "lastName asc, id desc", "pageSize": 2, "conditions": 'licenseClass = "F"',
              "fields": "id,lastName,securityRole/name"}
    by_two = big.get("/system/members", params=params).json()
    assert by_two[0]["lastName"] <= by_two[1]["lastName"] and set(by_two[0]) == {"id", "lastName", "securityRole"}
    assert set(by_two[0]["securityRole"]) == {"name"}
    assert big.get("/system/members", params={"orderBy": "identifier sideways"}).status_code == 400
    assert big.get("/system/members", params={"orderBy": "nope asc"}).status_code == 400
    one = big.get("/system/members/1", params={"fields": "identifier"}).json()
    assert one == {"identifier": "admin"}


def test_stats_count_requests_by_method_and_template(big):
    big.server.op("POST", "/stats/reset", json={"company": big.company})
    big.get("/system/members/1")
    big.get("/system/members/2")
    big.post("/system/securityroles", {"name": "Counted"})
    stats = requests.get(big.server.base + "/_sim/stats", params={"company": big.company}, timeout=10).json()[big.company]
    assert stats["by_route"] == {"GET /system/members/{id}": 2, "POST /system/securityroles": 1}
    assert stats["reads"] == 2 and stats["writes"] == 1 and stats["by_status"] == {"200": 2, "201": 1}
