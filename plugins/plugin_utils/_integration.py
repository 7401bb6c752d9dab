# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the integration role reports: the key pair a run ends with, the vault entries, the tenant summary with its
check-mode accounting and manual actions, the audit row, and the rotate and offboard summaries.

This module is internal to msp.connectwise: its names may change in any release and it is not
meant for use outside the collection.

Every function takes the role's registered results (plain mappings; a skipped or missing step is an empty or
``skipped`` mapping) and a context of fixed values, and returns plain data. Nothing here talks to a server, so
each branch is unit tested.
"""

from __future__ import annotations

import datetime
import re

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.msp.connectwise.plugins.module_utils._profiles import validate_names, validate_profile
from ansible_collections.msp.connectwise.plugins.module_utils._resources import OWNER_MARKER, made_by_collection

VAULT_ENTRIES = ("public_key", "private_key", "key_id", "key_source", "key_description", "key_created", "member",
                 "member_id", "role", "profile", "company_id", "site")

UI_KEY_STEPS = (
    "This server has no API key endpoint. In ConnectWise open System > Members > API Members, open {member}, tab API "
    "Keys, click +, description \"{description}\", click Save (not Save and Close) and copy both keys.",
    "Pass them as integration_adopt_public_key and integration_adopt_private_key for this tenant (for example in an "
    "ansible-vault encrypted host_vars file, never in plain text) and run again: the role proves the pair belongs to "
    "the member and stores it in {vault_file}.",
)


def ran(result):
    """Whether a registered step ran (it is neither missing nor skipped)."""
    return bool(result) and not result.get("skipped", False)


def changed(result):
    if not ran(result):
        return False
    if "results" in result:  # a loop
        return any(item.get("changed", False) for item in result["results"])
    return bool(result.get("changed", False))


def flag(value):
    return boolean(value, strict=False) if value not in (None, "") else False


def deep(result, *path):
    for part in path:
        if not isinstance(result, dict):
            return None
        result = result.get(part)
    return result


def key_pair(key, stored, adopt):
    """The key a run ends with: ``{source, public_key, private_key, key_id, member_id, replaced}``.

    ``key`` is the result of cw_api_key with ``stored``; it names where the private key is (``pair_from``) because
    Ansible masks the values of secret options in module results.
    """
    stored = stored or {}
    adopt = adopt or {}
    out = {"source": "none", "public_key": "", "private_key": "", "key_id": None, "member_id": deep(key, "member", "id"),
           "replaced": [row.get("id") for row in (key or {}).get("replaced_keys") or []]}
    if not ran(key) or key.get("failed"):
        return out
    out["source"] = key.get("key_source") or "none"
    source_of_secret = {"new": key.get("private_key"), "adopt": adopt.get("private_key"), "stored": stored.get("private_key")}
    pair_from = key.get("pair_from")
    if pair_from in source_of_secret and source_of_secret[pair_from]:
        out["public_key"] = key.get("public_key") or ""
        out["private_key"] = source_of_secret[pair_from]
    out["key_id"] = key.get("key_id")
    if out["key_id"] is None and pair_from == "stored" and stored.get("public_key") == out["public_key"]:
        out["key_id"] = stored.get("key_id")
    return out


def vault_values(pair, context, vault, now=None):
    """The tenant's vault entries for ``pair`` (prefixed); ``key_created`` is kept while the key stays the same."""
    prefix = context["vault_prefix"]
    stamp = (now or datetime.datetime.now(datetime.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    same_key = (vault or {}).get(prefix + "public_key") == pair["public_key"]
    values = {
        "public_key": pair["public_key"],
        "private_key": pair["private_key"],
        "key_id": pair["key_id"],
        "key_source": "adopted" if pair["source"] == "adopted" else "api",
        "key_description": context["key_description"],
        "key_created": ((vault or {}).get(prefix + "key_created") or stamp) if same_key else stamp,
        "member": context["member_identifier"],
        "member_id": pair["member_id"],
        "role": context["role_name"],
        "profile": context["profile"],
        "company_id": str(context["company_id"]),
        "site": str(context["site"]),
    }
    return dict((prefix + name, values[name]) for name in VAULT_ENTRIES)


def stored_key(context, vault):
    """What the vault file holds for the integration's key, in the shape cw_api_key's ``stored`` option takes."""
    prefix = context["vault_prefix"]
    vault = vault or {}
    return {"public_key": str(vault.get(prefix + "public_key") or ""), "private_key": str(vault.get(prefix + "private_key") or ""),
            "source": str(vault.get(prefix + "key_source") or ""), "key_id": vault.get(prefix + "key_id")}


def changed_steps(results, context):
    """Names of the steps that changed something, and in check mode those a real run would change.

    Check mode cannot run a step whose input an earlier step of the same run would make (the role's id, the member's
    id); such a skipped step counts as what it would change.
    """
    check_mode = flag(context.get("check_mode"))
    role, member, key = results.get("role") or {}, results.get("member") or {}, results.get("key") or {}
    role_pending = check_mode and deep(role, "role", "id") is None
    member_pending = check_mode and deep(member, "api_member", "id") is None
    key_would = member_pending and not ran(key) and not flag(context.get("has_adopt_pair"))
    would = {
        # the member moves to the role still to be made, which check mode cannot show it
        "API member": role_pending,
        "API key": key_would,
        "vault file": (check_mode and (key_would or changed(key))) or changed(results.get("claim") or {}),
    }
    steps = []
    for name, step in (("integrator login", "login_ensure"), ("security role", "role"), ("API member", "member"),
                       ("API key", "key"), ("vault file", "vault"), ("replaced keys deleted", "pruned")):
        if changed(results.get(step) or {}) or would.get(name, False):
            steps.append(name)
    return steps


def manual_actions(results, context):
    """What a person has to do in ConnectWise before the integration works: ``[{step, instructions}]``."""
    actions = []
    login = results.get("login_check") or {}
    if ran(login) and not login.get("exists", False):
        username = context.get("integrator_username") or ""
        actions.append({"step": "integrator login", "instructions": [
            "Create the integrator login in ConnectWise (System > Setup Tables > Integrator Login%s); %s requires one. Or "
            "set integration_integrator_login=ensure with integration_integrator_username and integration_integrator_password,"
            " then run again." % ((", username " + username) if username else "", context.get("vendor") or "the vendor")]})
    role = results.get("role") or {}
    if role.get("guided"):
        actions.append({"step": "security role", "instructions": list(role.get("checklist") or [])})
    key = results.get("key") or {}
    if ran(key) and key.get("decision") == "needs_action":
        actions.append({"step": "API key", "instructions": [line.format(
            member=context["member_identifier"], description=context["key_description"], vault_file=context["vault_file"])
            for line in UI_KEY_STEPS]})
    return actions


def actions_message(summary, context, kind="summary"):
    """The text that stops (or warns about) a tenant that needs a person; empty when nobody is needed."""
    if not summary["actions"]:
        return ""
    purpose = {"rotate": "to finish the key rotation", "offboard": "to finish the offboarding"}.get(
        kind, "before %s can use it" % (context.get("vendor") or "the vendor"))
    lines = ["%s (%s) needs a person in ConnectWise %s:" % (summary["tenant"], summary["company_id"], purpose)]
    for action in summary["actions"]:
        lines.append("- %s:" % action["step"])
        lines.extend("    " + line for line in action["instructions"])
    if kind == "summary":
        lines.append("Then run again: the next run verifies the result and changes nothing else.")
    return "\n".join(lines)


def verified(result):
    return ran(result) and not result.get("failed", False)


def onboard_summary(results, context, stored=None, adopt=None):
    """``integration_summary`` of an onboard run: what happened on this tenant, without secrets."""
    pair = key_pair(results.get("key"), stored, adopt)
    steps = changed_steps(results, context)
    actions = manual_actions(results, context)
    role = results.get("role") or {}
    check = results.get("verified") or {}
    pruned = results.get("pruned") or {}
    summary = {
        "tenant": context["tenant"],
        "namespace": context.get("namespace") or context["profile"],
        "company_id": str(context["company_id"]),
        "site": str(context["site"]),
        "profile": context["profile"],
        "status": "needs_action" if actions else ("changed" if steps else "ok"),
        "changed": steps,
        "role": {"name": context["role_name"], "id": deep(role, "role", "id"),
                 "write_method": role.get("write_method") or "none",
                 "drift": list(role.get("drift") or []) if role.get("guided") else []},
        "member": {"identifier": context["member_identifier"], "id": deep(results.get("member"), "api_member", "id")},
        "key": {"description": context["key_description"], "id": pair["key_id"], "source": pair["source"],
                "replaced_deleted": deleted_key_ids(pruned), "to_retire": to_retire(pair, pruned)},
        "vault_file": context["vault_file"] if pair["private_key"] else "",
        "verified": verified(check),
        "probes": [probe.get("path") for probe in check.get("probes") or []] if verified(check) else [],
        "actions": actions,
        "check_mode": flag(context.get("check_mode")),
    }
    summary["message"] = actions_message(summary, context)
    return summary


def deleted_key_ids(pruned):
    """Ids of the keys a cw_api_key state=absent step (or loop of them) deleted, or would delete in check mode."""
    items = (pruned or {}).get("results", [pruned] if pruned else [])
    return [row.get("id") for item in items if changed(item) for row in item.get("deleted_keys") or []]


def to_retire(pair, pruned):
    """Ids of the keys the run's key replaced and did not delete: a vendor may still use them, so they stay until the
    user deletes them (integration_remove_replaced_keys=true once the vendor console has the new key)."""
    deleted = deleted_key_ids(pruned)
    return [key_id for key_id in pair["replaced"] if key_id is not None and key_id not in deleted]


def rotate_summary(results, context, stored=None, adopt=None):
    """``integration_summary`` of a key rotation."""
    pair = key_pair(results.get("key"), stored, adopt)
    stored_public = (stored or {}).get("public_key") or ""
    actions = []
    if pair["source"] == "adopted" and stored_public not in ("", pair["public_key"]):
        actions.append({"step": "old API key", "instructions": [
            "This server has no API key endpoint: delete the old key \"%s\" (public key %s) of %s in System > Members > "
            "API Members > API Keys." % (context["key_description"], stored_public, context["member_identifier"])]})
    summary = {
        "tenant": context["tenant"],
        "namespace": context.get("namespace") or context["profile"],
        "company_id": str(context["company_id"]),
        # adopting the pair the vault already holds (a repeated run) changes nothing and leaves no old key behind
        "status": "ok" if pair["public_key"] and pair["public_key"] == stored_public else "changed",
        "key": {"id": pair["key_id"], "source": pair["source"],
                "replaced_deleted": deleted_key_ids(results.get("pruned")), "to_retire": to_retire(pair, results.get("pruned"))},
        "vault_file": context["vault_file"],
        "verified": verified(results.get("verified") or {}),
        "check_mode": flag(context.get("check_mode")),
        "actions": actions,
    }
    return dict(summary, message=actions_message(summary, context, "rotate"))


def offboard_summary(results, context):
    """``integration_summary`` of an offboarding."""
    key = results.get("key") or {}
    no_endpoint = ran(key) and key.get("key_endpoint") is False
    actions = []
    if no_endpoint:
        actions.append({"step": "API key", "instructions": [
            "This server has no API key endpoint: delete the keys \"%s\" of %s in System > Members > API Members > API "
            "Keys (the member is deactivated, so they no longer work)." % (context["key_description"], context["member_identifier"])]})
    summary = {
        "tenant": context["tenant"],
        "namespace": context.get("namespace") or context["profile"],
        "company_id": str(context["company_id"]),
        "status": "needs_action" if no_endpoint else "offboarded",
        "deleted_keys": [row.get("id") for row in key.get("deleted_keys") or []] if ran(key) else [],
        "member_deactivated": changed(results.get("member") or {}),
        "vault_entries_removed": list((results.get("vault") or {}).get("removed") or []),
        # in check mode the keys, the member and the vault entries are what a real run would touch
        "check_mode": flag(context.get("check_mode")),
        "actions": actions,
    }
    return dict(summary, message=actions_message(summary, context, "offboard"))


def audit_row(results, context, stored=None):
    """One tenant's audit row, without secrets: the credential check is reduced to its findings."""
    stored = stored or {}
    role = results.get("role") or {}
    members = (results.get("member_info") or {}).get("api_members") or []
    member = members[0] if members else None
    keys = results.get("keys") or {}
    check = results.get("verified") or {}
    has_pair = bool(stored.get("public_key") and stored.get("private_key"))
    listed = ran(keys) and keys.get("key_endpoint", True) is not False
    public_keys = [row.get("publicKey") for row in keys.get("api_keys") or []]
    authenticates = ran(check) and bool(check.get("member"))
    key_ok = authenticates and not check.get("missing", ["not checked"]) and not check.get("extra")
    problems = []
    if deep(role, "role", "id") is None:
        problems.append("security role %s is missing" % context["role_name"])
    elif role.get("drift"):
        problems.append("%d role cell(s) differ from the profile" % len(role["drift"]))
    if member is None:
        problems.append("API member %s is missing" % context["member_identifier"])
    elif member.get("inactiveFlag"):
        problems.append("API member %s is inactive" % context["member_identifier"])
    if listed and stored.get("public_key") not in public_keys:
        problems.append("the vaulted key is not among the member's keys")
    if not has_pair:
        problems.append("the vault file holds no key")
    elif not key_ok:
        problems.append("the vaulted key fails: %s" % (check.get("msg") or "not checked"))
    return {
        "tenant": context["tenant"],
        "namespace": context.get("namespace") or context["profile"],
        "company_id": str(context["company_id"]),
        "profile": context["profile"],
        "role": {"name": context["role_name"], "exists": deep(role, "role", "id") is not None, "drift": list(role.get("drift") or [])},
        "member": {"identifier": context["member_identifier"], "exists": member is not None,
                   "active": member is not None and not member.get("inactiveFlag", False)},
        "key": {"description": context["key_description"], "vaulted": has_pair,
                "present": (stored.get("public_key") in public_keys) if listed else None,
                "authenticates": authenticates, "permissions_match": key_ok,
                "missing": list(check.get("missing") or []), "extra": list(check.get("extra") or []),
                "probes": list(check.get("probes") or [])},
        "drift": bool(problems),
        "problems": problems,
    }


def vault_names(context, vault, entry, value):
    """Whether the vault file read before the run names ``value`` as the integration's ``entry`` (role or member)."""
    named = str((vault or {}).get(context["vault_prefix"] + entry) or "")
    return bool(named) and named.lower() == str(value).lower()


def is_admin_role(role):
    return bool(role.get("adminFlag")) or str(role.get("roleType") or "").lower() == "admin" or str(role.get("name") or "").lower() == "admin"


def ownership_problems(results, context, vault):
    """Sentences for an existing API member or security role this integration did not make; empty when it may go on.

    A member is the integration's when the vault file names it or its notes carry the collection's marker; a role
    when the vault file names it or the integration's own member holds it. An admin role is never taken. With
    ``adopt_existing`` in the context the user takes existing objects over on purpose (admin roles included).
    """
    identifier, role_name = context["member_identifier"], context["role_name"]
    members = (results.get("member_info") or {}).get("api_members") or []
    member = next((m for m in members if str(m.get("identifier") or "").lower() == identifier.lower()), None)
    if results.get("require_member") and member is None:
        return ["There is no API member %r in company %r; onboard the integration first (msp.connectwise.onboard)."
                % (identifier, context["company_id"])]
    if flag(context.get("adopt_existing")):
        return []
    problems = []
    member_ours = vault_names(context, vault, "member", identifier) or made_by_collection(member)
    if member and not member_ours:
        problems.append(
            "API member %r exists but msp.connectwise did not make it (its notes do not carry %r and %s does not name it), "
            "so it is left alone. Choose another integration_member_identifier, or set integration_adopt_existing=true "
            "to take it over on purpose." % (identifier, OWNER_MARKER, context["vault_file"]))
    roles = [r for r in (results.get("role_info") or {}).get("roles") or []
             if str(r.get("name") or "").lower() == role_name.lower()]
    if roles:
        role = roles[0]
        held = member_ours and member and deep(member, "securityRole", "id") == role.get("id")
        if is_admin_role(role):
            problems.append(
                "Security role %r is an administrator role; an integration never gets it. Set integration_role_name to a "
                "role of its own (or set integration_adopt_existing=true to take it over on purpose)." % role_name)
        elif not (vault_names(context, vault, "role", role_name) or claimed_elsewhere(vault, context["vault_prefix"], "role", role_name)
                  or held):
            problems.append(
                "Security role %r exists but msp.connectwise did not make it for this integration (%s does not name it and "
                "the integration's member does not hold it), so its cells are left alone. Set integration_role_name to a "
                "new name, or set integration_adopt_existing=true to take it over on purpose." % (role_name, context["vault_file"]))
    return problems


PERMISSION_KEYS = ("module", "function", "add", "edit", "delete", "inquire")
MEMBER_REFERENCES = ("level", "location", "department", "default_territory", "time_zone")


ITEM_KEYS = ("profile", "profile_file", "namespace", "role_name", "member_identifier", "member_name", "key_description")
LEGACY_PREFIX = "cw_integration_"
NAMESPACE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def integration_item(raw):
    """One element of ``cw_integrations`` as a mapping: a profile name, or a mapping of ``ITEM_KEYS``.

    Returns ``(problems, item)``; an empty ``raw`` is the empty item (the role's own variables alone).
    """
    if raw in (None, "", {}):
        return [], {}
    if isinstance(raw, str):
        raw = {"profile": raw}
    if not isinstance(raw, dict):
        return ["An entry of cw_integrations must be a profile name or a mapping with %s, not %r." % (", ".join(ITEM_KEYS), raw)], {}
    unknown = sorted(str(key) for key in raw if key not in ITEM_KEYS)
    if unknown:
        return ["The cw_integrations entry %r has the unknown key(s) %s; use %s." % (
            raw.get("profile") or raw.get("profile_file") or raw, ", ".join(unknown), ", ".join(ITEM_KEYS))], {}
    return [], dict((key, "" if value is None else str(value)) for key, value in raw.items())


def select_entries(entries, name=""):
    """The entries of ``cw_integrations`` a run works on: all of them (``name`` empty or ``all``), or those whose
    namespace or profile is ``name``.

    No list at all stands for the one integration the role's variables describe (``[""]``).
    """
    if entries in (None, "", []):
        return [""]
    if not isinstance(entries, list):
        raise ValueError("cw_integrations must be a list of profile names or mappings, not %r." % (entries,))
    chosen, seen = [], {}
    for raw in entries:
        problems, item = integration_item(raw)
        if problems:
            raise ValueError(problems[0])
        profile = item.get("profile") or item.get("profile_file", "").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        namespace = item.get("namespace") or profile
        if namespace in seen:
            # both would write the same vault entries, and the second would lose the first's key
            raise ValueError("cw_integrations has two entries for the namespace %r (%r and %r); give the second its own "
                             "namespace." % (namespace, seen[namespace], raw))
        seen[namespace] = raw
        if name in ("", "all") or name in (item.get("namespace"), profile):
            chosen.append(raw)
    return chosen


def legacy_entries(vault, profile_name):
    """The entries a 0.1.0 run wrote without a namespace (``cw_integration_<entry>``), when they are this profile's."""
    if str(vault.get(LEGACY_PREFIX + "profile") or "") != profile_name:
        return {}
    return dict((name, vault[LEGACY_PREFIX + name]) for name in VAULT_ENTRIES if LEGACY_PREFIX + name in vault)


def claimed_elsewhere(vault, prefix, entry, value):
    """The vault entry of another integration of the tenant that names ``value`` as its ``entry``, or None."""
    for name, named in sorted(vault.items()):
        if (name.startswith(LEGACY_PREFIX) and name.endswith("_" + entry) and not name.startswith(prefix)
                and str(named or "").lower() == str(value).lower()):
            return name
    return None


def plan(inputs, profile, vault):
    """What one integration's run works with, derived once from the role's variables, the profile and the vault file.

    ``inputs`` holds the role's settings by their names without the ``integration_`` prefix, and ``item`` (one
    element of ``cw_integrations``, normalised by ``integration_item``) whose names win over them. Returns
    ``(problems, plan)``: one sentence per problem (the run must stop before any write when there is one), and the
    names, permissions, stored key, ownership claim and report context. The plan holds the vault file's secrets.
    """
    problems = validate_profile(profile)
    if problems:
        name = profile.get("name") if isinstance(profile, dict) else None
        return ["Permission profile %s is not valid: %s" % (name or "(unnamed)", " ".join(problems))], {}
    item = inputs.get("item") or {}
    inputs = dict(inputs, **dict((key, value) for key, value in item.items() if value and key in (
        "role_name", "member_identifier", "member_name", "key_description")))
    if item and inputs["vault_prefix"]:
        return ["integration_vault_prefix gives every integration of cw_integrations the same vault entries; leave it "
                "empty and set namespace in an entry to rename its entries."], {}
    # integration_vault_namespace names the one integration the integration_* variables describe, not a list's
    namespace = item.get("namespace") or (profile["name"] if item else inputs.get("vault_namespace")) or profile["name"]
    if not NAMESPACE_RE.match(namespace):
        return ["The vault namespace %r must be lower_snake_case of at most 40 characters (set namespace in the "
                "cw_integrations entry, or integration_vault_namespace)." % namespace], {}
    prefix = inputs["vault_prefix"] or "%s%s_" % (LEGACY_PREFIX, namespace)
    vault = dict(vault or {})
    # a 0.1.0 vault file: its entries are this integration's, moved to the namespace by the claim write
    moved = {} if inputs["vault_prefix"] or any(prefix + name in vault for name in VAULT_ENTRIES) else legacy_entries(vault, profile["name"])
    vault.update((prefix + name, value) for name, value in moved.items())
    role_name = inputs["role_name"] or profile["role"]["name"]
    identifier = inputs["member_identifier"] or profile["member"]["identifier"]
    login_mode = inputs["integrator_login"] or ("check" if profile.get("requires_integrator_login") else "skip")
    names = {"member_identifier": [identifier, "integration_member_identifier"],
             "member_name": [inputs["member_name"] or profile["member"]["name"], "integration_member_name"],
             "role_name": [role_name, "integration_role_name"],
             "key_description": [inputs["key_description"] or profile["key_description"], "integration_key_description"]}
    if login_mode == "ensure":
        names["integrator_username"] = [inputs["integrator_username"], "integration_integrator_username"]
    problems = validate_names(names)
    adopt = {"public_key": inputs["adopt_public_key"] or "", "private_key": inputs["adopt_private_key"] or ""}
    if bool(adopt["public_key"]) != bool(adopt["private_key"]):
        problems.append("Only one half of the adopt pair is set; set both integration_adopt_public_key and "
                        "integration_adopt_private_key, or neither.")
    if not inputs["vault_file"].startswith("/"):
        problems.append("integration_vault_file %r is a relative path, which would be taken from the playbook inside the "
                        "installed collection; give an absolute path, such as <inventory>/host_vars/<tenant>/"
                        "connectwise.vault.yml." % inputs["vault_file"])
    other = claimed_elsewhere(vault, prefix, "member", identifier) if prefix.startswith(LEGACY_PREFIX) else None
    if other and not (moved and other.startswith(LEGACY_PREFIX) and other[len(LEGACY_PREFIX):] == "member"):
        problems.append("API member %r is another integration's in %s (entry %s); give this integration a member of its "
                        "own with member_identifier in its cw_integrations entry." % (identifier, inputs["vault_file"], other))
    context = {"tenant": inputs["tenant"], "company_id": str(inputs["company_id"]), "site": str(inputs["site"]),
               "profile": profile["name"], "namespace": namespace, "vendor": profile["vendor"], "role_name": role_name,
               "member_identifier": identifier, "key_description": names["key_description"][0],
               "vault_file": inputs["vault_file"], "vault_prefix": prefix,
               "integrator_username": inputs["integrator_username"] or "",
               "has_adopt_pair": bool(adopt["public_key"] and adopt["private_key"]),
               "adopt_existing": flag(inputs["adopt_existing"]), "check_mode": flag(inputs["check_mode"])}
    references = dict((name, value) for name, value in (inputs.get("member_references") or {}).items()
                      if name in MEMBER_REFERENCES and value not in (None, ""))
    claim = dict(dict((prefix + name, value) for name, value in moved.items()), **dict(
        (prefix + name, value) for name, value in (
            ("company_id", context["company_id"]), ("site", context["site"]), ("profile", profile["name"]),
            ("role", role_name), ("member", identifier))))
    return problems, {
        "profile": profile,
        "permissions": [dict((k, v) for k, v in row.items() if k in PERMISSION_KEYS) for row in profile["permissions"]],
        "role_name": role_name,
        "role_type": (profile.get("role") or {}).get("role_type") or "",
        "member_identifier": identifier,
        "member_name": names["member_name"][0],
        "key_description": context["key_description"],
        "login_mode": login_mode,
        "member_references": references,
        "vault": vault,
        "stored": dict((k, v) for k, v in stored_key(context, vault).items() if k != "key_id"),
        # a role another integration of the tenant made (two accounts of one vendor share it) is the collection's too
        "vault_names_role": vault_names(context, vault, "role", role_name) or bool(claimed_elsewhere(vault, prefix, "role", role_name)),
        "vault_names_member": vault_names(context, vault, "member", identifier),
        # written before the first write to ConnectWise, so a run killed after it made the role knows the role is its own
        "ownership_entries": claim,
        # a converged tenant's file already holds the claim: the write step is skipped, not run to find no change
        "claim_needed": bool(moved) or any(name not in vault or vault[name] != value for name, value in claim.items()),
        # removed by the same write that claims the namespace, so the moved key is never in neither place
        "legacy_entries": [LEGACY_PREFIX + name for name in moved],
        "vault_entries": [prefix + name for name in VAULT_ENTRIES],
        "adopt": adopt,
        "context": context,
    }


def preflight_reads(result, entry_point):
    """``(member, role)``: whether an entry point looks up the API member and a security role of the integration's
    name before anything is written, for the plan ``result``.

    Onboard reads what the vault file does not name yet (a converged tenant's names both), the member also for its
    placement names and in check mode (the preview of a role still to be made); rotate and offboard read the member.
    """
    if entry_point == "none":
        return False, False
    if entry_point == "onboard":
        member = bool(result["member_references"]) or flag(result["context"]["check_mode"]) or not result["vault_names_member"]
        return member, not result["vault_names_role"]
    return True, False


def converged_candidate(result):
    """Whether the plan step may confirm a converged onboard run by itself: the vault file names the member and the
    role and holds the key, and nothing the steps would do besides their modules is asked for (an integrator login
    to ensure, placement names to resolve, an adopt pair, a claim or a 0.1.0 file to move)."""
    return bool(result["login_mode"] != "ensure" and not result["member_references"] and result["vault_names_member"]
                and result["vault_names_role"] and not result["claim_needed"] and not result["legacy_entries"]
                and not result["context"]["has_adopt_pair"] and result["stored"]["private_key"])


def settled(outcome):
    """A step's result that a converged tenant gives: it ran, changed nothing, and has nothing to report."""
    return bool(outcome) and not (outcome.get("failed") or outcome.get("changed") or outcome.get("deprecations")
                                  or outcome.get("skipped"))


def vault_claims(vault, suffix):
    """{lower-cased value: namespace} of every integration's ``<prefix><namespace>_<suffix>`` entry in a vault file
    (a 0.1.0 entry without a namespace has the namespace "")."""
    claims = {}
    for name, value in sorted((vault or {}).items()):
        if name.startswith(LEGACY_PREFIX) and name.endswith(suffix) and value not in (None, ""):
            claims[str(value).lower()] = name[len(LEGACY_PREFIX):-len(suffix)].rstrip("_")
    return claims


def fleet_row(results, context, vault, bootstrap_public_key=""):
    """Every API member of one tenant: which integration owns it, its role and whether that is an administrator role,
    its keys (metadata) and whether the vault file knows them, with one sentence per finding. Read-only data."""
    members = (results.get("members") or {}).get("api_members") or []
    roles = dict((role.get("id"), role) for role in (results.get("roles") or {}).get("roles") or [])
    owners = vault_claims(vault, "_member")
    known = vault_claims(vault, "_public_key")
    bootstrap = str(bootstrap_public_key or "").lower()
    rows, problems = [], []
    for member in members:
        identifier = str(member.get("identifier") or "")
        owner = owners.get(identifier.lower())
        role = roles.get(deep(member, "securityRole", "id")) or member.get("securityRole") or {}
        admin = is_admin_role(role)
        keys = []
        for key in member.get("api_keys") or []:
            public = str(key.get("publicKey") or "")
            vaulted = known.get(public.lower())
            keys.append({"id": key.get("id"), "description": key.get("description"), "public_key": public,
                         "created": key.get("dateEntered"),
                         "known": "bootstrap" if public and public.lower() == bootstrap else vaulted})
        unknown = [key for key in keys if key["known"] is None]
        row = {"identifier": identifier, "id": member.get("id"), "inactive": bool(member.get("inactiveFlag")),
               "integration": owner, "made_by_collection": made_by_collection(member),
               "role": {"id": role.get("id"), "name": role.get("name"), "admin": admin},
               "keys": keys if member.get("api_keys") is not None else None, "unknown_keys": [key["id"] for key in unknown],
               "problems": []}
        if admin and not member.get("inactiveFlag"):
            row["problems"].append("API member %s holds the administrator role %s%s" % (
                identifier, role.get("name"), " (the bootstrap key's member)" if any(k["known"] == "bootstrap" for k in keys) else ""))
        if unknown and not member.get("inactiveFlag"):
            row["problems"].append("API member %s has %d key(s) the vault file does not know: %s" % (
                identifier, len(unknown), ", ".join("#%s %s" % (key["id"], key["description"]) for key in unknown)))
        problems.extend(row["problems"])
        rows.append(row)
    listed = set(row["identifier"].lower() for row in rows)
    for identifier, namespace in sorted(owners.items()):
        if identifier not in listed:
            problems.append("integration %s names API member %s, which does not exist" % (namespace or "(0.1.0 entries)", identifier))
    return {"tenant": context["tenant"], "company_id": str(context["company_id"]), "members": rows,
            "integrations": sorted(set(owners.values())), "problems": problems, "drift": bool(problems)}


def failure_message(results, context):
    """The sentence a failed step of the role ends with, from ``failed_task`` (its name), ``failed_result`` and the key
    step's result ``key`` (the steps that carry secrets hide their own output)."""
    key = results.get("key") or {}
    text = "%s (%s, integration %s): '%s' failed: %s" % (
        context["tenant"], context["company_id"], context.get("namespace") or context["profile"],
        results.get("failed_task") or "a step", (results.get("failed_result") or {}).get("msg") or "see the output above")
    made_for_this_member = str(deep(key, "member", "identifier") or "").lower() == str(context["member_identifier"]).lower()
    if changed(key) and key.get("replaced_keys") and made_for_this_member:
        text += " A new key was made; the vault file holds it only if the vault step ran, and the keys it replaced were kept."
    return text


def report(results, kind, context, vault=None, adopt=None):
    """The one entry point of the role: ``kind`` is summary, rotate, offboard, audit, key (the pair a run ends with,
    a secret), vault_values (the vault entries for that pair, a secret), ownership (problems with taking over
    an existing member or role), fleet (the fleet audit's row) or failure (the sentence a failed step ends with)."""
    stored = stored_key(context, vault)
    results = results or {}
    if kind == "summary":
        return onboard_summary(results, context, stored, adopt)
    if kind == "rotate":
        return rotate_summary(results, context, stored, adopt)
    if kind == "offboard":
        return offboard_summary(results, context)
    if kind == "audit":
        return audit_row(results, context, stored)
    if kind == "key":
        return key_pair(results.get("key"), stored, adopt)
    if kind == "vault_values":
        return vault_values(key_pair(results.get("key"), stored, adopt), context, vault)
    if kind == "ownership":
        return ownership_problems(results, context, vault)
    if kind == "fleet":
        return fleet_row(results, context, vault, results.get("bootstrap_public_key"))
    if kind == "failure":
        return failure_message(results, context)
    raise ValueError("unknown report %r; use one of %s" % (kind, ", ".join(KINDS)))


KINDS = ("summary", "rotate", "offboard", "audit", "key", "vault_values", "ownership", "fleet", "failure")
