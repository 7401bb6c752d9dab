"""The README demo: onboard several simulated ConnectWise tenants for Sophos Central (one of them for Hudu too), twice.

1. start the simulator and create tenants through its operator API (bootstrap keys travel over
   loopback HTTP only; the simulator keeps hashes of them);
2. write an inventory whose bootstrap credentials are vault-encrypted, with a random vault
   password in a 0600 file;
3. run the onboard playbook, then run it again and show that nothing changed and no write
   request reached any tenant;
4. show one tenant's vault file decrypted with ansible-vault, and print the audit table.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

from sim_inventory import create_tenants, new_vault_password, operator
from simulator_process import running_simulator

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TENANTS = [
    {"company_id": "northwind", "members": 25, "integrator_login": True},
    {"company_id": "contoso", "members": 250, "integrator_login": True},
    {"company_id": "fabrikam", "members": 10, "integrator_login": False},
]


def banner(text):
    print("\n\033[1m== %s ==\033[0m" % text, flush=True)


def playbook(work, name, *extra):
    command = ["ansible-playbook", "-i", os.path.join(work, "inventory"), "--vault-password-file",
               os.path.join(work, "vault-password"), os.path.join(REPO, "playbooks", name + ".yml")] + list(extra)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, ".work", "collections"),
               ANSIBLE_FORCE_COLOR="0", ANSIBLE_RETRY_FILES_ENABLED="0")
    completed = subprocess.run(command, cwd=work, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    print(completed.stdout, end="")
    if completed.returncode:
        raise SystemExit("demo: ansible-playbook %s failed with exit code %d" % (name, completed.returncode))
    return completed.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", required=True, help="scratch directory for the demo inventory and vault files")
    args = parser.parse_args()
    work = os.path.abspath(args.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work, mode=0o700)
    subprocess.run([sys.executable, os.path.join(REPO, "scripts", "sync_collection_tree.py"),
                    os.path.join(REPO, ".work", "collections", "ansible_collections", "msp", "connectwise")], check=True)

    vault = new_vault_password(work)

    with running_simulator("--surface", "extended", log_path=os.path.join(work, "simulator.log")) as url:
        banner("simulator at %s: creating %d tenants" % (url, len(TENANTS)))
        # fabrikam lost its integrator login: the role recreates it (Sophos requires one) with the password
        # kept in each tenant's bootstrap vault file.
        create_tenants(url, TENANTS, work, vault, group_vars={"integration_integrator_login": "ensure",
                                                              "integration_integrator_username": "integrator"})
        # the first tenant runs two vendor integrations side by side, each with its own member, role, key and
        # vault entries
        first = TENANTS[0]["company_id"]
        with open(os.path.join(work, "inventory", "host_vars", first, "integrations.yml"), "w", encoding="utf-8") as handle:
            handle.write("cw_integrations: [sophos_central, hudu]\n")
        for tenant in TENANTS:
            print("  %-10s members=%-5d integrator login=%s" % (tenant["company_id"], tenant["members"], "yes" if tenant["integrator_login"] else "no"))

        banner("first run: onboard every tenant for Sophos Central (%s for Hudu too)" % first)
        playbook(work, "onboard")
        operator(url, "POST", "/_sim/stats/reset")

        banner("second run: converged tenants must not change")
        output = playbook(work, "onboard")
        stats = operator(url, "GET", "/_sim/stats")
        writes = {name: tenant_stats["writes"] for name, tenant_stats in stats.items()}
        changed = [int(n) for n in re.findall(r"changed=(\d+)", output)]
        print("write requests per tenant during the second run: %s" % writes)
        if any(changed) or any(writes.values()):
            raise SystemExit("demo: the second run changed something (changed=%s, writes=%s)" % (changed, writes))

        banner("the vault file of %s (both integrations' entries), decrypted with ansible-vault view" % first)
        vault_file = os.path.join(work, "inventory", "host_vars", first, "connectwise.vault.yml")
        print("$ head -1 %s" % os.path.relpath(vault_file, work))
        with open(vault_file, encoding="utf-8") as handle:
            print(handle.readline(), end="")
        subprocess.run(["ansible-vault", "view", "--vault-password-file", os.path.join(work, "vault-password"), vault_file], check=True)

        banner("audit: read-only drift check across tenants")
        playbook(work, "audit", "-e", "cw_audit_report_dir=%s" % work)
    banner("demo finished; inventory and vault files are in %s" % work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
