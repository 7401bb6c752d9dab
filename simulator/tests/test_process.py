"""Process-level behaviour: start-up time, TLS, demo keys, state file round trip, logs without secrets."""

import json
import os
import stat
import time

import pytest
import requests

from conftest import Client, Server

FIXTURE = {"tenants": [{"company_id": "keep", "members": 3, "surface": "extended",
                        "bootstrap": {"public_key": "KeepPub", "private_key": "KeepPrivateSecret"}}]}


def test_ready_quickly_and_prints_listening_line(tmp_path):
    start = time.monotonic()
    server = Server(tmp_path, fixture=FIXTURE)
    try:
        assert time.monotonic() - start < 2.0
        assert requests.get(server.base + "/_sim/health", timeout=5).json()["status"] == "ok"
        assert "cwsim listening on http://127.0.0.1:%d" % server.port in server.output()
    finally:
        server.stop()


def test_tls_with_generated_certificate(tmp_path):
    tls_dir = tmp_path / "tls"
    server = Server(tmp_path, "--tls", "--tls-dir", str(tls_dir), fixture=FIXTURE)
    try:
        cert = str(tls_dir / "cert.pem")
        assert stat.S_IMODE(os.stat(tls_dir / "key.pem").st_mode) == 0o600
        client = Client(server, "keep", "KeepPub", "KeepPrivateSecret")
        with pytest.raises(requests.exceptions.SSLError):
            client.get("/system/info")
        assert client.get("/system/info", verify=cert).status_code == 200
        localhost = requests.get("https://localhost:%d/_sim/health" % server.port, verify=cert, timeout=5)
        assert localhost.status_code == 200
    finally:
        server.stop()


def test_no_demo_tenants_starts_empty(tmp_path):
    server = Server(tmp_path, "--no-demo-tenants")
    try:
        assert requests.get(server.base + "/_sim/tenants", timeout=5).json() == []
    finally:
        server.stop()


def test_runtime_tenants_take_the_command_line_surface(tmp_path):
    server = Server(tmp_path, "--no-demo-tenants", "--surface", "extended")
    try:
        made = requests.post(server.base + "/_sim/tenants", json={"company_id": "late"}, timeout=5)
        assert made.status_code == 201 and made.json()["surface"] == "extended"
        chosen = requests.post(server.base + "/_sim/tenants", json={"company_id": "own", "surface": "published"}, timeout=5)
        assert chosen.json()["surface"] == "published"
    finally:
        server.stop()


def test_demo_tenants_write_bootstrap_keys_to_a_private_file(tmp_path):
    out = tmp_path / "boot.json"
    server = Server(tmp_path, "--bootstrap-out", str(out))
    try:
        assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
        keys = json.loads(out.read_text())["tenants"]
        assert [t["company_id"] for t in keys] == ["acme", "globex", "initech"]
        first = keys[0]
        client = Client(server, first["company_id"], first["bootstrap"]["public_key"], first["bootstrap"]["private_key"])
        assert client.get("/system/info").status_code == 200
        assert first["bootstrap"]["private_key"] not in server.output()
        tenants = requests.get(server.base + "/_sim/tenants", timeout=5).json()
        assert [t["integrator_login"] for t in tenants] == [True, False, True]
    finally:
        server.stop()


def test_state_file_round_trip_without_secrets(tmp_path):
    state = tmp_path / "state.json"
    log = tmp_path / "access.log"
    server = Server(tmp_path, "--state-file", str(state), "--access-log", str(log), fixture=FIXTURE)
    try:
        client = Client(server, "keep", "KeepPub", "KeepPrivateSecret")
        member = client.post("/system/apiMembers", {"identifier": "persisted", "name": "Persisted"}).json()
        key = client.post("/system/apiMembers/%d/apiKeys" % member["id"], {"description": "kept"}).json()
        assert server.op("POST", "/save").json() == {"saved": True}
    finally:
        server.stop()
    text = state.read_text()
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o600
    for secret in ("KeepPrivateSecret", key["privateKey"]):
        assert secret not in text
        assert secret not in log.read_text()
    assert "KeepPub" in log.read_text() and "Authorization" not in log.read_text()
    again = Server(tmp_path, "--state-file", str(state), fixture=FIXTURE)
    try:
        client = Client(again, "keep", "KeepPub", "KeepPrivateSecret")
        found = client.get("/system/apiMembers", params={"conditions": 'identifier = "persisted"'}).json()
        assert [m["id"] for m in found] == [member["id"]]
        assert Client(again, "keep", key["publicKey"], key["privateKey"]).get("/system/info").status_code == 200
    finally:
        again.stop()


def test_bad_fixture_fails_with_a_message(tmp_path):
    with pytest.raises(RuntimeError) as info:
        Server(tmp_path, fixture={"tenants": [{"company_id": "bad id!"}]})
    assert "company_id" in str(info.value)


def test_reset_restores_the_seed(admin):
    admin.post("/system/securityroles", {"name": "Temporary"})
    assert admin.server.op("POST", "/reset", json={"company": admin.company}).status_code == 200
    assert admin.get("/system/securityroles", params={"conditions": 'name = "Temporary"'}).json() == []
    assert admin.server.op("POST", "/reset", json={"company": "nobody"}).status_code == 404


def test_yaml_fixture(tmp_path):
    path = tmp_path / "tenants.yml"
    path.write_text("tenants:\n  - company_id: yamlco\n    members: 2\n    bootstrap: {public_key: YPub, private_key: YPriv}\n")
    server = Server(tmp_path, "--tenants", str(path), "--surface", "extended")
    try:
        tenant = requests.get(server.base + "/_sim/tenants/yamlco", timeout=5).json()
        assert tenant["surface"] == "extended" and tenant["members"] == 5
        assert Client(server, "yamlco", "YPub", "YPriv").get("/system/info").status_code == 200
    finally:
        server.stop()
