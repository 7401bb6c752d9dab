"""Create simulator tenants and an Ansible inventory for them, with vault-encrypted bootstrap keys.

Bootstrap private keys go to the simulator over loopback HTTP (it keeps only hashes) and to disk
only inside vault-encrypted files, so no plaintext secret is ever written.
"""

import json
import os
import secrets
import urllib.request

from ansible.parsing.vault import VaultLib, VaultSecret
import yaml

CLIENT_ID = "3f0e6c1a-5b2d-4c8e-9a7f-0d1e2f3a4b5c"


def operator(url, method, path, body=None):
    """Call the simulator's operator API (under /_sim/) and return its decoded JSON answer."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def write_private(path, data, mode=0o600):
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def new_vault_password(work):
    """Write a random vault password to ``work/vault-password`` (0600) and return a VaultLib for it."""
    password = secrets.token_urlsafe(32)
    write_private(os.path.join(work, "vault-password"), (password + "\n").encode("utf-8"))
    return VaultLib([("default", VaultSecret(password.encode("utf-8")))])


def create_tenants(url, tenants, work, vault, group="connectwise_tenants", surface="extended", group_vars=None):
    """Create ``tenants`` in the simulator at ``url`` and write ``work/inventory`` for them.

    A tenant spec without ``surface`` gets ``surface``. Each tenant's bootstrap vault file also holds a random
    ``cw_integrator_password`` (used when the integration role is asked to ensure the integrator login).
    ``group_vars`` are added to the group's variables.
    """
    hosts = {}
    for tenant in tenants:
        public_key, private_key = secrets.token_hex(8), secrets.token_hex(8)
        spec = dict(tenant, bootstrap_public_key=public_key, bootstrap_private_key=private_key)
        spec.setdefault("surface", surface)
        operator(url, "POST", "/_sim/tenants", spec)
        name = tenant["company_id"]
        hosts[name] = {"cw_site": url, "cw_company_id": name}
        plaintext = yaml.safe_dump({"cw_bootstrap_public_key": public_key, "cw_bootstrap_private_key": private_key,
                                    "cw_integrator_password": secrets.token_urlsafe(18)})
        write_private(os.path.join(work, "inventory", "host_vars", name, "bootstrap.vault.yml"), vault.encrypt(plaintext.encode("utf-8")))
    inventory = {"all": {"children": {group: {
        "hosts": hosts,
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                 "cw_client_id": CLIENT_ID, **(group_vars or {})},
    }}}}
    with open(os.path.join(work, "inventory", "hosts.yml"), "w", encoding="utf-8") as handle:
        yaml.safe_dump(inventory, handle, default_flow_style=False)
    return os.path.join(work, "inventory")
