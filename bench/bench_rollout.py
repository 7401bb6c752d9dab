"""Benchmarks of the onboard playbook against the simulator (figures, not tests).

Scenarios (each prints a table and writes JSON under .work/bench/):

* rollout   - 1, 10 and 100 tenants (and 100 tenants x 3 integrations): wall time, module tasks, HTTP requests per tenant (reads/writes, from the
              simulator's counters plus the unauthenticated companyinfo calls from its access log), fresh and re-run
* members   - requests per tenant for a tenant with 10 members and one with 10,000 (server-side conditions)
* inprocess - per-task cost of a module task run in-process on the controller versus shipped as a module
* ratelimit - a tenant limited to 10 requests per 10 s (60 per minute, 429 + Retry-After) converges; the run time
              is compared with what the limit allows

Usage: python bench/bench_rollout.py [--only rollout,members,inprocess,ratelimit] [--sizes 1,10,100] [--multi-sizes 100]
       [--forks 8]
"""

import argparse
import json
import math
import os
import resource
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# pylint: disable=wrong-import-position
from harness import REPO, Lab, sync_tree  # noqa: E402

OUT = os.path.join(REPO, ".work", "bench")
RERUN_GOAL = 8


def per_tenant(stats, companies):
    rows = [stats.get(c.lower(), {"reads": 0, "writes": 0, "total": 0}) for c in companies]
    reads = [r["reads"] for r in rows]
    writes = [r["writes"] for r in rows]
    return {"reads_mean": statistics.mean(reads), "reads_max": max(reads), "writes_mean": statistics.mean(writes),
            "writes_max": max(writes), "total_max": max(r + w for r, w in zip(reads, writes)),
            "total_mean": statistics.mean(r + w for r, w in zip(reads, writes))}


def measured_run(lab, companies, *extra):
    lab.reset_stats()
    run = lab.playbook("onboard", *extra)
    if run.returncode:
        raise SystemExit("bench: onboard failed\n%s" % run)
    stats = lab.stats()
    failed = sum(v.get("failed", 0) for v in run.recap.values())
    changed = sum(v.get("changed", 0) for v in run.recap.values())
    return dict(wall_s=round(run.wall, 2), module_tasks=run.module_tasks(), changed=changed, failed=failed,
                **{k: round(v, 2) for k, v in per_tenant(stats, companies).items()}), stats


def children_cpu_s():
    """User + system CPU seconds of every child process waited for so far (ansible-playbook and its workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cell(values, digits=2):
    """min / median of a figure's runs."""
    return "%s / %s" % (round(min(values), digits), round(statistics.median(values), digits))


def table(title, header, rows):
    print("\n%s" % title)
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(header)]
    line = "  ".join("%%-%ds" % w for w in widths)
    print(line % tuple(header))
    print(line % tuple("-" * w for w in widths))
    for row in rows:
        print(line % tuple(row))


def save(name, data):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name + ".json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
    print("(written to %s)" % os.path.relpath(path, REPO))


MULTI = ["sophos_central", "hudu", "datto_rmm"]


def rollout(sizes, forks, multi_sizes=()):
    results = []
    for size, integrations in [(size, 1) for size in sizes] + [(size, len(MULTI)) for size in multi_sizes]:
        with Lab(os.path.join(OUT, "work", "rollout-%d-%d" % (size, integrations))) as lab:
            # several integrations per tenant: the tenant's cw_integrations list, as a user declares it
            group_vars = {"cw_integrations": MULTI} if integrations > 1 else None
            companies = lab.add_tenants([{"company_id": "t%03d" % i, "members": 10, "integrator_login": True} for i in range(size)],
                                        group_vars=group_vars)
            fresh, _stats = measured_run(lab, companies, "--forks", str(forks))
            rerun, _stats = measured_run(lab, companies, "--forks", str(forks))
        for kind, data in (("fresh", fresh), ("re-run", rerun)):
            results.append(dict(tenants=size, integrations=integrations, run=kind, forks=forks, **data))
    table("Rollout with the onboard playbook (forks=%d; requests are per tenant)" % forks,
          ["tenants", "integrations", "run", "wall s", "s/tenant", "module tasks", "changed", "reads/tenant", "writes/tenant",
           "max req/tenant"],
          [[r["tenants"], r["integrations"], r["run"], r["wall_s"], round(r["wall_s"] / r["tenants"], 2), r["module_tasks"],
            r["changed"], r["reads_mean"], r["writes_mean"], r["total_max"]] for r in results])
    reruns = [r for r in results if r["run"] == "re-run"]
    goal = all(r["total_max"] <= RERUN_GOAL * r["integrations"] and r["writes_max"] == 0 and r["changed"] == 0 for r in reruns)
    print("goal: a converged re-run sends at most %d requests per tenant and integration and no write: %s"
          % (RERUN_GOAL, "met" if goal else "NOT met"))
    save("rollout", {"results": results, "rerun_goal_met": goal})
    return goal


