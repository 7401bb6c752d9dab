# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base for the msp.connectwise modules.

This module is internal to msp.connectwise: its names may change in any release and it is not
meant for use outside the collection.

The base owns the shared options, the client, the single write layer (where check mode is
decided), minimal PATCH operations, before/after recording for ``--diff``, scrubbing of secrets
the server returns, and the translation of client errors into ``fail_json``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import copy
import difflib

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.msp.connectwise.plugins.module_utils._resources import field_problem
from ansible_collections.msp.connectwise.plugins.module_utils._client import (
    CWClient,
    CWError,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    condition,
    conditions,
)

# Keys whose values are secrets wherever the server (or we) put them.
SECRET_KEYS = frozenset(["privatekey", "private_key", "password", "authorization"])
SCRUBBED = "********"


def common_argument_spec():
    return dict(
        site=dict(type="str", required=True, fallback=(env_fallback, ["CW_MANAGE_SITE"])),
        company_id=dict(type="str", required=True, fallback=(env_fallback, ["CW_MANAGE_COMPANY_ID"])),
        public_key=dict(type="str", required=True, fallback=(env_fallback, ["CW_MANAGE_PUBLIC_KEY"])),
        private_key=dict(type="str", required=True, no_log=True, fallback=(env_fallback, ["CW_MANAGE_PRIVATE_KEY"])),
        client_id=dict(type="str", required=True, fallback=(env_fallback, ["CW_MANAGE_CLIENT_ID"])),
        codebase=dict(type="str"),
        api_version=dict(type="str"),
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path"),
        timeout=dict(type="float", default=30),
        retries=dict(type="int", default=3),
    )


# ---------------------------------------------------------------------------------------------
# Pure helpers (unit tested)
# ---------------------------------------------------------------------------------------------

