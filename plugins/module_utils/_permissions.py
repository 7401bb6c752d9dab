# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Security-role permission cells: matching, drift, checklists and effective-permission checks.

This module is internal to msp.connectwise: its names may change in any release and it is not
meant for use outside the collection. Everything here is pure (no HTTP) and unit tested.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import difflib
import re

from ansible_collections.msp.connectwise.plugins.module_utils._errors import CWError

VERBS = ("add", "edit", "delete", "inquire")
LEVEL_FIELDS = {"add": "addLevel", "edit": "editLevel", "delete": "deleteLevel", "inquire": "inquireLevel"}
LEVELS = ("None", "My", "All")
RANK = {"None": 0, "My": 1, "All": 2}
UI_VERB = {"add": "Add Level", "edit": "Edit Level", "delete": "Delete Level", "inquire": "Inquire Level"}

# Read endpoints that prove one permission row works (module, function) -> path.
PROBES = {
    ("companies", "company maintenance"): "company/companies",
    ("finance", "agreements"): "finance/agreements",
    ("procurement", "product catalog"): "procurement/catalog",
    ("service desk", "service tickets"): "service/tickets",
    ("system", "member maintenance"): "system/members",
    ("system", "api reports"): "system/reports",
    ("system", "table setup"): "system/locations",
}

PERMISSION_OPTIONS = dict(
    module=dict(type="str", required=True),
    function=dict(type="str", required=True),
    add=dict(type="str"),
    edit=dict(type="str"),
    delete=dict(type="str"),
    inquire=dict(type="str"),
)


def canon(text):
    """Lower case, ``and`` spelled ``&``, single spaces, any dash a hyphen: how names are compared.

    Vendor pages print typographic dashes (``Configuration \u2013 Display Passwords``) where ConnectWise's
    function names have a hyphen; a profile copied from such a page must still match."""
    text = re.sub(r"\s+", " ", str(text or "").strip().lower())
    text = re.sub(u"[\u2010-\u2015\u2212]", "-", text)
    return re.sub(r"\band\b", "&", text)


def module_labels(row):
    return [row.get(k) for k in ("moduleName", "moduleDescription", "moduleIdentifier") if row.get(k)]


def function_labels(row):
    return [row.get(k) for k in ("moduleFunctionName", "moduleFunctionDescription", "moduleFunctionIdentifier") if row.get(k)]


def module_label(row):
    return row.get("moduleName") or row.get("moduleDescription") or row.get("moduleIdentifier") or "?"


def function_label(row):
    """The human label of a function: the name, unless it looks like a short code and the description does not."""
    name = row.get("moduleFunctionName") or ""
    description = row.get("moduleFunctionDescription") or ""
    if name and (" " in name or not description or len(name) > 10):
        return name
    return description or name or row.get("moduleFunctionIdentifier") or "?"


def row_title(row):
    return "%s > %s" % (module_label(row), function_label(row))


def cells(row):
    return dict((verb, row.get(LEVEL_FIELDS[verb]) or "None") for verb in VERBS)


def _suggest(word, candidates):
    lowered = {}
    for candidate in candidates:
        lowered.setdefault(canon(candidate), candidate)
    found = difflib.get_close_matches(canon(word), list(lowered), n=3, cutoff=0.5)
    return (" Did you mean %s?" % " or ".join(repr(lowered[f]) for f in found)) if found else ""


def normalize_level(value, where):
    """``all``/``ALL`` -> ``All``; anything else fails with a suggestion."""
    if value is None:
        return None
    text = str(value).strip()
    for level in LEVELS:
        if text.lower() == level.lower():
            return level
    hint = " Did you mean 'My'?" if text.lower() in ("mine", "my own", "own") else _suggest(text, LEVELS)
    raise CWError("%s: %r is not a ConnectWise level; use All, My or None.%s" % (where, value, hint))


def normalize_permissions(permissions):
    """Validate levels and give each requested row a readable title; returns a list of dicts."""
    out = []
    for index, item in enumerate(permissions or []):
        title = "%s > %s" % (item.get("module"), item.get("function"))
        if not str(item.get("module") or "").strip() or not str(item.get("function") or "").strip():
            raise CWError("permissions[%d]: module and function must not be empty." % index)
        levels = {}
        for verb in VERBS:
            level = normalize_level(item.get(verb), "permissions[%d] (%s) %s" % (index, title, verb))
            if level is not None:
                levels[verb] = level
        out.append({"module": item["module"], "function": item["function"], "levels": levels, "index": index})
    return out


# Cells that let a key change who may do what: with them the key can give its own member any role, Admin included.
ESCALATION = {("system", "member maintenance"): ("add", "edit"), ("system", "security roles"): ("add", "edit", "delete"),
              ("system", "api members"): ("add", "edit")}


def escalation_cells(wanted):
    """'Module > Function verb' of every normalized row that grants one of ESCALATION's cells."""
    found = []
    for item in wanted:
        verbs = ESCALATION.get((canon(item["module"]), canon(item["function"])), ())
        for verb in verbs:
            if item["levels"].get(verb, "None") != "None":
                found.append("%s > %s %s" % (item["module"], item["function"], verb))
    return found


