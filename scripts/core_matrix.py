"""Run the unit and integration suites on every ansible-core line the collection claims.

Which lines: ``requires_ansible`` in ``meta/runtime.yml`` decides. A line is claimed when the pinned
version of ``requirements/core-<line>.txt`` satisfies it; the line of the project venv
(``requirements/dev.txt``) is claimed the same way but is covered by ``make units integration``
and is not run again here. A claimed line that runs on Python 3.11 but has no pinned file is an
error: the collection would claim something CI never tests.

Each extra line gets its own venv (``.work/core-<line>/venv``, rebuilt when its requirements file
changes) and its own copy of the tree (``.work/core-<line>/collections/ansible_collections/msp/
connectwise``), so its ``tests/output`` never mixes with the main line's. The integration suite is
``scripts/run_integration.py`` run by the project venv's Python (it starts the simulators from
there) with the line's ``ansible-test`` first on ``PATH``.

``--cores 2.17,2.18`` runs the named lines whatever ``requires_ansible`` says (to probe a line
before claiming it).
"""

import argparse
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time

import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(REPO, ".work")
TOOL_HOME = os.path.join(WORK, "home")
SUITES = ("units", "integration")
# ansible-core lines whose controller runs on Python 3.11 (2.20+ need 3.12; 2.16 and older are
# past their end of life and not offered).
PY311_LINES = ("2.17", "2.18", "2.19")


def pinned_core(requirements):
    with open(requirements, encoding="utf-8") as handle:
        match = re.search(r"^ansible-core==(\S+)", handle.read(), re.MULTILINE | re.IGNORECASE)
    if not match:
        raise SystemExit("%s does not pin ansible-core" % requirements)
    return match.group(1)


def known_lines():
    lines = {}
    for path in sorted(glob.glob(os.path.join(REPO, "requirements", "core-*.txt"))):
        lines[os.path.basename(path)[len("core-"):-len(".txt")]] = path
    return lines


def requires_ansible():
    with open(os.path.join(REPO, "meta", "runtime.yml"), encoding="utf-8") as handle:
        return SpecifierSet(yaml.safe_load(handle)["requires_ansible"])


def main_line():
    return ".".join(pinned_core(os.path.join(REPO, "requirements", "dev.txt")).split(".")[:2])


def claimed(spec, line, requirements=None):
    if requirements:
        return Version(pinned_core(requirements)) in spec
    return any(spec.contains(Version("%s.%d" % (line, patch))) for patch in range(0, 30))


def run(command, log, **kwargs):
    with open(log, "ab") as handle:
        handle.write(("\n$ %s\n" % " ".join(command)).encode())
        handle.flush()
        return subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT, check=False, **kwargs).returncode


