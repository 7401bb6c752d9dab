"""Build the Galaxy artifact, install it, and run the onboard playbook from the installed copy.

This is what a user of the published collection gets, so the run uses only the installed copy
(ANSIBLE_COLLECTIONS_PATH points at it alone) against a fresh simulator tenant.
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tarfile

from sim_inventory import create_tenants, new_vault_password
from simulator_process import running_simulator

# Never part of the artifact: development scaffolding and tool scratch.
FORBIDDEN_IN_ARTIFACT = ("simulator/", "scripts/", ".venv/", ".work/", "tests/output/", ".ci/", "collections/", ".git/")


def run(command, **kwargs):
    print("$ " + " ".join(command), flush=True)
    subprocess.run(command, check=True, **kwargs)


def build_and_install(tree, work):
    """Build the artifact from ``tree``, refuse development files in it, install it under ``work/installed``.

    Returns the collections path that holds only the installed copy.
    """
    run(["ansible-galaxy", "collection", "build", "--force", "--output-path", os.path.join(work, "build")], cwd=tree)
    artifact = glob.glob(os.path.join(work, "build", "msp-connectwise-*.tar.gz"))[0]
    with tarfile.open(artifact) as archive:
        stray = [name for name in archive.getnames() if name.startswith(FORBIDDEN_IN_ARTIFACT)]
    if stray:
        raise SystemExit("galaxy check: the artifact contains development files: %s" % ", ".join(sorted(stray)[:10]))
    installed = os.path.join(work, "installed")
    run(["ansible-galaxy", "collection", "install", "--force", "-p", installed, artifact])
    return installed


def tree_and_fresh_work(description):
    """Parse --tree (the collection copy to build from) and --work; empty the work directory (0700)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--tree", required=True, help="the collection copy to build from")
    parser.add_argument("--work", required=True, help="scratch directory")
    args = parser.parse_args()
    work = os.path.abspath(args.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work, mode=0o700)
    return args.tree, work


def main():
    tree, work = tree_and_fresh_work(__doc__.splitlines()[0])
    installed = build_and_install(tree, work)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=installed, ANSIBLE_RETRY_FILES_ENABLED="0")
    run(["ansible-doc", "-l", "msp.connectwise"], env=env)
    vault = new_vault_password(work)
    with running_simulator("--surface", "extended", log_path=os.path.join(work, "simulator.log")) as url:
        inventory = create_tenants(url, [{"company_id": "galaxycheck", "members": 5, "integrator_login": True}], work, vault)
        run(["ansible-playbook", "-i", inventory, "--vault-password-file", os.path.join(work, "vault-password"),
             "msp.connectwise.onboard"], cwd=work, env=env)
    print("galaxy check: the built artifact installs and its onboard playbook runs from the installed copy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
