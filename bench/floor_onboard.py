"""The floor for the onboarding benchmark: the requests of bench/playbooks/uri_onboard.yml sent directly.

One Python process, one keep-alive requests.Session per worker thread, a thread pool over the tenants; no
ansible-playbook. It reads the inventory the benchmark lab wrote (bootstrap keys in vault files) and stores a new key in
the same vault file the collection writes, so every tool pays the same vault cryptography.

Usage: python bench/floor_onboard.py INVENTORY_DIR VAULT_PASSWORD_FILE [--workers 8]
"""

import argparse
import concurrent.futures
import os
import sys
import threading
import urllib.parse

import requests
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# pylint: disable=wrong-import-position
from harness import KEY_DESCRIPTION, VAULT_NAME, profile  # noqa: E402
from sim_inventory import VaultLib, VaultSecret, write_private  # noqa: E402

PROFILE = profile()
VERBS = ("add", "edit", "delete", "inquire")
_local = threading.local()


def session():
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


class Tenant:
    def __init__(self, host, data, vault):
        self.host = host
        self.api = data["cw_site"] + "/v4_6_release/apis/3.0"
        self.company = data["cw_company_id"]
        self.client_id = data["cw_client_id"]
        self.vault = vault
        self.dir = data["dir"]
        self.boot = self.load("bootstrap.vault.yml")
        self.stored = self.load(VAULT_NAME) or {}

    def load(self, name):
        path = os.path.join(self.dir, name)
        if not os.path.exists(path):
            return None
        with open(path, "rb") as handle:
            return yaml.safe_load(self.vault.decrypt(handle.read()))

    def call(self, method, path, body=None, key=None, expect=(200,)):
        public, private = key or (self.boot["cw_bootstrap_public_key"], self.boot["cw_bootstrap_private_key"])
        response = session().request(method, self.api + path, json=body, auth=("%s+%s" % (self.company, public), private),
                                     headers={"clientId": self.client_id}, timeout=30)
        if response.status_code not in expect:
            raise RuntimeError("%s %s %s: %s" % (method, path, response.status_code, response.text[:300]))
        return response.json() if response.content else None

    def find(self, path, field, value):
        return self.call("GET", "%s?conditions=%s" % (path, urllib.parse.quote('%s="%s"' % (field, value))))

    def onboard(self):
        if not self.call("GET", "/system/integratorlogins?pageSize=1"):
            raise RuntimeError("%s: no integrator login" % self.host)
        roles = self.find("/system/securityroles", "name", PROFILE["role"]["name"])
        role = roles[0] if roles else self.call("POST", "/system/securityroles", {
            "name": PROFILE["role"]["name"], "roleType": PROFILE["role"]["role_type"]}, expect=(201,))
        settings = self.call("GET", "/system/securityRoles/%d/settings?pageSize=1000" % role["id"])
        for cell in PROFILE["permissions"]:
            row = next(r for r in settings if (r["moduleName"], r["moduleFunctionName"]) == (cell["module"], cell["function"]))
            ops = [{"op": "replace", "path": v + "Level", "value": cell.get(v, "None")} for v in VERBS]
            if any(row[op["path"]] != op["value"] for op in ops):
                self.call("PATCH", "/system/securityRoles/%d/settings/%d" % (role["id"], row["id"]), ops)
        members = self.find("/system/apiMembers", "identifier", PROFILE["member"]["identifier"])
        member = members[0] if members else self.call("POST", "/system/apiMembers", {
            "identifier": PROFILE["member"]["identifier"], "name": PROFILE["member"]["name"], "securityRole": {"id": role["id"]},
            "notes": "Managed by Ansible (msp.connectwise.integration)"}, expect=(201,))
        if member["securityRole"]["id"] != role["id"]:
            self.call("PATCH", "/system/apiMembers/%d" % member["id"], [{"op": "replace", "path": "securityRole", "value": {"id": role["id"]}}])
        keys = self.find("/system/apiMembers/%d/apiKeys" % member["id"], "description", KEY_DESCRIPTION)
        public = self.stored.get("cw_integration_public_key")
        if public in [k["publicKey"] for k in keys]:
            private = self.stored["cw_integration_private_key"]
        else:
            key = self.call("POST", "/system/apiMembers/%d/apiKeys" % member["id"], {"description": KEY_DESCRIPTION}, expect=(201,))
            public, private = key["publicKey"], key["privateKey"]
            values = {"cw_integration_public_key": public, "cw_integration_private_key": private, "cw_integration_key_id": key["id"],
                      "cw_integration_member_id": member["id"]}
            write_private(os.path.join(self.dir, VAULT_NAME), self.vault.encrypt(yaml.safe_dump(values).encode("utf-8")))
        self.call("GET", "/system/mySecurity?pageSize=1000", key=(public, private))
        self.call("GET", "/procurement/catalog?pageSize=1", key=(public, private))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inventory")
    parser.add_argument("password_file")
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    with open(args.password_file, "rb") as handle:
        vault = VaultLib([("default", VaultSecret(handle.read().strip()))])
    with open(os.path.join(args.inventory, "hosts.yml"), encoding="utf-8") as handle:
        group = yaml.safe_load(handle)["all"]["children"]["connectwise_tenants"]
    tenants = []
    for host, data in group["hosts"].items():
        data = dict(group["vars"], **data, dir=os.path.join(args.inventory, "host_vars", host))
        tenants.append(Tenant(host, data, vault))
    with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
        list(pool.map(Tenant.onboard, tenants))  # list() re-raises the first failure
    return 0


if __name__ == "__main__":
    sys.exit(main())