def ensure_venv(line, requirements, log):
    venv = os.path.join(WORK, "core-%s" % line, "venv")
    stamp = os.path.join(venv, ".requirements.sha256")
    with open(requirements, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    if os.path.exists(stamp) and open(stamp, encoding="utf-8").read() == digest:
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    if run([sys.executable, "-m", "venv", venv], log) or run(
            [os.path.join(venv, "bin", "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "-r", requirements], log):
        raise SystemExit("core %s: building %s failed; see %s" % (line, venv, log))
    with open(stamp, "w", encoding="utf-8") as handle:
        handle.write(digest)
    return venv


def install_pip_bootstrap(venv):
    """ansible-test fetches a get-pip script from a host outside the registries; give it the offline one."""
    source = glob.glob(os.path.join(venv, "lib", "python*", "site-packages", "ansible_test", "_internal",
                                    "python_requirements.py"))[0]
    with open(source, encoding="utf-8") as handle:
        version = re.search(r"pip='([0-9.]+)'", handle.read()).group(1)
    cache = os.path.join(TOOL_HOME, ".ansible", "test", "cache")
    os.makedirs(cache, exist_ok=True)
    shutil.copy(os.path.join(REPO, "scripts", "get_pip_offline.py"),
                os.path.join(cache, "get_pip_%s.py" % version.replace(".", "_")))


def run_line(line, requirements, suites, log):
    venv = ensure_venv(line, requirements, log)
    install_pip_bootstrap(venv)
    tree = os.path.join(WORK, "core-%s" % line, "collections", "ansible_collections", "msp", "connectwise")
    if run([sys.executable, os.path.join(REPO, "scripts", "sync_collection_tree.py"), tree], log, cwd=REPO):
        raise SystemExit("core %s: syncing the tree failed; see %s" % (line, log))
    env = dict(os.environ, HOME=TOOL_HOME, PATH=os.path.join(venv, "bin") + os.pathsep + os.environ["PATH"],
               ANSIBLE_NOCOLOR="1")
    results = []
    for suite in suites:
        started = time.monotonic()
        if suite == "units":
            rc = run(["ansible-test", "units", "--python", "3.11", "--venv", "--color", "no"], log, cwd=tree, env=env)
        else:
            rc = run([sys.executable, os.path.join(REPO, "scripts", "run_integration.py"), "--tree", tree], log, env=env)
        results.append((suite, rc, time.monotonic() - started))
    return pinned_core(requirements), results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", help="comma-separated lines to run regardless of requires_ansible (e.g. 2.17,2.18)")
    parser.add_argument("--suites", default=",".join(SUITES), help="comma-separated subset of: units,integration")
    args = parser.parse_args()
    suites = [s for s in args.suites.split(",") if s]
    unknown = set(suites) - set(SUITES)
    if unknown:
        parser.error("unknown suite(s): %s" % ", ".join(sorted(unknown)))

    lines = known_lines()
    main = main_line()
    spec = requires_ansible()
    if args.cores:
        wanted = [c.strip() for c in args.cores.split(",") if c.strip()]
        missing = [c for c in wanted if c not in lines]
        if missing:
            parser.error("no requirements/core-<line>.txt for: %s" % ", ".join(missing))
    else:
        untested = [ln for ln in PY311_LINES if ln != main and ln not in lines and claimed(spec, ln)]
        if untested:
            print("requires_ansible %r claims ansible-core %s, which no requirements/core-<line>.txt pins: "
                  "CI would not test what the collection claims" % (str(spec), ", ".join(untested)))
            return 1
        wanted = [ln for ln in sorted(lines, key=Version) if claimed(spec, ln, lines[ln])]
        print("requires_ansible %r: ansible-core %s is the project venv's line (make units integration); "
              "extra lines claimed: %s" % (str(spec), main, ", ".join(wanted) or "none"))
        skipped = [ln for ln in sorted(lines, key=Version) if ln not in wanted]
        if skipped:
            print("pinned but not claimed, so not run (probe with --cores): %s" % ", ".join(skipped))

    os.makedirs(WORK, exist_ok=True)
    failed = 0
    total = time.monotonic()
    for line in wanted:
        log = os.path.join(WORK, "core-%s" % line, "matrix.log")
        os.makedirs(os.path.dirname(log), exist_ok=True)
        open(log, "w").close()
        version, results = run_line(line, lines[line], suites, log)
        words = ["%s %s (%.0f s)" % (suite, "passed" if rc == 0 else "FAILED rc=%d" % rc, secs)
                 for suite, rc, secs in results]
        line_failed = sum(1 for result in results if result[1])
        failed += line_failed
        print("ansible-core %s: %s%s" % (version, ", ".join(words), "; log: %s" % log if line_failed else ""))
    if not wanted:
        print("matrix: no ansible-core line beyond the project venv's is claimed, so there is nothing more to run")
        return 0
    ran = len(suites) * len(wanted)
    print("core matrix took %.0f s" % (time.monotonic() - total))
    print("matrix: %d passed, %d failed" % (ran - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
