"""Fixtures: the real simulator as a subprocess on a free port, and per-test tenants."""

import itertools
import json
import os
import subprocess
import sys
import time

import pytest
import requests

SIM_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if SIM_ROOT not in sys.path:
    # lets the suite run from a plain checkout as well as after ``pip install -e simulator``
    sys.path.insert(0, SIM_ROOT)
CLIENT_ID = "3f1c7d2e-0000-4000-8000-simulatortest"
_COUNTER = itertools.count(1)


class Server:
    """A running simulator process."""

    def __init__(self, tmp_path, *extra, fixture=None, env=None):
        self.tmp = tmp_path
        port_file = tmp_path / "port"
        if port_file.exists():
            port_file.unlink()
        args = [sys.executable, "-m", "cwsim", "--host", "127.0.0.1", "--port", "0", "--port-file", str(port_file)]
        if fixture is not None:
            fixture_path = tmp_path / "tenants.json"
            fixture_path.write_text(json.dumps(fixture))
            args += ["--tenants", str(fixture_path)]
        args += list(extra)
        self.log = open(tmp_path / "server.out", "w+", encoding="utf-8")  # pylint: disable=consider-using-with
        environment = dict(os.environ, PYTHONPATH=SIM_ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
        environment.update(env or {})
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=environment)  # pylint: disable=consider-using-with
        deadline = time.monotonic() + 10
        while not port_file.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.log.seek(0)
                raise RuntimeError("simulator did not start: %s" % self.log.read())
            time.sleep(0.02)
        self.port = int(port_file.read_text())
        self.scheme = "https" if "--tls" in extra else "http"
        self.base = "%s://127.0.0.1:%d" % (self.scheme, self.port)

    def op(self, method, path, **kwargs):
        response = requests.request(method, self.base + "/_sim" + path, timeout=30, **kwargs)
        return response

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


class Client:
    """A ConnectWise API client for one key pair of one tenant."""

    def __init__(self, server, company, public, private, codebase="v4_6_release/", client_id=CLIENT_ID):
        self.server = server
        self.company = company
        self.api = "%s/%sapis/3.0" % (server.base, codebase)
        self.session = requests.Session()
        # filled in by new_member_with_key for clients of freshly made API members
        self.member_id = self.role_id = self.key_id = None
        self.session.auth = ("%s+%s" % (company, public), private)
        if client_id:
            self.session.headers["clientId"] = client_id

    def request(self, method, path, **kwargs):
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.api + path, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, json=body, **kwargs)

    def put(self, path, body, **kwargs):
        return self.request("PUT", path, json=body, **kwargs)

    def patch(self, path, body, **kwargs):
        return self.request("PATCH", path, json=body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def stats(self):
        return self.server.op("GET", "/tenants/%s/stats" % self.company).json()


FIXTURE = {
    "defaults": {"members": 20},
    "tenants": [
        {"company_id": "acme", "integrator_login": {"username": "sophos", "password": "intPass1"},
         "bootstrap": {"public_key": "AcmePublic01", "private_key": "AcmePrivate01"}, "surface": "extended"},
        {"company_id": "globex", "bootstrap": {"public_key": "GlobexPublic1", "private_key": "GlobexPrivate1"},
         "codebase": "v2025_1"},
    ],
}


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("sim"), "--access-log", "-", fixture=FIXTURE)
    yield srv
    srv.stop()


@pytest.fixture
def make_tenant(server):
    """Create a fresh tenant through the operator API; returns (admin Client, summary)."""
    def factory(surface="published", members=5, **extra):
        company = "t%d%s" % (next(_COUNTER), surface[:3])
        public, private = "Pub%s" % company, "Priv%s" % company
        body = {"company_id": company, "members": members, "surface": surface,
                "bootstrap_public_key": public, "bootstrap_private_key": private}
        body.update(extra)
        response = server.op("POST", "/tenants", json=body)
        assert response.status_code == 201, response.text
        summary = response.json()
        return Client(server, company, public, private, summary["codebase"]), summary
    return factory


@pytest.fixture
def admin(make_tenant):
    return make_tenant()[0]


@pytest.fixture
def ext_admin(make_tenant):
    return make_tenant("extended")[0]


def new_member_with_key(admin_client, levels, surface_server=None, identifier=None):
    """Create a role with ``levels`` (UI action), an API member with it, and a UI-made key; return a Client."""
    server = surface_server or admin_client.server
    role = admin_client.post("/system/securityroles", {"name": "Role %d" % next(_COUNTER)})
    assert role.status_code == 201, role.text
    role_id = role.json()["id"]
    if levels:
        done = server.op("PUT", "/tenants/%s/ui/securityRoles/%d/settings" % (admin_client.company, role_id), json=levels)
        assert done.status_code == 200, done.text
    member = admin_client.post("/system/apiMembers", {"identifier": identifier or "svc%d" % next(_COUNTER),
                                                      "name": "Integration", "securityRole": {"id": role_id}})
    assert member.status_code == 201, member.text
    member_id = member.json()["id"]
    key = server.op("POST", "/tenants/%s/ui/apiMembers/%d/apiKeys" % (admin_client.company, member_id),
                    json={"description": "test key"}).json()
    client = Client(server, admin_client.company, key["publicKey"], key["privateKey"],
                    admin_client.api.split("/", 3)[3].split("apis/3.0")[0])
    client.member_id = member_id
    client.role_id = role_id
    client.key_id = key["id"]
    return client