def match(settings, wanted):
    """Pair each wanted row with the role setting it names; fail with close matches otherwise."""
    by_module = {}
    for row in settings:
        for label in module_labels(row):
            by_module.setdefault(canon(label), []).append(row)
    pairs = []
    seen = {}
    for item in wanted:
        rows = by_module.get(canon(item["module"]))
        if not rows:
            names = sorted(set(module_label(r) for r in settings))
            raise CWError("permissions[%d]: there is no security module %r.%s Known modules: %s." % (
                item["index"], item["module"], _suggest(item["module"], names), ", ".join(names)))
        hits = [r for r in rows if canon(item["function"]) in [canon(x) for x in function_labels(r)]]
        if not hits:
            names = sorted(set(function_label(r) for r in rows))
            raise CWError("permissions[%d]: module %r has no function %r.%s" % (
                item["index"], module_label(rows[0]), item["function"], _suggest(item["function"], names)))
        row = hits[0]
        if row.get("id") in seen:
            raise CWError("permissions[%d] names %s again (already permissions[%d])." % (item["index"], row_title(row), seen[row["id"]]))
        seen[row.get("id")] = item["index"]
        pairs.append((item, row))
    return pairs


def desired_cells(settings, pairs, mode):
    """setting id -> {verb: level} that must hold. ``exact`` sets every unlisted cell to None."""
    wanted = {}
    if mode == "exact":
        for row in settings:
            wanted[row["id"]] = dict((verb, "None") for verb in VERBS)
    for item, row in pairs:
        cellmap = wanted.setdefault(row["id"], {})
        if mode == "exact":
            for verb in VERBS:
                cellmap[verb] = item["levels"].get(verb, "None")
        else:
            cellmap.update(item["levels"])
    return wanted


def drift(settings, wanted):
    """Cells whose current level differs from the wanted one, in the role's order."""
    out = []
    for row in settings:
        target = wanted.get(row["id"])
        if not target:
            continue
        now = cells(row)
        for verb in VERBS:
            if verb in target and now[verb] != target[verb]:
                out.append({"setting_id": row["id"], "module": module_label(row), "function": function_label(row),
                            "verb": verb, "current": now[verb], "wanted": target[verb]})
    return out


def drift_lines(items):
    return ["%s > %s > %s: %s -> %s" % (d["module"], d["function"], d["verb"], d["current"], d["wanted"]) for d in items]


def operations_by_setting(items):
    """setting id -> PATCH ``replace`` operations."""
    out = {}
    for d in items:
        out.setdefault(d["setting_id"], []).append({"op": "replace", "path": LEVEL_FIELDS[d["verb"]], "value": d["wanted"]})
    return out


def apply_drift(settings, items):
    """The settings as they look once ``items`` are applied (for predictions and diffs)."""
    changes = {}
    for d in items:
        changes.setdefault(d["setting_id"], {})[LEVEL_FIELDS[d["verb"]]] = d["wanted"]
    return [dict(row, **changes.get(row["id"], {})) for row in settings]


def checklist(role_name, items):
    """Click-by-click steps for System > Security Roles that remove ``items``."""
    if not items:
        return []
    steps = ["Sign in to ConnectWise Manage as a member whose role may edit security roles.",
             "Open System > Security Roles and click the role %r." % role_name]
    current_module = None
    for d in items:
        if d["module"] != current_module:
            current_module = d["module"]
            steps.append("Expand the module %r." % current_module)
        steps.append("In the row %r set %s from %r to %r." % (d["function"], UI_VERB[d["verb"]], d["current"], d["wanted"]))
    steps.append("Click Save, then run this task again: it verifies the role and reports no change.")
    return ["%d. %s" % (n, text) for n, text in enumerate(steps, 1)]


def table(settings, only_ids=None):
    """``{"Module > Function": {add, edit, delete, inquire}}`` for diffs and results."""
    out = {}
    for row in settings:
        if only_ids is None or row["id"] in only_ids:
            out[row_title(row)] = cells(row)
    return out


def satisfies(have, need):
    return RANK.get(have or "None", 0) >= RANK.get(need or "None", 0)


def compare_effective(effective, required, exact=False):
    """Compare effective rows (``/system/mySecurity``) with required permission items.

    Returns (missing, extra): missing lists required cells the key lacks (``Module > Function >
    verb: have X, needs Y``); extra lists granted cells beyond the requirement (only when ``exact``).
    """
    pairs = match(effective, required)
    missing = []
    wanted_ids = {}
    for item, row in pairs:
        have = cells(row)
        wanted_ids[row["id"]] = item["levels"]
        for verb, need in item["levels"].items():
            if not satisfies(have[verb], need):
                missing.append("%s > %s: has %s, needs %s" % (row_title(row), verb, have[verb], need))
    extra = []
    if exact:
        for row in effective:
            limits = wanted_ids.get(row["id"], {})
            for verb, level in cells(row).items():
                if RANK.get(level, 0) > RANK.get(limits.get(verb, "None"), 0):
                    extra.append("%s > %s: has %s, profile allows %s" % (row_title(row), verb, level, limits.get(verb, "None")))
    return pairs, missing, extra


def probe_path(row):
    return PROBES.get((canon(module_label(row)), canon(function_label(row))))


def probe_path_problem(path):
    """A sentence saying why ``path`` is no API path to probe, or None."""
    text = (path or "").strip()
    if not text.startswith("/") or "://" in text or "?" in text or ".." in text.split("/"):
        return "%r is not an API path below the codebase; give one starting with /, such as /procurement/catalog." % path
    return None


def run_probes(client, wanted):
    """GET each ``(label, path, params)`` once per path; a 403 is a finding, any other error is raised."""
    results = []
    seen = set()
    for label, path, params in wanted:
        key = "/" + path.strip().strip("/")
        if key in seen:
            continue
        seen.add(key)
        entry = {"row": label, "path": key}
        try:
            client.request("GET", key.lstrip("/"), params=params)
            entry.update(status=200, ok=True)
        except CWError as exc:
            if exc.status not in (403,):
                raise
            entry.update(status=exc.status, ok=False)
        results.append(entry)
    return results
