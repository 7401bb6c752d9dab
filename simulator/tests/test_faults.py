"""Fault injection: latency, 5xx, rate limiting, dropped connections, slow answers, ambiguous writes."""

import time

import pytest
import requests


def set_faults(client, **faults):
    response = client.server.op("PUT", "/tenants/%s/faults" % client.company, json=faults)
    assert response.status_code == 200, response.text
    return response.json()


def test_added_latency(admin):
    set_faults(admin, latency_ms=300)
    start = time.monotonic()
    assert admin.get("/system/info").status_code == 200
    assert time.monotonic() - start >= 0.3


def test_share_of_5xx_is_deterministic_for_a_seed(admin):
    set_faults(admin, error_rate=0.5, seed=7)
    first = [admin.get("/system/info").status_code for _attempt in range(20)]
    set_faults(admin, error_rate=0.5, seed=7)
    second = [admin.get("/system/info").status_code for _attempt in range(20)]
    assert first == second
    assert 0 < sum(code >= 500 for code in first) < 20
    assert {code for code in first if code >= 500} <= {500, 502, 503, 504}


def test_next_n_errors_then_recovery(admin):
    set_faults(admin, error_next=2, error_statuses=[503])
    codes = [admin.get("/system/info").status_code for _attempt in range(3)]
    assert codes == [503, 503, 200]
    body = admin.server.op("GET", "/tenants/%s/faults" % admin.company).json()
    assert body["error_next"] == 0
    assert admin.server.op("PUT", "/tenants/%s/faults" % admin.company, json={"error_rate": 2}).status_code == 400
    assert admin.server.op("PUT", "/tenants/%s/faults" % admin.company, json={"bogus": 1}).status_code == 400


def test_rate_limit_answers_429_with_retry_after(admin):
    set_faults(admin, rate_limit={"requests": 3, "window": 1})
    codes = [admin.get("/system/info") for _attempt in range(5)]
    assert [r.status_code for r in codes] == [200, 200, 200, 429, 429]
    assert int(codes[3].headers["Retry-After"]) >= 1 and codes[3].json()["code"] == "TooManyRequests"
    time.sleep(1.1)
    assert admin.get("/system/info").status_code == 200


def test_dropped_connection(admin):
    set_faults(admin, drop_next=1)
    with pytest.raises(requests.ConnectionError):
        admin.get("/system/info")
    assert admin.get("/system/info").status_code == 200


def test_slow_answer_trips_client_timeout(admin):
    set_faults(admin, slow_next=1, slow_seconds=2)
    with pytest.raises(requests.Timeout):
        admin.get("/system/info", timeout=0.5)
    assert admin.get("/system/info", timeout=5).status_code == 200


def test_ambiguous_write_commits_then_drops(admin):
    set_faults(admin, ambiguous_write_next=1)
    with pytest.raises(requests.ConnectionError):
        admin.post("/system/securityroles", {"name": "Ambiguous"})
    found = admin.get("/system/securityroles", params={"conditions": 'name = "Ambiguous"'}).json()
    assert len(found) == 1
    assert admin.post("/system/securityroles", {"name": "Second"}).status_code == 201


def test_hold_after_write_commits_then_holds_the_answer_once(admin):
    set_faults(admin, hold_after_write={"route": "post /system/securityroles", "seconds": 3})
    with pytest.raises(requests.Timeout):
        admin.post("/system/securityroles", {"name": "Held"}, timeout=0.5)
    found = admin.get("/system/securityroles", params={"conditions": 'name = "Held"'}).json()
    assert len(found) == 1
    assert admin.post("/system/securityroles", {"name": "NotHeld"}, timeout=2).status_code == 201


def test_hold_after_write_needs_a_route(admin):
    response = admin.server.op("PUT", "/tenants/%s/faults" % admin.company, json={"hold_after_write": {"seconds": 3}})
    assert response.status_code == 400
    assert "hold_after_write needs a route" in response.text


def test_faults_limited_to_methods_and_other_tenants_unaffected(admin, make_tenant):
    other = make_tenant()[0]
    set_faults(admin, error_rate=1.0, methods=["POST"])
    assert admin.get("/system/info").status_code == 200
    assert admin.post("/system/securityroles", {"name": "Blocked"}).status_code >= 500
    assert other.post("/system/securityroles", {"name": "Fine"}).status_code == 201


def test_faults_from_the_tenant_fixture(server):
    spec = {"company_id": "flaky", "members": 0, "bootstrap": {"public_key": "FlakyPub", "private_key": "FlakyPriv"},
            "faults": {"error_next": 1, "error_statuses": [502]}}
    response = server.op("POST", "/tenants", json=spec)
    assert response.status_code == 201 and response.json()["faults"]["error_next"] == 1
    from conftest import Client  # pylint: disable=import-outside-toplevel
    client = Client(server, "flaky", "FlakyPub", "FlakyPriv")
    assert [client.get("/system/info").status_code for _attempt in range(2)] == [502, 200]
    bad = server.op("POST", "/tenants", json={"company_id": "flaky2", "faults": {"drop_rate": 5}})
    assert bad.status_code == 400
