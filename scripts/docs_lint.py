"""Check the collection's documentation: every plugin and role renders with ansible-doc, and
``antsibull-docs lint-collection-docs`` passes (plugin docs, semantic markup, extra docs).

Runs on a copy of the tree (``<work>/collections/ansible_collections/msp/connectwise``) so that
ansible-doc sees exactly this checkout.
"""

import argparse
import glob
import json
import os
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
COLLECTION = "msp.connectwise"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", required=True, help="scratch directory for the tree copy")
    args = parser.parse_args()
    started = time.monotonic()
    collections = os.path.join(os.path.abspath(args.work), "collections")
    tree = os.path.join(collections, "ansible_collections", "msp", "connectwise")
    subprocess.run([sys.executable, os.path.join(REPO, "scripts", "sync_collection_tree.py"), tree], cwd=REPO, check=True)
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ["PATH"], ANSIBLE_COLLECTIONS_PATH=collections,
               ANSIBLE_NOCOLOR="1", ANSIBLE_DEPRECATION_WARNINGS="1")
    problems = []

    # What the tree holds, so a plugin that ansible-doc cannot even list is noticed too.
    expected = {
        "module": sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(tree, "plugins", "modules", "*.py"))
                         if not p.endswith("__init__.py")),
        "filter": sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(tree, "plugins", "filter", "*.yml"))),
        "role": sorted(os.path.basename(os.path.dirname(os.path.dirname(p)))
                       for p in glob.glob(os.path.join(tree, "roles", "*", "meta", "argument_specs.yml"))),
    }
    missing_specs = sorted(set(os.listdir(os.path.join(tree, "roles"))) - set(expected["role"])) \
        if os.path.isdir(os.path.join(tree, "roles")) else []
    problems += ["role %s has no meta/argument_specs.yml, so ansible-doc cannot document it" % r for r in missing_specs]
    counts = {}
    for kind, names in expected.items():
        listed = subprocess.run(["ansible-doc", "-t", kind, "-l", COLLECTION, "-j"], env=env, cwd=tree,
                                capture_output=True, text=True, check=False)
        found = json.loads(listed.stdout or "{}") if listed.returncode == 0 else {}
        short = {name.split(".")[-1].split(",")[0] for name in found}
        problems += ["ansible-doc -t %s -l does not list %s.%s" % (kind, COLLECTION, n) for n in names if n not in short]
        for name in names:
            shown = subprocess.run(["ansible-doc", "-t", kind, "%s.%s" % (COLLECTION, name)], env=env, cwd=tree,
                                   capture_output=True, text=True, check=False)
            noise = [line for line in shown.stderr.splitlines() if "WARNING" in line or "ERROR" in line]
            if shown.returncode or noise or not shown.stdout.strip():
                details = " | ".join(noise) or shown.stderr.strip()[:300]
                problems.append("ansible-doc -t %s %s.%s: rc=%d %s" % (kind, COLLECTION, name, shown.returncode, details))
        counts[kind] = len(names)

    lint = subprocess.run(["antsibull-docs", "lint-collection-docs", "--plugin-docs", "--check-extra-docs-refs",
                           "--validate-collection-refs", "self", "--disallow-unknown-collection-refs", "."],
                          env=env, cwd=tree, check=False)
    if lint.returncode:
        problems.append("antsibull-docs lint-collection-docs found problems (listed above)")
    for problem in problems:
        print("docs-lint: FAILED: %s" % problem)
    print("docs-lint: %d modules, %d filters, %d roles rendered with ansible-doc; antsibull-docs lint %s (%.0f s)"
          % (counts["module"], counts["filter"], counts["role"], "failed" if lint.returncode else "passed",
             time.monotonic() - started))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
