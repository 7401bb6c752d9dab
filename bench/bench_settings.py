"""What a user can set to make a converged re-run faster, measured (figures, not tests).

Onboards N tenants once, then re-runs the converged onboard playbook under each setting a user controls from the
command line or ansible.cfg - forks, hiding skipped hosts in the output, the controller's poll interval -
interleaved over the runs so that the noise of a shared machine spreads over all of them. The same is
repeated with every tenant answering each request after a delay (the simulator's latency_ms fault), which is what a
cloud-hosted ConnectWise adds and where forks matter. Each row also says whether the run summary counted every
tenant's integration: a setting that makes the run faster but the summary incomplete is no help. (The strategy is
not among the settings: the playbooks keep the linear one, see tests/reliability/test_user_settings.py.)

Usage: python bench/bench_settings.py [--tenants 100] [--runs 2] [--latency-ms 0,100]
"""

import argparse
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# pylint: disable=wrong-import-position
from bench_rollout import OUT, cell, children_cpu_s, per_tenant, save, table  # noqa: E402
from harness import Lab, sync_tree  # noqa: E402

# (label, extra ansible-playbook arguments, environment): each is what a user would set, nothing else changes
SETTINGS = (
    ("forks 4", ["--forks", "4"], {}),
    ("forks 8", ["--forks", "8"], {}),
    ("forks 16", ["--forks", "16"], {}),
    ("forks 32", ["--forks", "32"], {}),
    # hiding ok hosts too would hide the run summary, which is an ok result
    ("forks 8, skipped hosts hidden", ["--forks", "8"], {"ANSIBLE_DISPLAY_SKIPPED_HOSTS": "false"}),
    ("forks 8, poll interval 0.01 s", ["--forks", "8"], {"ANSIBLE_INTERNAL_POLL_INTERVAL": "0.01"}),
)
SUMMARY = re.compile(r"(\d+) tenant\(s\), (\d+) integration run\(s\): (\d+) unchanged")


def converged_run(lab, companies, arguments, environment):
    """One re-run: wall s, controller CPU s per tenant, requests per tenant and the run summary's counts."""
    lab.reset_stats()
    before = children_cpu_s()
    run = lab.playbook("onboard", *arguments, env=environment)
    cpu = children_cpu_s() - before
    if run.returncode:
        raise SystemExit("bench: onboard failed\n%s" % run)
    summary = SUMMARY.search(run.output)
    changed = sum(v.get("changed", 0) for v in run.recap.values())
    return dict(wall_s=run.wall, cpu_per_tenant_s=cpu / len(companies), changed=changed,
                unchanged_in_summary=int(summary.group(3)) if summary else None, **per_tenant(lab.stats(), companies))


def summarised(row):
    """The fewest unchanged integrations a run summary of the row counted, of its tenants ("none" when not printed)."""
    counts = row["unchanged_in_summary"]
    return "none printed" if None in counts else "%d of %d" % (min(counts), row["tenants"])


def one_latency(tenants, runs, latency_ms):
    work = os.path.join(OUT, "work", "settings-%d" % latency_ms)
    with Lab(work) as lab:
        companies = lab.add_tenants([{"company_id": "t%03d" % i, "members": 10, "integrator_login": True} for i in range(tenants)])
        fresh = lab.playbook("onboard", "--forks", "8")
        if fresh.returncode:
            raise SystemExit("bench: the fresh onboard failed\n%s" % fresh)
        for company in companies:
            lab.faults(company, latency_ms=latency_ms)
        figures = {label: [] for label, _args, _env in SETTINGS}
        for rep in range(runs):
            for label, arguments, environment in SETTINGS:
                print("bench: %d tenants, latency %d ms, run %d/%d, %s" % (tenants, latency_ms, rep + 1, runs, label), flush=True)
                figures[label].append(converged_run(lab, companies, arguments, environment))
    return [{"latency_ms": latency_ms, "tenants": tenants, "setting": label, "runs": runs,
             **{key: [r[key] for r in rows] for key in rows[0]}} for label, rows in figures.items()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--latency-ms", default="0,100", help="per-request delay of every tenant, one pass each")
    args = parser.parse_args()
    sync_tree()
    results = []
    for latency_ms in [int(v) for v in args.latency_ms.split(",")]:
        results += one_latency(args.tenants, args.runs, latency_ms)
    table("Converged re-run of %d tenants under the settings a user controls (min / median of %d runs; requests per tenant)"
          % (args.tenants, args.runs),
          ["latency ms", "setting", "wall s", "CPU s/tenant", "reads/tenant", "writes/tenant", "changed",
           "summary: unchanged of tenants"],
          [[r["latency_ms"], r["setting"], cell(r["wall_s"]), cell(r["cpu_per_tenant_s"], 3), statistics.median(r["reads_mean"]),
            max(r["writes_max"]), max(r["changed"]), summarised(r)] for r in results])
    complete = all(r["unchanged_in_summary"] == [r["tenants"]] * r["runs"] for r in results)
    quiet = all(max(r["writes_max"]) == 0 and max(r["changed"]) == 0 for r in results)
    print("every setting: no write, nothing changed: %s; the run summary counted every tenant: %s"
          % ("yes" if quiet else "NO", "yes" if complete else "NO (see the last column)"))
    save("settings", {"results": results, "quiet": quiet, "summary_complete": complete})
    return 0 if quiet else 1


if __name__ == "__main__":
    sys.exit(main())
