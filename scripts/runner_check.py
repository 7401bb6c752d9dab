"""Run the onboard playbook with ansible-runner, laid out as the AWX guide tells, from the installed artifact.

Two private data directories against one simulator:

* ``vaulted``: the guide's layout (inventory with vault-encrypted bootstrap keys in host_vars,
  ``project/onboard.yml`` importing ``msp.connectwise.onboard``, ``env/cmdline`` naming the vault
  password file, ``env/extravars`` choosing the profile). Run twice: the second run must report no
  change and send no write request.
* ``injected``: the bootstrap key arrives as the extra variables that the guide's AWX credential type
  injects (``cw_bootstrap_public_key``, ``cw_bootstrap_private_key``, ``cw_client_id``) and the tenant has
  no bootstrap file at all.

Afterwards no bootstrap key, integrator password, generated private key or vault password may appear
in plaintext anywhere in the private data directories (``artifacts/`` included; the vault password file
aside) or in what ansible-runner printed. The guide's warning about
``env/envvars`` is checked too: ansible-runner copies that environment verbatim into
``artifacts/<ident>/command``.
"""

import glob
import json
import os
import secrets
import subprocess
import sys

import yaml

from galaxy_check import build_and_install, tree_and_fresh_work
from sim_inventory import create_tenants, new_vault_password, operator, write_private
from simulator_process import running_simulator

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
PROFILE = "sophos_central"
ONBOARD = "- name: Onboard ConnectWise tenants\n  ansible.builtin.import_playbook: msp.connectwise.onboard\n"


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def ee_runner_pin():
    with open(os.path.join(REPO, "execution-environment.yml"), encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)["dependencies"]["ansible_runner"]["package_pip"]
    return spec.split("==", 1)[1]


def lay_out(private, vault_password, extravars, envvars=None):
    """Write the parts of a private data directory that the guide lists (the inventory is already there)."""
    write_private(os.path.join(private, "vault-pass"), vault_password)
    os.makedirs(os.path.join(private, "project"), exist_ok=True)
    with open(os.path.join(private, "project", "onboard.yml"), "w", encoding="utf-8") as handle:
        handle.write(ONBOARD)
    # ansible-runner starts ansible-playbook in project/, so the path is relative to that directory.
    write_private(os.path.join(private, "env", "cmdline"), b"--vault-password-file ../vault-pass")
    write_private(os.path.join(private, "env", "extravars"), yaml.safe_dump(extravars).encode("utf-8"))
    if envvars:
        write_private(os.path.join(private, "env", "envvars"), yaml.safe_dump(envvars).encode("utf-8"))


def runner(private, ident, env):
    """Run ansible-runner as the guide does; return its printed output and the play's final stats."""
    command = [os.path.join(BIN, "ansible-runner"), "run", private, "-p", "onboard.yml", "--ident", ident]
    print("$ %s" % " ".join(command), flush=True)
    completed = subprocess.run(command, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               check=False)
    artifacts = os.path.join(private, "artifacts", ident)
    try:
        with open(os.path.join(artifacts, "status"), encoding="utf-8") as handle:
            status = handle.read().strip()
    except FileNotFoundError:
        status = None
    where = "%s/%s" % (os.path.basename(private), ident)
    expect(completed.returncode == 0 and status == "successful", "ansible-runner %s ended %r (exit %d):\n%s"
           % (where, status, completed.returncode, completed.stdout[-4000:]))
    stats = None
    for path in glob.glob(os.path.join(artifacts, "job_events", "*.json")):
        with open(path, encoding="utf-8") as handle:
            event = json.load(handle)
        if event.get("event") == "playbook_on_stats":
            stats = event["event_data"]
    expect(stats is not None, "%s has no playbook_on_stats event" % artifacts)
    return completed.stdout, stats


def writes_per_tenant(url):
    return {name: tenant["writes"] for name, tenant in operator(url, "GET", "/_sim/stats").items()}


def vaulted(path, vault):
    """Decrypt a whole-file vault vars file; it must be 0600."""
    mode = os.stat(path).st_mode & 0o777
    expect(mode == 0o600, "%s has mode %o, expected 600" % (path, mode))
    with open(path, "rb") as handle:
        return yaml.safe_load(vault.decrypt(handle.read()))


def secrets_in(root, needles):
    """Return the (file, secret name) pairs under ``root`` whose bytes contain one of ``needles``."""
    found = []
    for directory, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            with open(path, "rb") as handle:
                data = handle.read()
            found += [(path, label) for label, value in needles.items() if value.encode("utf-8") in data]
    return found


