"""Benchmark: request rate and latency of the simulator under concurrency (not a test).

Starts the simulator on a free loopback port, runs each scenario with N concurrent aiohttp clients for a
bounded number of requests (and at most --seconds per scenario), prints a table and writes JSON.

    python simulator/bench/bench_simulator.py [--concurrency 20] [--requests 4000] [--members 2000]
"""

import argparse
import asyncio
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import aiohttp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PUBLIC, PRIVATE = "BenchPublicKey", "BenchPrivateKey"
HEADERS = {"clientId": "bench", "Authorization": "Basic " + base64.b64encode(("bench+%s:%s" % (PUBLIC, PRIVATE)).encode()).decode()}

SCENARIOS = (
    ("system/info", "GET", "/system/info", None),
    ("apiMembers by identifier", "GET", '/system/apiMembers?conditions=identifier%20%3D%20%22cwsim-bootstrap%22', None),
    ("members/{id}", "GET", "/system/members/{n}", None),
    ("catalog pageSize=1", "GET", "/procurement/catalog?pageSize=1&fields=id", None),
    ("mySecurity", "GET", "/system/mySecurity?pageSize=100", None),
    ("PATCH apiMember", "PATCH", "/system/apiMembers/{boot}", [{"op": "replace", "path": "notes", "value": "bench"}]),
)


def start_server(members, workdir):
    fixture = os.path.join(workdir, "tenants.json")
    with open(fixture, "w", encoding="utf-8") as handle:
        json.dump({"tenants": [{"company_id": "bench", "members": members,
                                "bootstrap": {"public_key": PUBLIC, "private_key": PRIVATE}}]}, handle)
    port_file = os.path.join(workdir, "port")
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    started = time.monotonic()
    command = [sys.executable, "-m", "cwsim", "--port", "0", "--port-file", port_file, "--tenants", fixture]
    # the server must outlive this function; main() terminates it
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)  # pylint: disable=consider-using-with
    while not os.path.exists(port_file):
        if proc.poll() is not None or time.monotonic() - started > 30:
            raise RuntimeError("simulator did not start")
        time.sleep(0.01)
    with open(port_file, encoding="utf-8") as handle:
        port = int(handle.read())
    return proc, port, time.monotonic() - started


async def run_scenario(base, scenario, args, boot_id):
    name, method, template, body = scenario
    latencies, errors = [], 0
    counter = iter(range(args.requests))
    deadline = time.monotonic() + args.seconds
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    async with aiohttp.ClientSession(connector=connector, headers=HEADERS) as session:
        async def worker():
            nonlocal errors
            for number in counter:
                if time.monotonic() > deadline:
                    return
                url = base + template.format(n=1 + number % args.members, boot=boot_id)
                start = time.perf_counter()
                async with session.request(method, url, json=body) as response:
                    await response.read()
                    if response.status >= 400:
                        errors += 1
                latencies.append(time.perf_counter() - start)
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _attempt in range(args.concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p / 100.0 * len(latencies)))] * 1000
    return {"scenario": name, "requests": len(latencies), "errors": errors, "seconds": round(elapsed, 3),
            "req_per_s": round(len(latencies) / elapsed, 1), "p50_ms": round(pct(50), 2), "p95_ms": round(pct(95), 2),
            "p99_ms": round(pct(99), 2), "mean_ms": round(statistics.mean(latencies) * 1000, 2)}


async def bench(args, port):
    base = "http://127.0.0.1:%d/v4_6_release/apis/3.0" % port
    async with aiohttp.ClientSession(headers=HEADERS) as s:
        async with s.get(base + '/system/apiMembers?conditions=identifier="cwsim-bootstrap"') as response:
            boot_id = (await response.json())[0]["id"]
    results = []
    for scenario in SCENARIOS:
        results.append(await run_scenario(base, scenario, args, boot_id))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--requests", type=int, default=4000, help="requests per scenario")
    parser.add_argument("--seconds", type=float, default=20, help="time limit per scenario")
    parser.add_argument("--members", type=int, default=2000, help="ordinary members in the tenant")
    parser.add_argument("--json", default=os.path.join(tempfile.gettempdir(), "cwsim-bench.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        proc, port, startup = start_server(args.members, workdir)
        try:
            results = asyncio.run(bench(args, port))
        finally:
            proc.terminate()
            proc.wait(10)
    print("simulator ready in %.2f s; %d concurrent clients, %d members" % (startup, args.concurrency, args.members))
    header = "%-26s %8s %7s %9s %8s %8s %8s" % ("scenario", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms")
    print(header)
    print("-" * len(header))
    for row in results:
        cells = (row["scenario"], row["requests"], row["errors"], row["req_per_s"], row["p50_ms"], row["p95_ms"], row["p99_ms"])
        print("%-26s %8d %7d %9.1f %8.2f %8.2f %8.2f" % cells)
    with open(args.json, "w", encoding="utf-8") as handle:
        json.dump({"startup_seconds": round(startup, 3), "concurrency": args.concurrency, "members": args.members,
                   "results": results}, handle, indent=2)
    print("results written to %s" % args.json)
    return 0 if all(row["errors"] == 0 for row in results) else 1


if __name__ == "__main__":
    sys.exit(main())
