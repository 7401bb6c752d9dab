"""Create the execution environment's build context and check that it holds what the image needs.

There is no container engine in CI, so this stops at ``ansible-builder create`` (which writes the
Containerfile and the ``_build`` directory) and then checks that context: the collection artifact
built from this checkout, the collection's Python and system requirements, the Galaxy
requirements that install the artifact, and the ansible-core pin of ``requirements/dev.txt``.
With an engine, ``podman build -t msp-connectwise-ee <work>/context`` builds the image from it.
"""

import argparse
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
ARTIFACT = os.path.join(REPO, ".work", "ee", "dist", "msp-connectwise.tar.gz")  # named in execution-environment.yml


def run(command, **kwargs):
    print("$ %s" % " ".join(command), flush=True)
    if subprocess.run(command, check=False, **kwargs).returncode:
        raise SystemExit("ee: FAILED: %s exited non-zero" % " ".join(command[:2]))


def builder_venv(work):
    requirements = os.path.join(REPO, "requirements", "ee.txt")
    venv = os.path.join(work, "venv")
    stamp = os.path.join(venv, ".requirements.sha256")
    with open(requirements, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    if not (os.path.exists(stamp) and open(stamp, encoding="utf-8").read() == digest):
        shutil.rmtree(venv, ignore_errors=True)
        run([sys.executable, "-m", "venv", venv])
        run([os.path.join(venv, "bin", "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "-r", requirements])
        with open(stamp, "w", encoding="utf-8") as handle:
            handle.write(digest)
    return os.path.join(venv, "bin", "ansible-builder")


def build_artifact(work):
    tree = os.path.join(work, "collections", "ansible_collections", "msp", "connectwise")
    run([sys.executable, os.path.join(REPO, "scripts", "sync_collection_tree.py"), tree], cwd=REPO)
    dist = os.path.dirname(ARTIFACT)
    shutil.rmtree(dist, ignore_errors=True)
    os.makedirs(dist)
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--force", "--output-path", dist], cwd=tree)
    built = glob.glob(os.path.join(dist, "msp-connectwise-*.tar.gz"))
    if len(built) != 1:
        raise SystemExit("ee: FAILED: expected one artifact in %s, found %s" % (dist, built))
    os.replace(built[0], ARTIFACT)
    return os.path.basename(built[0])


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def check_context(context, galaxy):
    """Return a list of problems (empty when the context is complete)."""
    problems = []
    build = os.path.join(context, "_build")
    containerfile = next((p for p in (os.path.join(context, n) for n in ("Containerfile", "Dockerfile"))
                          if os.path.exists(p)), None)
    if not containerfile:
        return ["no Containerfile in %s" % context]
    text = read(containerfile)
    for name in ("requirements.txt", "bindep.txt"):
        copied = os.path.join(build, name)
        if not os.path.exists(copied):
            problems.append("_build/%s is missing" % name)
        elif read(copied).split() != read(os.path.join(REPO, name)).split():
            problems.append("_build/%s differs from the collection's %s" % (name, name))
    if yaml.safe_load(read(os.path.join(build, "requirements.yml"))) != \
            yaml.safe_load(read(os.path.join(REPO, "requirements", "ee-collections.yml"))):
        problems.append("_build/requirements.yml differs from requirements/ee-collections.yml")
    core = re.search(r"^ansible-core==(\S+)", read(os.path.join(REPO, "requirements", "dev.txt")), re.M).group(1)
    if 'ANSIBLE_INSTALL_REFS="ansible-core==%s ' % core not in text:
        problems.append("the image does not install ansible-core %s (the tested pin of requirements/dev.txt)" % core)
    for needle in ("ansible-galaxy collection install", "introspect.py introspect", "install-from-bindep"):
        if needle not in text:
            problems.append("%s does not run %r" % (os.path.basename(containerfile), needle))
    artifact = os.path.join(build, "collections", os.path.basename(ARTIFACT))
    if not os.path.exists(artifact):
        return problems + ["the collection artifact is not in _build/collections/"]
    with tarfile.open(artifact) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("MANIFEST.json"))["collection_info"]
    if (manifest["namespace"], manifest["name"], manifest["version"]) != \
            (galaxy["namespace"], galaxy["name"], galaxy["version"]):
        problems.append("artifact is %(namespace)s.%(name)s %(version)s, galaxy.yml says otherwise" % manifest)
    # ansible-builder's introspection reads these from the installed collection at build time.
    for name in ("requirements.txt", "bindep.txt", "meta/runtime.yml", "playbooks/onboard.yml"):
        if name not in names:
            problems.append("the artifact lacks %s" % name)
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", required=True, help="scratch directory; the context lands in <work>/context")
    args = parser.parse_args()
    work = os.path.abspath(args.work)
    started = time.monotonic()
    ansible_builder = builder_venv(work)
    built = build_artifact(work)
    context = os.path.join(work, "context")
    shutil.rmtree(context, ignore_errors=True)
    run([ansible_builder, "create", "--file", "execution-environment.yml", "--context", context,
         "--output-filename", "Containerfile"], cwd=REPO)
    galaxy = yaml.safe_load(read(os.path.join(REPO, "galaxy.yml")))
    problems = check_context(context, galaxy)
    for problem in problems:
        print("ee: FAILED: %s" % problem)
    if problems:
        return 1
    print("ee: build context OK in %s (%s, requirements.txt, bindep.txt, ansible-core pin) in %.0f s"
          % (context, built, time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
