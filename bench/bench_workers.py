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
# (label, file name part, function name): CPU under that function, which cProfile counts once however deeply it
# recurses; the task's own action plugin is any plugins/action/<name>.py but ActionBase
PARTS = (("templating the task", "ansible/playbook/task.py", "post_validate"),
         ("running the action", "/plugins/action/", "run"),
         ("importing modules", "importlib._bootstrap>", "_find_and_load"))


def under(stats, file_part, function):
    return sum(row[3] for (path, dummy, name), row in stats.stats.items()
               if file_part in path and name == function and not path.endswith("action/__init__.py"))


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
        stats = None
        for path in paths:
            try:
                stats = pstats.Stats(path) if stats is None else stats.add(path)
            except (EOFError, ValueError):
                # a worker that ended before its profile was written out (one per run at most)
                paths = [other for other in paths if other != path]
        if stats is None:
            continue
        total = stats.total_tt or 1e-9
        shares = [(label, under(stats, file_part, function) / total) for label, file_part, function in PARTS]
        rows.append([task.replace("_", " ")[:60], len(paths), round(total / args.tenants, 3)]
                    + ["%.0f%%" % (100 * share) for dummy, share in shares])
        data.append({"task": task, "workers": len(paths), "cpu_s_per_tenant": total / args.tenants,
                     **dict(shares)})
    table("Converged re-run of %d tenants, every worker under cProfile (imports happen while templating or in the "
          "action, so the last column overlaps the others)" % args.tenants,
          ["task", "workers", "CPU s/tenant (profiled)"] + [label for label, dummy, dummy in PARTS], rows)
    save("workers", {"tenants": args.tenants, "tasks": data})
    return 0


if __name__ == "__main__":
    sys.exit(main())
