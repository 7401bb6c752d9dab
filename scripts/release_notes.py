"""Preview the release notes of the coming release without touching the repository.

``antsibull-changelog release`` turns the fragments in ``changelogs/fragments`` into a release
section of ``changelogs/changelog.yaml`` and ``CHANGELOG.rst`` and deletes the fragments. Doing that
is the release step itself (see docs/docsite/rst/release_process.rst); this script runs the same
command on a throw-away copy of the collection, so anyone can see what the release section will
say and catch a badly worded fragment before it is frozen.
"""

import argparse
import os
import shutil
import subprocess
import sys

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", required=True, help="scratch directory; the preview lands in <work>/CHANGELOG.rst")
    parser.add_argument("--version", help="release version (default: version in galaxy.yml)")
    args = parser.parse_args()
    work = os.path.abspath(args.work)
    with open(os.path.join(REPO, "galaxy.yml"), encoding="utf-8") as handle:
        version = args.version or yaml.safe_load(handle)["version"]

    collections = os.path.join(work, "collections")
    tree = os.path.join(collections, "ansible_collections", "msp", "connectwise")
    shutil.rmtree(collections, ignore_errors=True)
    subprocess.run([sys.executable, os.path.join(REPO, "scripts", "sync_collection_tree.py"), tree], cwd=REPO, check=True)
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ["PATH"], ANSIBLE_COLLECTIONS_PATH=collections,
               ANSIBLE_NOCOLOR="1")
    for command in (["antsibull-changelog", "lint"], ["antsibull-changelog", "release", "--version", version]):
        if subprocess.run(command, cwd=tree, env=env, check=False).returncode:
            print("release-notes: FAILED: %s" % " ".join(command))
            return 1
    preview = os.path.join(work, "CHANGELOG.rst")
    shutil.copy(os.path.join(tree, "CHANGELOG.rst"), preview)
    with open(preview, encoding="utf-8") as handle:
        sys.stdout.write(handle.read())
    print("\nrelease-notes: preview of %s written to %s (the repository is unchanged)" % (version, preview))
    return 0


if __name__ == "__main__":
    sys.exit(main())