def check(work, collections):
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""),
               ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_NOCOLOR="1")
    vault = new_vault_password(work)
    with open(os.path.join(work, "vault-password"), "rb") as handle:
        vault_password = handle.read()
    needles = {"vault password": vault_password.decode("utf-8").strip()}
    outputs = []
    canary = "canary-" + secrets.token_hex(8)

    with running_simulator("--surface", "extended", log_path=os.path.join(work, "simulator.log")) as url:
        # -- the guide's layout: bootstrap keys in vault-encrypted host_vars ---------------------------------
        private = os.path.join(work, "vaulted")
        tenants = [{"company_id": "runner_%s" % n, "members": 5, "integrator_login": True} for n in ("one", "two")]
        create_tenants(url, tenants, private, vault)
        lay_out(private, vault_password, {"integration_profile_name": PROFILE},
                envvars={"MSP_CONNECTWISE_RUNNER_CANARY": canary})
        output, stats = runner(private, "first", env)
        outputs.append(output)
        expect(set(stats.get("changed", {})) == {t["company_id"] for t in tenants},
               "the first run did not change every tenant: %s" % stats.get("changed"))
        expect("Run summary" in output and "2 tenant(s)" in output, "the first run printed no run summary")
        operator(url, "POST", "/_sim/stats/reset")
        output, stats = runner(private, "second", env)
        outputs.append(output)
        writes = writes_per_tenant(url)
        expect(not stats.get("changed") and not any(writes.values()),
               "the second run changed something: changed=%s, writes=%s" % (stats.get("changed"), writes))
        with open(os.path.join(private, "artifacts", "first", "command"), encoding="utf-8") as handle:
            expect(canary in handle.read(), "env/envvars no longer reaches artifacts/<ident>/command; "
                   "update the warning in docs/docsite/rst/awx_guide.rst")
        for tenant in tenants:
            host_vars = os.path.join(private, "inventory", "host_vars", tenant["company_id"])
            bootstrap = vaulted(os.path.join(host_vars, "bootstrap.vault.yml"), vault)
            stored = vaulted(os.path.join(host_vars, "connectwise.vault.yml"), vault)
            expect(stored.get("cw_integration_sophos_central_profile") == PROFILE and stored.get("cw_integration_sophos_central_private_key"),
                   "%s: the vault file holds no key for %s" % (tenant["company_id"], PROFILE))
            needles.update({
                "%s bootstrap private key" % tenant["company_id"]: bootstrap["cw_bootstrap_private_key"],
                "%s integrator password" % tenant["company_id"]: bootstrap["cw_integrator_password"],
                "%s generated private key" % tenant["company_id"]: stored["cw_integration_sophos_central_private_key"],
            })

        # -- the AWX credential type's injection: bootstrap key as extra variables ------------------------
        private = os.path.join(work, "injected")
        create_tenants(url, [{"company_id": "runner_injected", "members": 5, "integrator_login": True}], private, vault)
        host_vars = os.path.join(private, "inventory", "host_vars", "runner_injected")
        bootstrap = vaulted(os.path.join(host_vars, "bootstrap.vault.yml"), vault)
        os.remove(os.path.join(host_vars, "bootstrap.vault.yml"))
        lay_out(private, vault_password, {
            "integration_profile_name": PROFILE,
            "cw_bootstrap_public_key": bootstrap["cw_bootstrap_public_key"],
            "cw_bootstrap_private_key": bootstrap["cw_bootstrap_private_key"],
            "cw_client_id": "0d9f5c2e-7a41-4b6e-8c3d-2e1f0a9b8c7d",
        })
        try:
            output, stats = runner(private, "first", env)
        finally:
            # like AWX, which removes its private data directory after the job: no plaintext key stays behind
            os.remove(os.path.join(private, "env", "extravars"))
        outputs.append(output)
        expect(stats.get("changed", {}).get("runner_injected"), "the injected-credential run changed nothing")
        stored = vaulted(os.path.join(host_vars, "connectwise.vault.yml"), vault)
        needles.update({"injected bootstrap private key": bootstrap["cw_bootstrap_private_key"],
                        "injected generated private key": stored["cw_integration_sophos_central_private_key"]})
        expect(len(set(needles.values())) == len(needles), "two secrets are equal; the scan would prove less")

    leaks = []
    for private in ("vaulted", "injected"):
        leaks += [(path, label) for path, label in secrets_in(os.path.join(work, private), needles)
                  if not (os.path.basename(path) == "vault-pass" and label == "vault password")]
    leaks += [("ansible-runner output", label) for label, value in needles.items()
              if any(value in output for output in outputs)]
    expect(not leaks, "secrets found: %s" % ", ".join("%s in %s" % (label, path) for path, label in leaks))
    return len(needles)


def main():
    tree, work = tree_and_fresh_work(__doc__.splitlines()[0])
    installed = subprocess.run([os.path.join(BIN, "ansible-runner"), "--version"], text=True,
                               stdout=subprocess.PIPE, check=True).stdout.strip()
    if installed != ee_runner_pin():
        print("runner check: FAILED: ansible-runner %s is installed, execution-environment.yml pins %s"
              % (installed, ee_runner_pin()))
        return 1
    collections = build_and_install(tree, os.path.join(work, "galaxy"))
    try:
        scanned = check(work, collections)
    except CheckFailed as failure:
        print("runner check: FAILED: %s" % failure)
        return 1
    print("runner check: ansible-runner %s ran onboard from the installed artifact (vaulted host_vars twice, "
          "second run no change and no write; injected credential once); %d secrets absent from the private data "
          "directories and the output"
          % (installed, scanned))
    return 0


if __name__ == "__main__":
    sys.exit(main())
