"""Side by side at 10 and 100 tenants, fresh and converged (figures, not tests):

* collection - the msp.connectwise.onboard playbook, as bench_rollout.py runs it
* uri        - bench/playbooks/uri_onboard.yml: the same onboarding with ansible.builtin.uri, one request per task
* floor      - bench/floor_onboard.py: the same requests from one Python process, keep-alive, a thread pool

Each tool gets its own simulator and tenants per repetition; the tools are interleaved (collection, uri, floor,
collection, ...) so that the noise of a shared machine spreads over all three. Before any figure is printed the
simulator's end state of every tenant is checked to be the same for the three tools. CPU is user+sys of the tool's
process and every process it waited for (ansible-playbook's workers), from getrusage(RUSAGE_CHILDREN).
Also prints a per-task profile of the collection's converged run at the largest size.

Usage: python bench/bench_compare.py [--sizes 10,100] [--runs 3] [--large-runs 1] [--forks 8] [--tools collection,uri,floor]
(--tools collection alone: the collection's own figures in a fraction of the time; ratios need the others.)
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# pylint: disable=wrong-import-position
from bench_rollout import OUT, cell, children_cpu_s, per_tenant, save, table  # noqa: E402
from harness import KEY_DESCRIPTION, REPO, Lab, integration_objects, profile, sync_tree  # noqa: E402

TOOLS = ("collection", "uri", "floor")
URI_PLAYBOOK = os.path.join(REPO, "bench", "playbooks", "uri_onboard.yml")
FLOOR = os.path.join(REPO, "bench", "floor_onboard.py")
LEVELS = ("addLevel", "editLevel", "deleteLevel", "inquireLevel")


def run_tool(lab, tool, forks, task_profile):
    """Run one tool over all tenants; returns (wall seconds, CPU seconds of it and its children)."""
    env = {"CW_TASK_PROFILE": task_profile, "ANSIBLE_CALLBACKS_ENABLED": "cw_json_record,cw_task_profile"}
    before = children_cpu_s()
    started = time.monotonic()
    if tool == "floor":
        done = subprocess.run([sys.executable, FLOOR, lab.inventory, lab.password_file, "--workers", str(forks)],
                              text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
        failed, output = done.returncode, done.stdout
    else:
        extra = ["-e", "cw_vault_password_file=" + lab.password_file] if tool == "uri" else []
        run = lab.playbook("onboard" if tool == "collection" else URI_PLAYBOOK, "--forks", str(forks), *extra, env=env)
        failed, output = run.returncode, str(run)
    wall = time.monotonic() - started
    if failed:
        raise SystemExit("bench: %s failed\n%s" % (tool, output[-6000:]))
    return wall, children_cpu_s() - before


def end_state(lab, company, wanted):
    """What the tenant holds for the integration, without ids and dates, and whether the vaulted key authenticates."""
    state = lab.state(company)
    members, keys, roles = integration_objects(state, wanted["member"]["identifier"], role_name=wanted["role"]["name"])
    role_names = {r["id"]: r["name"] for r in state["tables"]["roles"]}
    vault = lab.read_vault(company) or {}
    # the collection names its entries by namespace (the profile); the uri playbook and the floor use one fixed prefix
    prefix = "cw_integration_%s_" % wanted["name"] if "cw_integration_%s_public_key" % wanted["name"] in vault else "cw_integration_"
    public, private = vault.get(prefix + "public_key"), vault.get(prefix + "private_key")
    return {
        "roles": [(r["name"], r["roleType"], sorted([s["function"]] + [s[v] for v in LEVELS] for s in state["role_settings"][str(r["id"])]))
                  for r in roles],
        "members": [{k: m.get(k) for k in ("identifier", "firstName", "lastName", "notes", "inactiveFlag", "licenseClass")}
                    | {"role": role_names.get(m["securityRole"]["id"])} for m in members],
        "keys": [k["description"] for k in keys],
        "vaulted_key_listed": public in [k["publicKey"] for k in keys],
        "vaulted_key_authenticates": bool(public) and lab.authenticates(company, public, private),
    }


def one_lab(tool, size, rep, forks):
    """Fresh and converged run of one tool on new tenants; returns ({kind: figures}, {company: end state})."""
    work = os.path.join(OUT, "work", "compare-%s-%d" % (tool, size))
    with Lab(work) as lab:
        companies = lab.add_tenants([{"company_id": "t%03d" % i, "members": 10, "integrator_login": True} for i in range(size)])
        figures = {}
        for kind in ("fresh", "converged"):
            lab.reset_stats()
            task_profile = os.path.join(OUT, "profile-%s-%d-%s-%d.json" % (tool, size, kind, rep))
            wall, cpu = run_tool(lab, tool, forks, task_profile)
            figures[kind] = dict(wall_s=wall, cpu_per_tenant_s=cpu / size, **per_tenant(lab.stats(), companies))
        wanted = profile()
        return figures, {c: end_state(lab, c, wanted) for c in companies}


def check_same_end_state(states):
    reference = states["collection"]
    for tool, tenants in states.items():
        for company, state in tenants.items():
            if state != reference[company] or not state["vaulted_key_authenticates"] or state["keys"] != [KEY_DESCRIPTION]:
                raise SystemExit("bench: %s left %s different from the collection:\n%s\n%s" % (
                    tool, company, json.dumps(state, indent=1), json.dumps(reference[company], indent=1)))


def profile_table(path):
    with open(path, encoding="utf-8") as handle:
        tasks = json.load(handle)
    total = sum(t["seconds"] for t in tasks.values()) or 1.0
    rows = sorted(tasks.items(), key=lambda item: -item[1]["seconds"])
    # the role prefix is the same on most rows; long names are cut so the table stays readable
    return [[name.replace("msp.connectwise.integration : ", "")[:100], t["ran"], t["skipped"], round(t["seconds"], 2),
             "%.1f%%" % (100 * t["seconds"] / total)] for name, t in rows]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100")
    parser.add_argument("--runs", type=int, default=3, help="repetitions per cell below 100 tenants")
    parser.add_argument("--large-runs", type=int, default=1, help="repetitions per cell at 100 tenants and more")
    parser.add_argument("--forks", type=int, default=8, help="ansible forks and floor threads (the controller has 2 cores)")
    parser.add_argument("--tools", default=",".join(TOOLS), help="which of %s to run (collection always runs)" % ", ".join(TOOLS))
    args = parser.parse_args()
    tools = ["collection"] + [tool for tool in TOOLS[1:] if tool in args.tools.split(",")]
    sync_tree()
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        runs = args.large_runs if size >= 100 else args.runs
        figures = {(tool, kind): [] for tool in tools for kind in ("fresh", "converged")}
        states = {}
        for rep in range(runs):
            for tool in tools:
                print("bench: %d tenants, run %d/%d, %s" % (size, rep + 1, runs, tool), flush=True)
                got, states[tool] = one_lab(tool, size, rep, args.forks)
                for kind, data in got.items():
                    figures[(tool, kind)].append(data)
            check_same_end_state(states)
        for (tool, kind), rows in figures.items():
            results.append({"tenants": size, "runs": runs, "tool": tool, "run": kind,
                            **{key: [r[key] for r in rows] for key in rows[0]}})
    print("\n%s left the same end state in every tenant (role and its cells, member, one key, vaulted key works)."
          % ("All three tools" if len(tools) == 3 else ", ".join(tools)))
    table("Onboarding side by side (forks/threads=%d; min / median of the runs; requests are per tenant)" % args.forks,
          ["tenants", "run", "tool", "runs", "wall s", "CPU s/tenant", "reads/tenant", "writes/tenant"],
          [[r["tenants"], r["run"], r["tool"], r["runs"], cell(r["wall_s"]), cell(r["cpu_per_tenant_s"], 3),
            statistics.median(r["reads_mean"]), statistics.median(r["writes_mean"])] for r in results])
    by_key = {(r["tenants"], r["run"], r["tool"]): r for r in results}
    ratios = []
    for (size, kind, tool), r in by_key.items():
        if tool != "collection":
            continue
        if len(tools) < len(TOOLS):
            continue
        row = [size, kind]
        for metric in ("wall_s", "cpu_per_tenant_s", "total_mean"):
            for other in ("uri", "floor"):
                row.append(round(statistics.median(r[metric]) / max(statistics.median(by_key[(size, kind, other)][metric]), 1e-6), 2))
        ratios.append(row)
    if ratios:
        table("Ratios of medians, collection / other",
              ["tenants", "run", "wall/uri", "wall/floor", "CPU/uri", "CPU/floor", "requests/uri", "requests/floor"], ratios)
    largest = max(r["tenants"] for r in results)
    path = os.path.join(OUT, "profile-collection-%d-converged-%d.json" % (largest, by_key[(largest, "converged", "collection")]["runs"] - 1))
    table("Per-task profile of the collection's converged run at %d tenants (time from a task's start to the next)" % largest,
          ["task (file)", "ran", "skipped", "seconds", "share"], profile_table(path))
    save("compare", {"forks": args.forks, "results": results, "profile": profile_table(path)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
