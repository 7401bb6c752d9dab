"""Where a converged tenant's controller CPU goes, per task (figures, not tests).

Onboards N tenants, then re-runs the converged onboard with every Ansible worker process (one per task and host)
under cProfile, and prints per task: how many workers ran it, CPU seconds per tenant, and the shares spent
importing Python modules, templating (Jinja compilation included) and in the collection's own code. The profiler
slows everything down by a roughly constant factor: read the shares, not the absolute seconds.

Usage: python bench/bench_workers.py [--tenants 20]
"""

import argparse
import glob
import os
import pstats
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# pylint: disable=wrong-import-position
from bench_rollout import OUT, save, table  # noqa: E402
from harness import REPO, Lab, sync_tree  # noqa: E402

SITE = os.path.join(REPO, "bench", "worker_profile")
# (label, what a function's file name or function name contains); a function counts for the first that matches
PARTS = (("imports", ("importlib._bootstrap", "_collection_finder.py:", "(exec_module)")),
         ("templating", ("_templating/", "jinja2/")),
         ("collection", ("ansible_collections/msp/connectwise/",)))


def cumulative(stats, needles):
    """CPU seconds spent under the outermost functions whose location contains one of ``needles``."""
    entries = stats.stats  # {(file, line, name): (cc, nc, tt, ct, callers)}

    def matches(key):
        text = "%s:%d(%s)" % key
        return any(n in text for n in needles)
    total = 0.0
    for key, (dummy_cc, dummy_nc, dummy_tt, ct, callers) in entries.items():
        # outermost: no caller of it matches (recursive and nested calls are counted once)
        if matches(key) and not any(matches(caller) for caller in callers):
            total += ct
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=20)
    args = parser.parse_args()
    sync_tree()
    folder = os.path.join(OUT, "worker-profiles")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    with Lab(os.path.join(OUT, "work", "workers")) as lab:
        lab.add_tenants([{"company_id": "w%03d" % i, "members": 10, "integrator_login": True} for i in range(args.tenants)])
        fresh = lab.playbook("onboard")
        if fresh.returncode:
            raise SystemExit("bench: the fresh run failed\n%s" % fresh)
        run = lab.playbook("onboard", env={"CW_WORKER_PROFILE": folder, "PYTHONPATH": SITE})
        if run.returncode:
            raise SystemExit("bench: the profiled run failed\n%s" % run)
    by_task = {}
    for path in glob.glob(os.path.join(folder, "*.prof")):
        by_task.setdefault(os.path.basename(path).split("--", 1)[1][:-5], []).append(path)
    rows, data = [], []
    for task, paths in sorted(by_task.items(), key=lambda item: -len(item[1])):
        stats = pstats.Stats(*paths)
        total = stats.total_tt or 1e-9
        shares = [(label, cumulative(stats, needles) / total) for label, needles in PARTS]
        rows.append([task.replace("_", " ")[:60], len(paths), round(total / args.tenants, 3)]
                    + ["%.0f%%" % (100 * share) for dummy, share in shares])
        data.append({"task": task, "workers": len(paths), "cpu_s_per_tenant": total / args.tenants,
                     **dict(shares)})
    table("Converged re-run of %d tenants, every worker under cProfile (shares overlap: imports run collection code "
          "and templating runs filters)" % args.tenants,
          ["task", "workers", "CPU s/tenant (profiled)"] + [label for label, dummy in PARTS], rows)
    save("workers", {"tenants": args.tenants, "tasks": data})
    return 0


if __name__ == "__main__":
    sys.exit(main())
