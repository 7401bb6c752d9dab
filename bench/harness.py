"""Shared plumbing for the benchmarks (bench/) and the reliability tests (tests/reliability/).

A ``Lab`` is one running simulator plus one scratch directory holding an inventory of simulator
tenants (bootstrap keys vault-encrypted, vault password in a 0600 file). It runs the collection's
playbooks as a user would (``ansible-playbook`` in a subprocess, against the synced collection tree)
and reads the simulator's counters and state through its operator API, never from Ansible's output.
"""

import base64
import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "scripts"))

# pylint: disable=wrong-import-position
from sim_inventory import CLIENT_ID, create_tenants, new_vault_password, operator  # noqa: E402
from simulator_process import running_simulator  # noqa: E402

COLLECTIONS = os.path.join(REPO, ".work", "collections")
TREE = os.path.join(COLLECTIONS, "ansible_collections", "msp", "connectwise")
BIN = os.path.dirname(sys.executable)
VAULT_NAME = "connectwise.vault.yml"
KEY_DESCRIPTION = "Sophos Central Integration"
MEMBER_IDENTIFIER = None  # read from the sophos_central profile by profile()
_COMPANYINFO = re.compile(r"GET /login/companyinfo/(\S+) ")

__all__ = ["CLIENT_ID", "Lab", "REPO", "TREE", "sync_tree", "running_simulator", "operator", "profile"]


def sync_tree():
    """Copy the working tree into the ansible_collections/msp/connectwise path the playbooks load from."""
    subprocess.run([sys.executable, os.path.join(REPO, "scripts", "sync_collection_tree.py"), TREE], check=True,
                   stdout=subprocess.DEVNULL)