def scrub(value):
    """A deep copy of ``value`` with every secret-looking key masked."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if str(key).lower() in SECRET_KEYS and item not in (None, ""):
                out[key] = SCRUBBED
            else:
                out[key] = scrub(item)
        return out
    if isinstance(value, (list, tuple)):
        return [scrub(item) for item in value]
    return value


def strip_info(value):
    """Drop ``_info`` blocks (timestamps and links) that would make every diff noisy."""
    if isinstance(value, dict):
        return dict((k, strip_info(v)) for k, v in value.items() if k != "_info")
    if isinstance(value, list):
        return [strip_info(v) for v in value]
    return value


def get_path(obj, path):
    """``get_path({'a': {'id': 1}}, 'a/id') == 1``; None when any step is missing."""
    for part in path.split("/"):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def ref_id(value):
    """The id of a reference object, or the value itself."""
    if isinstance(value, dict):
        return value.get("id")
    return value


def values_equal(current, wanted, case_insensitive=False):
    if isinstance(wanted, dict) and "id" in wanted and len(wanted) == 1:
        return ref_id(current) == wanted["id"]
    if isinstance(wanted, bool):
        return bool(current) == wanted
    if case_insensitive and isinstance(wanted, str) and isinstance(current, str):
        return current.lower() == wanted.lower()
    if current is None and wanted == "":
        return True
    return current == wanted


def patch_operations(current, desired, case_insensitive=()):
    """``replace`` operations for the desired fields that differ; ``None`` desired values are ignored."""
    operations = []
    for field in sorted(desired):
        wanted = desired[field]
        if wanted is None:
            continue
        if not values_equal(get_path(current, field), wanted, field in case_insensitive):
            operations.append({"op": "replace", "path": field, "value": wanted})
    return operations


def projection(obj, fields):
    """Only the managed fields of ``obj`` (references reduced to id and name) for diffs and results."""
    out = {}
    for field in fields:
        value = get_path(obj, field) if obj else None
        if isinstance(value, dict):
            value = dict((k, value[k]) for k in ("id", "identifier", "name") if k in value)
        out[field] = value
    return out


def apply_operations(obj, operations):
    """The object as it would look after ``operations`` (used to predict results in check mode)."""
    out = copy.deepcopy(obj) if obj else {}
    for operation in operations:
        out[operation["path"]] = operation["value"]
    return out


def close_matches(word, candidates, count=3):
    lowered = dict((str(c).lower(), c) for c in candidates if c)
    found = difflib.get_close_matches(str(word).lower(), list(lowered), n=count, cutoff=0.5)
    return [lowered[f] for f in found]


def suggestion(word, candidates):
    matches = close_matches(word, candidates)
    return (" Did you mean %s?" % " or ".join(repr(m) for m in matches)) if matches else ""


# Member references by name or id: option -> (what, path, name fields). cw_api_member resolves them when it writes;
# cw_api_member_info resolves them without writing, so a play can vet them before its first write.
MEMBER_REFERENCES = {
    "level": ("level", "system/myCompany/corporateStructureLevels", ("name",)),
    "location": ("location", "system/locations", ("name",)),
    "department": ("department", "system/departments", ("name", "identifier")),
    "default_territory": ("default territory", "system/locations", ("name",)),
    "time_zone": ("time zone", "system/timeZoneSetups", ("name",)),
}


# ---------------------------------------------------------------------------------------------
# The module base
# ---------------------------------------------------------------------------------------------

class CWModule(AnsibleModule):
    """AnsibleModule with the shared ConnectWise options, one client and one write layer."""

    def __init__(self, argument_spec=None, **kwargs):
        spec = common_argument_spec()
        spec.update(argument_spec or {})
        kwargs.setdefault("supports_check_mode", True)
        super(CWModule, self).__init__(argument_spec=spec, **kwargs)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self._client = None
        self._clients = []  # every client this run made (the main one and other_client() ones)
        self._warned = set()
        self.changed = False
        self.writes = []
        self._before = {}
        self._after = {}
        self._recorded = False

    # -- connection -------------------------------------------------------------------------

    @property
    def client(self):
        if self._client is None:
            p = self.params
            if p["timeout"] <= 0:
                raise CWError("timeout must be a positive number of seconds, not %s." % p["timeout"])
            if p["retries"] < 0:
                raise CWError("retries must be 0 or more, not %s." % p["retries"])
            self._client = self._new_client(p["public_key"], p["private_key"], p["codebase"])
        return self._client

    def _new_client(self, public_key, private_key, codebase):
        p = self.params
        made = CWClient(
            site=p["site"], company_id=p["company_id"], public_key=public_key, private_key=private_key,
            client_id=p["client_id"], codebase=codebase, api_version=p["api_version"],
            validate_certs=p["validate_certs"], ca_path=p["ca_path"], timeout=p["timeout"], retries=p["retries"],
        )
        self._clients.append(made)
        return made

    def other_client(self, public_key, private_key):
        """A client for the same tenant and options but another key pair."""
        return self._new_client(public_key, private_key, self.params["codebase"] or self.client.codebase)

    # -- the single write layer ---------------------------------------------------------------

    def write(self, method, path, body=None, predicted=None, lookup=None):
        """Every change, deletes included, goes through here; in check mode nothing is sent and ``predicted``
        is returned.

        ``changed`` becomes true only once the server accepted the write (a create whose answer was lost counts
        once ``lookup`` found the object), so a refused write leaves the result as it was. Check mode counts the
        write it would send."""
        if self.check_mode:
            answer = predicted
        elif method == "POST":
            answer = self.client.create(path, body, lookup=lookup)
        else:
            answer = self.client.request(method, path, body=body)
        self.changed = True
        self.writes.append({"method": method, "path": path.split("?", 1)[0]})
        return answer

    def patch(self, path, operations, current):
        """PATCH only the changed fields as ``replace`` operations; returns the (predicted) new object."""
        if not operations:
            return current
        return self.write("PATCH", path, operations, predicted=apply_operations(current, operations))

    def check_field(self, field, value, option):
        """Refuse a value ConnectWise would not store in ``field`` (see _resources.FIELDS) before anything is sent."""
        if value is not None:
            problem = field_problem(field, value, option)
            if problem:
                raise CWError(problem)

    # -- lookups ----------------------------------------------------------------------------

    def resolve(self, what, path, value, fields=("name",), current=None):
        """Turn a name or an id into ``{'id': n}`` using server-side conditions (never a full listing).

        ``current`` is the reference the object holds now: an id equal to it needs no request (the server
        keeps references valid), which keeps a converged re-run to the reads that decide it."""
        if value is None:
            return None
        text = str(value).strip()
        if text.isdigit() and isinstance(current, dict) and str(current.get("id")) == text:
            return {"id": current["id"]}
        if text.isdigit():
            row = self.client.get_or_none("%s/%s" % (path, text))
            if row is None:
                raise CWError("There is no %s with id %s (GET %s/%s answered 404)." % (what, text, path, text))
            return {"id": row["id"]}
        terms = [condition(f, text) for f in fields]
        rows = self.client.list(path, conditions_=" or ".join(terms) if len(terms) > 1 else terms[0], limit=25)
        exact = [r for r in rows if any(str(r.get(f) or "").lower() == text.lower() for f in fields)]
        if len(exact) == 1:
            return {"id": exact[0]["id"]}
        if len(exact) > 1:
            raise CWError("The %s name %r is ambiguous (ids %s); give the id instead." % (what, text, ", ".join(str(r["id"]) for r in exact)))
        stem = text[:3]
        near = self.client.list(path, conditions_=" or ".join(condition(f, stem, "contains") for f in fields), limit=50) if stem else []
        names = [r.get(fields[0]) for r in near]
        raise CWError("There is no %s named %r.%s" % (what, text, suggestion(text, names)))

    def resolve_member_reference(self, option, value, current=None):
        """``resolve()`` for one of MEMBER_REFERENCES."""
        what, path, fields = MEMBER_REFERENCES[option]
        return self.resolve(what, path, value, fields=fields, current=current)

    # -- results ----------------------------------------------------------------------------

    def record(self, before=None, after=None):
        self._recorded = True
        if before is not None:
            self._before = before
        if after is not None:
            self._after = after

    def finish(self, msg=None, warnings=None, **result):
        result["changed"] = self.changed
        if self._client is not None and self._client._codebase:  # pylint: disable=protected-access
            # the codebase this call used, so a play can pass it on and later tasks skip discovery
            result.setdefault("codebase", self._client._codebase)  # pylint: disable=protected-access
        if msg:
            result["msg"] = msg
        if self._diff and self._recorded:
            result["diff"] = dict(before=scrub(self._before), after=scrub(self._after))
        self._pass_on_warnings(warnings)
        self.exit_json(**scrub_result(result))

    def fail(self, msg, **result):
        result.setdefault("changed", self.changed)
        self._pass_on_warnings()
        for made in self._clients:
            msg = made.scrub(msg)
        self.fail_json(msg=msg, **scrub_result(result))

    def _pass_on_warnings(self, warnings=None):
        """The module's warnings and the clients' (plain HTTP, certificates not verified), each once per run."""
        for warning in list(warnings or []) + [w for made in self._clients for w in made.warnings]:
            if warning not in self._warned:
                self._warned.add(warning)
                self.warn(warning)

    def run(self, function):
        """Call ``function()`` and turn a CWError into fail_json with its one-sentence message."""
        try:
            function()
        except CWError as exc:
            self.fail(str(exc), status=exc.status)


def scrub_result(result):
    """Scrub a module result except the documented top-level ``private_key`` return of a new key."""
    private_key = result.pop("private_key", None)
    out = scrub(result)
    if private_key is not None:
        out["private_key"] = private_key
    return out


__all__ = ["CWModule", "CWError", "MEMBER_REFERENCES", "conditions", "condition", "scrub", "patch_operations", "projection", "close_matches"]