def members():
    with Lab(os.path.join(OUT, "work", "members")) as lab:
        companies = lab.add_tenants([{"company_id": "small", "members": 10, "integrator_login": True},
                                     {"company_id": "large", "members": 10000, "integrator_login": True}])
        results = []
        for kind in ("fresh", "re-run"):
            lab.reset_stats()
            run = lab.playbook("onboard")
            if run.returncode:
                raise SystemExit("bench: onboard failed\n%s" % run)
            stats = lab.stats()
            for company in companies:
                row = stats[company]
                results.append({"tenant": company, "members": 10 if company == "small" else 10000, "run": kind, "reads": row["reads"],
                                "writes": row["writes"], "total": row["total"], "by_route": row["by_route"]})
    table("Requests per tenant do not grow with the number of members",
          ["tenant", "members", "run", "reads", "writes", "total"],
          [[r["tenant"], r["members"], r["run"], r["reads"], r["writes"], r["total"]] for r in results])
    same = all(a["total"] == b["total"] for a, b in zip(results[0::2], results[1::2]))
    print("goal: same request count for 10 and 10,000 members: %s" % ("met" if same else "NOT met"))
    save("members", {"results": results, "same_count": same})
    return same


def inprocess(tasks=20):
    with Lab(os.path.join(OUT, "work", "inprocess")) as lab:
        lab.add_tenants([{"company_id": "cost", "members": 10}])
        playbook = os.path.join(REPO, "bench", "playbooks", "module_cost.yml")
        walls = {}
        for mode in ("true", "false"):
            for count in (0, tasks):
                runs = []
                for _repeat in range(2):
                    run = lab.playbook(playbook, "-e", "cw_bench_tasks=%d" % count, "-e", "msp_connectwise_in_process=%s" % mode)
                    if run.returncode:
                        raise SystemExit("bench: module_cost failed\n%s" % run)
                    runs.append(run.wall)
                walls[(mode, count)] = min(runs)
    rows = []
    data = {}
    for mode, label in (("true", "in-process (connection local)"), ("false", "shipped (msp_connectwise_in_process: false)")):
        per_task = (walls[(mode, tasks)] - walls[(mode, 0)]) / tasks
        data[label] = {"per_task_s": round(per_task, 3), "wall_0_s": round(walls[(mode, 0)], 2), "wall_n_s": round(walls[(mode, tasks)], 2)}
        rows.append([label, tasks, round(walls[(mode, 0)], 2), round(walls[(mode, tasks)], 2), round(per_task * 1000)])
    table("Per-task cost of a module task (cw_api_member_info, best of 2)", ["mode", "tasks", "wall 0 tasks s", "wall s", "ms/task"], rows)
    ratio = data[rows[1][0]]["per_task_s"] / max(data[rows[0][0]]["per_task_s"], 0.001)
    print("shipping costs %.1fx the in-process task" % ratio)
    save("inprocess", {"tasks": tasks, "results": data, "ratio": round(ratio, 1)})
    return True


def ratelimit(limit=10, window=10.0):
    with Lab(os.path.join(OUT, "work", "ratelimit")) as lab:
        companies = lab.add_tenants([{"company_id": "limited", "members": 10, "integrator_login": True}])
        results = []
        for kind in ("fresh", "re-run"):
            # a new fault spec opens a new window, so each run starts with the full allowance
            lab.faults("limited", rate_limit={"requests": limit, "window": window})
            data, stats = measured_run(lab, companies)
            row = stats["limited"]
            api = row["total"] - row.get("companyinfo", 0)
            served = api - row["by_status"].get("429", 0)
            # the first window opens with the first request; every further full window is waiting the limit imposes
            floor = math.ceil(served / float(limit) - 1) * window if served > limit else 0.0
            results.append(dict(run=kind, api_requests=api, answered_429=row["by_status"].get("429", 0), served=served,
                                limit_floor_s=floor, **data))
        lab.faults("limited")
        unlimited, _stats = measured_run(lab, companies)
    table("Rate-limited tenant: %d requests per %g s (= %d/min), 429 + Retry-After" % (limit, window, limit * 60 / window),
          ["run", "wall s", "changed", "API requests", "429s", "served", "limit allows >= s", "writes"],
          [[r["run"], r["wall_s"], r["changed"], r["api_requests"], r["answered_429"], r["served"], r["limit_floor_s"], r["writes_mean"]]
           for r in results])
    print("re-run without the limit for comparison: %.2f s" % unlimited["wall_s"])
    converged = results[1]["changed"] == 0 and results[1]["writes_max"] == 0
    print("the limited tenant converged (re-run changed nothing): %s" % ("yes" if converged else "NO"))
    save("ratelimit", {"limit": limit, "window_s": window, "results": results, "unlimited_rerun_s": unlimited["wall_s"], "converged": converged})
    return converged


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="rollout,members,inprocess,ratelimit")
    parser.add_argument("--sizes", default="1,10,100")
    parser.add_argument("--multi-sizes", default="100", help="tenant counts also rolled out with 3 integrations per tenant")
    parser.add_argument("--forks", type=int, default=8, help="ansible forks for the rollout (the controller has 2 cores)")
    args = parser.parse_args()
    sync_tree()
    wanted = args.only.split(",")
    ok = True
    if "rollout" in wanted:
        ok = rollout([int(s) for s in args.sizes.split(",")], args.forks,
                     [int(s) for s in args.multi_sizes.split(",") if s]) and ok
    if "members" in wanted:
        ok = members() and ok
    if "inprocess" in wanted:
        ok = inprocess() and ok
    if "ratelimit" in wanted:
        ok = ratelimit() and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