def profile(name="sophos_central"):
    import yaml  # pylint: disable=import-outside-toplevel
    with open(os.path.join(REPO, "roles", "integration", "files", "profiles", name + ".yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


class Run:
    """One finished ansible-playbook run."""

    def __init__(self, command, returncode, output, wall, files):
        self.command = command
        self.returncode = returncode
        self.output = output
        self.wall = wall
        self.files = files  # path -> text of what the run was asked to write (log file, ...)

    @property
    def recap(self):
        """{host: {"ok": n, "changed": n, "failed": n, ...}} from the PLAY RECAP."""
        recap = {}
        for match in re.finditer(r"^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$", self.output, re.M):
            recap[match.group(1)] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", match.group(2))}
        return recap

    def records(self):
        """The task results written by the cw_json_record callback (one dict per host and task)."""
        path = self.files.get("record")
        if not path or not os.path.exists(path):
            return []
        with open(path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]

    def module_tasks(self, prefix="msp.connectwise."):
        """Task results (one per host and task) of this collection's modules that ran (not skipped)."""
        return sum(1 for r in self.records() if str(r["action"]).startswith(prefix) and r["status"] != "skipped")

    def __str__(self):
        return "$ %s\n(exit %s, %.1f s)\n%s" % (" ".join(self.command), self.returncode, self.wall, self.output[-6000:])


class Lab:
    """A simulator and an inventory of its tenants; use as a context manager."""

    def __init__(self, work, surface="extended", sim_args=(), access_log=True):
        self.work = os.path.abspath(work)
        self.surface = surface
        self.sim_args = list(sim_args)
        self.access_log = os.path.join(self.work, "simulator-access.log") if access_log else None
        self.sim_log = os.path.join(self.work, "simulator.log")
        self.url = None
        self.tenants = []
        self.group_vars = {}
        self._context = None
        self.vault = None
        self.runs = 0

    def __enter__(self):
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work, mode=0o700)
        self.vault = new_vault_password(self.work)
        args = ["--surface", self.surface] + self.sim_args
        if self.access_log:
            args += ["--access-log", self.access_log]
        self._context = running_simulator(*args, log_path=self.sim_log)
        self.url = self._context.__enter__()  # pylint: disable=unnecessary-dunder-call
        return self

    def __exit__(self, *exc_info):
        return self._context.__exit__(*exc_info)

    # -- tenants and inventory --------------------------------------------------------------

    def add_tenants(self, tenants, group_vars=None):
        """Create tenants (dicts with at least company_id) and rewrite the inventory for all of them."""
        self.group_vars.update(group_vars or {})
        new = [dict(t) for t in tenants]
        # create_tenants writes the inventory for the tenants it is given; keep earlier ones in it too
        create_tenants(self.url, new, self.work, self.vault, surface=self.surface, group_vars=self.group_vars)
        self.tenants += new
        if len(self.tenants) > len(new):
            self._rewrite_inventory()
        return [t["company_id"] for t in new]

    def _rewrite_inventory(self):
        import yaml  # pylint: disable=import-outside-toplevel
        path = os.path.join(self.inventory, "hosts.yml")
        with open(path, encoding="utf-8") as handle:
            inventory = yaml.safe_load(handle)
        group = inventory["all"]["children"]["connectwise_tenants"]
        group["hosts"] = {t["company_id"]: {"cw_site": self.url, "cw_company_id": t["company_id"]} for t in self.tenants}
        group["vars"].update(self.group_vars)
        with open(path, "w", encoding="utf-8") as handle:
            yaml.safe_dump(inventory, handle, default_flow_style=False)

    def set_group_vars(self, **values):
        self.group_vars.update(values)
        self._rewrite_inventory()

    @property
    def inventory(self):
        return os.path.join(self.work, "inventory")

    @property
    def password_file(self):
        return os.path.join(self.work, "vault-password")

    def vault_file(self, company):
        return os.path.join(self.inventory, "host_vars", company, VAULT_NAME)

    def read_vault(self, company):
        """The tenant's vault file decrypted (None when it does not exist); raises if it is not valid vault data."""
        import yaml  # pylint: disable=import-outside-toplevel
        path = self.vault_file(company)
        if not os.path.exists(path):
            return None
        with open(path, "rb") as handle:
            data = handle.read()
        return yaml.safe_load(self.vault.decrypt(data))

    # -- running playbooks ------------------------------------------------------------------

    def env(self, **extra):
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1",
                   ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_HOST_KEY_CHECKING="0", ANSIBLE_LOCAL_TEMP=os.path.join(self.work, "tmp"),
                   ANSIBLE_HOME=os.path.join(self.work, "ansible-home"), PATH=BIN + os.pathsep + os.environ.get("PATH", ""))
        env.pop("ANSIBLE_CONFIG", None)
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def command(self, name, *extra):
        playbook = name if os.path.isabs(name) else os.path.join(REPO, "playbooks", name + ".yml")
        return [os.path.join(BIN, "ansible-playbook"), "-i", self.inventory, "--vault-password-file", self.password_file,
                playbook] + list(extra)

    def playbook(self, name, *extra, env=None, timeout=900):
        """Run a playbook to its end and return a Run; every task result is recorded as JSON lines."""
        command = self.command(name, *extra)
        self.runs += 1
        record = os.path.join(self.work, "records", "run-%03d.jsonl" % self.runs)
        os.makedirs(os.path.dirname(record), exist_ok=True)
        # the caller's env wins, so a benchmark can enable more of bench/callback_plugins
        env = dict(dict(CW_JSON_RECORD=record, ANSIBLE_CALLBACK_PLUGINS=os.path.join(REPO, "bench", "callback_plugins"),
                        ANSIBLE_CALLBACKS_ENABLED="cw_json_record"), **(env or {}))
        started = time.monotonic()
        completed = subprocess.run(command, cwd=self.work, env=self.env(**env), text=True, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, check=False, timeout=timeout)
        return Run(command, completed.returncode, completed.stdout, time.monotonic() - started, {"record": record})

    def start_playbook(self, name, *extra, env=None):
        """Start a playbook in its own process group (so a test can kill the controller and its workers)."""
        output = open(os.path.join(self.work, "killed-run.log"), "w", encoding="utf-8")  # pylint: disable=consider-using-with
        process = subprocess.Popen(self.command(name, *extra), cwd=self.work, env=self.env(**(env or {})), stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        process.log_handle = output
        return process

    @staticmethod
    def kill(process):
        """SIGKILL the controller and every worker it forked; nothing gets to clean up."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)
        process.log_handle.close()

    # -- the simulator's view ---------------------------------------------------------------

    def op(self, method, path, body=None):
        return operator(self.url, method, path, body)

    def stats(self):
        """{company: stats} for every tenant, with companyinfo requests (unauthenticated) added from the access log."""
        stats = self.op("GET", "/_sim/stats")
        for company, count in self.companyinfo_counts().items():
            if company in stats:
                stats[company]["companyinfo"] = count
                stats[company]["reads"] += count
                stats[company]["total"] += count
        return stats

    def companyinfo_counts(self):
        counts = collections.Counter()
        if self.access_log and os.path.exists(self.access_log):
            with open(self.access_log, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    match = _COMPANYINFO.search(line)
                    if match:
                        counts[match.group(1).lower()] += 1
        return counts

    def reset_stats(self):
        self.op("POST", "/_sim/stats/reset")
        if self.access_log and os.path.exists(self.access_log):
            # the simulator keeps appending to the same file object; truncating keeps its offset valid (O_APPEND)
            os.truncate(self.access_log, 0)

    def faults(self, company, **spec):
        return self.op("PUT", "/_sim/tenants/%s/faults" % company, spec)

    def state(self, company):
        return self.op("GET", "/_sim/tenants/%s/state" % company)

    def authenticates(self, company, public_key, private_key):
        """True when the key pair authenticates against the simulator (a real API call, Basic auth)."""
        token = base64.b64encode(("%s+%s:%s" % (company, public_key, private_key)).encode("utf-8")).decode("ascii")
        request = urllib.request.Request(self.url + "/v4_6_release/apis/3.0/system/info",
                                         headers={"Authorization": "Basic " + token, "clientId": CLIENT_ID})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status == 200
        except urllib.error.HTTPError:
            return False


def integration_objects(state, identifier, description=KEY_DESCRIPTION, role_name=None):
    """What the simulator holds for the integration: (members with the identifier, their keys with the description, roles)."""
    tables = state["tables"]
    members = [m for m in tables.get("members", []) if str(m.get("identifier", "")).lower() == identifier.lower()]
    member_ids = {m["id"] for m in members}
    keys = []
    for name, rows in tables.items():
        if "key" not in name.lower():
            continue
        for row in rows:
            owner = row.get("member")
            owner_id = owner.get("id") if isinstance(owner, dict) else row.get("memberId")
            if owner_id in member_ids and str(row.get("description", "")).lower() == description.lower():
                keys.append(row)
    roles = [r for r in tables.get("roles", []) if role_name and str(r.get("name", "")).lower() == role_name.lower()]
    return members, keys, roles
