# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The integration role's reports: key pair, vault entries, summaries with check-mode accounting, audit rows."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.msp.connectwise.plugins.plugin_utils import _integration as report

CONTEXT = {"tenant": "acme", "company_id": "acme", "site": "http://sim", "profile": "sophos_central",
           "vendor": "Sophos Central", "role_name": "Sophos Role \U0001F510", "member_identifier": "SophosCentral",
           "key_description": "Sophos Central Integration", "vault_file": "/inv/host_vars/acme/connectwise.vault.yml",
           "vault_prefix": "cw_integration_", "integrator_username": "", "has_adopt_pair": False, "check_mode": False}
CHECK = dict(CONTEXT, check_mode=True)
VAULT = {"cw_integration_public_key": "PUB-OLD", "cw_integration_private_key": "PRIV-OLD", "cw_integration_key_id": 3,
         "cw_integration_key_source": "api", "cw_integration_key_created": "2026-01-01T00:00:00Z"}
ADOPT = {"public_key": "PUB-UI", "private_key": "PRIV-UI"}
SKIPPED = {"skipped": True, "changed": False}
MEMBER = {"changed": False, "api_member": {"id": 7}}
ROLE = {"changed": False, "role": {"id": 9}, "write_method": "none", "guided": False, "drift": []}


def key(decision, source, pair_from=None, **extra):
    result = {"changed": decision in ("create", "replace"), "decision": decision, "key_source": source,
              "member": {"id": 7}, "replaced_keys": [], "key_endpoint": True}
    if pair_from:
        result.update(pair_from=pair_from, public_key=extra.pop("public_key", "PUB-NEW"))
    result.update(extra)
    return result


@pytest.mark.parametrize("name, key_result, vault, adopt, expected", [
    ("created", key("create", "created", "new", private_key="PRIV-NEW", key_id=11), {}, {},
     ("created", "PUB-NEW", "PRIV-NEW", 11)),
    ("reused", key("reuse", "existing", "stored", public_key="PUB-OLD", key_id=3), VAULT, {},
     ("existing", "PUB-OLD", "PRIV-OLD", 3)),
    ("adopted now", key("adopt", "adopted", "adopt", public_key="PUB-UI"), VAULT, ADOPT,
     ("adopted", "PUB-UI", "PRIV-UI", None)),
    ("adopted before: the vault's key id stays", key("adopt", "adopted", "stored", public_key="PUB-OLD"), VAULT, {},
     ("adopted", "PUB-OLD", "PRIV-OLD", 3)),
    ("check mode creates nothing", key("create", "created"), {}, {}, ("created", "", "", None)),
    ("needs a person", key("needs_action", "none", key_endpoint=False), {}, {}, ("none", "", "", None)),
    ("skipped", SKIPPED, VAULT, {}, ("none", "", "", None)),
    ("failed", dict(key("create", "created"), failed=True), VAULT, {}, ("none", "", "", None)),
])
def test_key_pair(name, key_result, vault, adopt, expected):
    pair = report.report({"key": key_result}, "key", CONTEXT, vault=vault, adopt=adopt)
    assert (pair["source"], pair["public_key"], pair["private_key"], pair["key_id"]) == expected, name


def test_vault_values_keep_the_creation_time_of_the_same_key_only():
    now = datetime.datetime(2026, 12, 3, 8, 0, tzinfo=datetime.timezone.utc)
    same = report.vault_values(report.key_pair(key("reuse", "existing", "stored", public_key="PUB-OLD", key_id=3),
                                               report.stored_key(CONTEXT, VAULT), {}), CONTEXT, VAULT, now=now)
    new = report.vault_values(report.key_pair(key("replace", "rotated", "new", private_key="PRIV-NEW", key_id=12),
                                              report.stored_key(CONTEXT, VAULT), {}), CONTEXT, VAULT, now=now)
    assert same["cw_integration_key_created"] == "2026-01-01T00:00:00Z"
    assert new["cw_integration_key_created"] == "2026-12-03T08:00:00Z"
    assert new["cw_integration_private_key"] == "PRIV-NEW" and new["cw_integration_key_id"] == 12
    assert new["cw_integration_role"] == CONTEXT["role_name"] and new["cw_integration_member_id"] == 7
    assert sorted(new) == sorted("cw_integration_" + name for name in report.VAULT_ENTRIES)
    adopted = report.vault_values(report.key_pair(key("adopt", "adopted", "adopt", public_key="PUB-UI"),
                                                  report.stored_key(CONTEXT, VAULT), ADOPT), CONTEXT, VAULT, now=now)
    assert adopted["cw_integration_key_source"] == "adopted" and same["cw_integration_key_source"] == "api"


@pytest.mark.parametrize("name, context, results, status, steps", [
    ("converged", CONTEXT, {"role": ROLE, "member": MEMBER, "key": key("reuse", "existing", "stored", public_key="PUB-OLD"),
                            "vault": {"changed": False}}, "ok", []),
    ("fresh", CONTEXT, {"role": dict(ROLE, changed=True), "member": dict(MEMBER, changed=True),
                        "key": key("create", "created", "new", private_key="P"), "vault": {"changed": True},
                        "login_ensure": {"changed": True}},
     "changed", ["integrator login", "security role", "API member", "API key", "vault file"]),
    ("fresh, the claim in the vault", CONTEXT, {"role": dict(ROLE, changed=True), "member": MEMBER, "claim": {"changed": True},
                                                "key": key("reuse", "existing", "stored", public_key="PUB-OLD")},
     "changed", ["security role", "vault file"]),
    ("replaced and pruned", CONTEXT, {"role": ROLE, "member": MEMBER, "key": key("replace", "rotated", "new", private_key="P"),
                                      "vault": {"changed": True},
                                      "pruned": {"results": [{"changed": True, "deleted_keys": [{"id": 3}]}]}},
     "changed", ["API key", "vault file", "replaced keys deleted"]),
    # check mode: the role is still to be made, so the member and the key could not run and count as changes
    ("check mode, fresh tenant", CHECK, {"role": {"changed": True, "role": {"id": None}}, "member": SKIPPED, "key": SKIPPED},
     "changed", ["security role", "API member", "API key", "vault file"]),
    # check mode: the member is still to be made (its predicted id is None)
    ("check mode, new member", CHECK, {"role": ROLE, "member": {"changed": True, "api_member": {"id": None}}, "key": SKIPPED},
     "changed", ["API member", "API key", "vault file"]),
    ("check mode, adopting", dict(CHECK, has_adopt_pair=True),
     {"role": ROLE, "member": {"changed": True, "api_member": {"id": None}}, "key": SKIPPED},
     "changed", ["API member"]),
    ("check mode, new role for the member", CHECK,
     {"role": {"changed": True, "role": {"id": None}}, "member": MEMBER, "key": key("reuse", "existing", "stored", public_key="PUB-OLD"),
      "vault": {"changed": True}}, "changed", ["security role", "API member", "vault file"]),
    ("check mode, new key", CHECK, {"role": ROLE, "member": MEMBER, "key": key("create", "created")},
     "changed", ["API key", "vault file"]),
    ("check mode, converged", CHECK, {"role": ROLE, "member": MEMBER, "key": key("reuse", "existing", "stored", public_key="PUB-OLD"),
                                      "vault": {"changed": False}}, "ok", []),
    ("guided role", CONTEXT, {"role": dict(ROLE, guided=True, write_method="guided", drift=["a"], checklist=["click"]),
                              "member": MEMBER, "key": key("reuse", "existing", "stored", public_key="PUB-OLD")},
     "needs_action", []),
    ("no key endpoint", CONTEXT, {"role": ROLE, "member": MEMBER, "key": key("needs_action", "none", key_endpoint=False)},
     "needs_action", []),
    ("integrator login missing", CONTEXT, {"login_check": {"changed": False, "exists": False}, "role": ROLE, "member": MEMBER,
                                           "key": key("reuse", "existing", "stored", public_key="PUB-OLD")}, "needs_action", []),
])
def test_summary_status_and_changed_steps(name, context, results, status, steps):
    summary = report.report(results, "summary", context, vault=VAULT)
    assert (summary["status"], summary["changed"]) == (status, steps), name
    assert "PRIV" not in repr(summary), "a summary carries a private key"
    assert summary["check_mode"] is context["check_mode"]


def test_summary_actions_and_message():
    results = {"login_check": {"changed": False, "exists": False},
               "role": dict(ROLE, guided=True, write_method="guided", drift=["x"], checklist=["In the row 'A' set B"]),
               "member": MEMBER, "key": key("needs_action", "none", key_endpoint=False)}
    summary = report.report(results, "summary", dict(CONTEXT, integrator_username="sophos"), vault={})
    assert [a["step"] for a in summary["actions"]] == ["integrator login", "security role", "API key"]
    assert summary["role"]["drift"] == ["x"] and summary["vault_file"] == ""
    message = summary["message"]
    assert message.startswith("acme (acme) needs a person in ConnectWise before Sophos Central can use it:")
    assert "username sophos" in message and "    In the row 'A' set B" in message
    assert "This server has no API key endpoint" in message and CONTEXT["vault_file"] in message
    assert message.endswith("Then run again: the next run verifies the result and changes nothing else.")


def test_summary_of_a_verified_run():
    results = {"role": ROLE, "member": MEMBER, "key": key("create", "created", "new", private_key="P", key_id=11),
               "verified": {"changed": False, "probes": [{"path": "/procurement/catalog", "ok": True}]},
               "pruned": {"results": [], "skipped": False, "changed": False}}
    summary = report.report(results, "summary", CONTEXT, vault={})
    assert summary["verified"] is True and summary["probes"] == ["/procurement/catalog"]
    assert summary["key"] == {"description": CONTEXT["key_description"], "id": 11, "source": "created", "replaced_deleted": [], "to_retire": []}
    assert summary["vault_file"] == CONTEXT["vault_file"] and summary["member"] == {"identifier": "SophosCentral", "id": 7}
    assert report.report(dict(results, verified={"failed": True}), "summary", CONTEXT, vault={})["verified"] is False


@pytest.mark.parametrize("name, key_result, vault, adopt, status, actions", [
    ("new key", key("replace", "rotated", "new", private_key="P"), VAULT, {}, "changed", []),
    ("adopted in the UI: delete the old one there", key("adopt", "adopted", "adopt", public_key="PUB-UI"), VAULT, ADOPT,
     "changed", ["old API key"]),
    ("the same pair again", key("adopt", "adopted", "adopt", public_key="PUB-OLD"), VAULT,
     {"public_key": "PUB-OLD", "private_key": "PRIV-OLD"}, "ok", []),
    ("first adoption, nothing vaulted", key("adopt", "adopted", "adopt", public_key="PUB-UI"), {}, ADOPT, "changed", []),
])
def test_rotate_summary(name, key_result, vault, adopt, status, actions):
    summary = report.report({"key": key_result, "verified": {"changed": False}}, "rotate", CONTEXT, vault=vault, adopt=adopt)
    assert (summary["status"], [a["step"] for a in summary["actions"]]) == (status, actions), name
    if actions:
        assert "public key PUB-OLD" in summary["actions"][0]["instructions"][0]
        assert summary["message"].startswith("acme (acme) needs a person in ConnectWise to finish the key rotation:")
        assert "public key PUB-OLD" in summary["message"] and "run again" not in summary["message"]
    else:
        assert summary["message"] == ""


def test_offboard_summary():
    done = report.report({"key": {"changed": True, "deleted_keys": [{"id": 3}], "key_endpoint": True},
                          "member": {"changed": True}, "vault": {"changed": True, "removed": ["cw_integration_public_key"]}},
                         "offboard", CONTEXT)
    assert (done["status"], done["deleted_keys"], done["member_deactivated"]) == ("offboarded", [3], True)
    assert done["vault_entries_removed"] == ["cw_integration_public_key"] and done["actions"] == [] and done["message"] == ""
    published = report.report({"key": {"changed": False, "failed": True, "key_endpoint": False}, "member": {"changed": True}},
                              "offboard", CONTEXT)
    assert published["status"] == "needs_action" and published["actions"][0]["step"] == "API key"
    assert published["message"].startswith("acme (acme) needs a person in ConnectWise to finish the offboarding:\n- API key:")


@pytest.mark.parametrize("name, results, vault, problems", [
    ("converged", {"role": ROLE, "member_info": {"api_members": [{"id": 7}]},
                   "keys": {"api_keys": [{"publicKey": "PUB-OLD"}]},
                   "verified": {"member": {"id": 7}, "missing": [], "extra": []}}, VAULT, []),
    ("role missing, member inactive", {"role": {"role": {"id": None}, "drift": []},
                                       "member_info": {"api_members": [{"id": 7, "inactiveFlag": True}]},
                                       "keys": {"api_keys": [{"publicKey": "PUB-OLD"}]},
                                       "verified": {"member": {"id": 7}, "missing": [], "extra": []}}, VAULT,
     ["security role Sophos Role \U0001F510 is missing", "API member SophosCentral is inactive"]),
    ("drift and a deleted key", {"role": dict(ROLE, drift=["a", "b"]), "member_info": {"api_members": [{"id": 7}]},
                                 "keys": {"api_keys": []}, "verified": {"msg": "401", "failed": False}}, VAULT,
     ["2 role cell(s) differ from the profile", "the vaulted key is not among the member's keys", "the vaulted key fails: 401"]),
    ("nothing vaulted, no member", {"role": ROLE, "member_info": {"api_members": []}, "keys": SKIPPED, "verified": SKIPPED}, {},
     ["API member SophosCentral is missing", "the vault file holds no key"]),
])
def test_audit_row(name, results, vault, problems):
    row = report.report(results, "audit", CONTEXT, vault=vault)
    assert row["problems"] == problems, name
    assert row["drift"] is bool(problems)
    assert "PRIV" not in repr(row)


def test_unknown_report():
    with pytest.raises(ValueError):
        report.report({}, "everything", CONTEXT)


OURS = {"identifier": "SophosCentral", "notes": "Managed by Ansible (msp.connectwise.integration)", "securityRole": {"id": 9}}
HUMAN = {"identifier": "SophosCentral", "notes": "made by hand", "securityRole": {"id": 1}}
ROLE_ROW = {"id": 9, "name": CONTEXT["role_name"], "roleType": "Member", "adminFlag": False}
CLAIMED = {"cw_integration_member": "sophoscentral", "cw_integration_role": CONTEXT["role_name"].upper()}


@pytest.mark.parametrize("name, members, roles, vault, adopt, words", [
    ("fresh tenant", [], [], {}, False, []),
    ("our member, found by its marker", [OURS], [], {}, False, []),
    ("a member made by hand", [HUMAN], [], {}, False, ["API member 'SophosCentral' exists", "integration_adopt_existing"]),
    ("a member made by hand that the vault names", [HUMAN], [], CLAIMED, False, []),
    ("taken over on purpose", [HUMAN], [dict(ROLE_ROW, id=1)], {}, True, []),
    ("a role made by hand", [], [ROLE_ROW], {}, False, ["Security role", "exists", "integration_role_name"]),
    ("our role, held by our member", [OURS], [ROLE_ROW], {}, False, []),
    ("our role, named by the vault (killed before the member was made)", [], [ROLE_ROW], CLAIMED, False, []),
    ("a role held by a member made by hand", [HUMAN], [dict(ROLE_ROW, id=1)], {}, False, ["API member", "Security role"]),
    ("an administrator role, even when the vault names it", [OURS], [dict(ROLE_ROW, adminFlag=True)], CLAIMED, False,
     ["administrator role"]),
    ("a role called Admin", [], [dict(ROLE_ROW, name=CONTEXT["role_name"], roleType="Admin")], {}, False, ["administrator role"]),
    ("another role's name does not count", [], [dict(ROLE_ROW, name="Other")], {}, False, []),
])
def test_ownership(name, members, roles, vault, adopt, words):
    problems = report.report({"member_info": {"api_members": members}, "role_info": {"roles": roles}}, "ownership",
                             dict(CONTEXT, adopt_existing=adopt), vault=vault)
    text = " ".join(problems)
    assert bool(problems) is bool(words), (name, problems)
    for word in words:
        assert word in text, (name, word, text)


def test_ownership_with_skipped_lookups():
    assert report.report({"member_info": SKIPPED, "role_info": SKIPPED}, "ownership", CONTEXT, vault=CLAIMED) == []


def test_rotation_needs_the_member():
    problems = report.report({"member_info": {"api_members": []}, "require_member": True}, "ownership",
                             dict(CONTEXT, adopt_existing=True), vault=CLAIMED)
    assert problems == ["There is no API member 'SophosCentral' in company 'acme'; onboard the integration first "
                        "(msp.connectwise.onboard)."]


PROFILE = {"name": "hudu", "vendor": "Hudu", "source": "https://example.com/hudu", "retrieved": "2026-01-01",
           "key_description": "Hudu Integration", "requires_integrator_login": False,
           "member": {"identifier": "HuduAPI", "name": "Hudu API"}, "role": {"name": "Hudu Role", "role_type": "Member"},
           "verify": [{"path": "/company/companies", "params": {"pageSize": 1}}],
           "permissions": [{"module": "Companies", "function": "Company Maintenance", "inquire": "All", "note": "read"}]}
INPUTS = {"tenant": "acme", "company_id": "acme", "site": "http://sim", "role_name": "", "member_identifier": "",
          "member_name": "", "key_description": "", "integrator_login": "", "integrator_username": "",
          "member_references": {"level": "", "location": "Tampa"}, "adopt_public_key": "", "adopt_private_key": "",
          "adopt_existing": False, "vault_file": "/inv/host_vars/acme/connectwise.vault.yml",
          "vault_prefix": "cw_integration_", "check_mode": False}
CLAIMED = {"cw_integration_role": "hudu role", "cw_integration_member": "HUDUAPI", "cw_integration_public_key": "PUB",
           "cw_integration_private_key": "PRIV", "cw_integration_key_source": "api", "cw_integration_key_id": 4}


def test_plan_takes_the_profile_names_and_what_the_vault_file_holds():
    problems, plan = report.plan(INPUTS, PROFILE, CLAIMED)
    assert problems == []
    assert (plan["role_name"], plan["member_identifier"], plan["member_name"], plan["key_description"], plan["login_mode"]) == (
        "Hudu Role", "HuduAPI", "Hudu API", "Hudu Integration", "skip")
    assert plan["permissions"] == [{"module": "Companies", "function": "Company Maintenance", "inquire": "All"}]
    assert plan["member_references"] == {"location": "Tampa"}
    assert plan["stored"] == {"public_key": "PUB", "private_key": "PRIV", "source": "api"}
    assert plan["vault_names_role"] and plan["vault_names_member"]
    assert plan["ownership_entries"] == {"cw_integration_company_id": "acme", "cw_integration_site": "http://sim",
                                         "cw_integration_profile": "hudu", "cw_integration_role": "Hudu Role",
                                         "cw_integration_member": "HuduAPI"}
    assert plan["vault_entries"][:2] == ["cw_integration_public_key", "cw_integration_private_key"]
    assert plan["context"]["has_adopt_pair"] is False and plan["context"]["vendor"] == "Hudu"


@pytest.mark.parametrize("name, inputs, problem", [
    ("a relative vault file", {"vault_file": "vault.yml"}, "integration_vault_file 'vault.yml' is a relative path"),
    ("half an adopt pair", {"adopt_public_key": "PUB"}, "Only one half of the adopt pair is set"),
    ("a role name over the limit", {"role_name": "R" * 31}, "integration_role_name"),
    ("an identifier with a space", {"member_identifier": "Hudu API"}, "integration_member_identifier"),
    ("ensure without a username", {"integrator_login": "ensure"}, "integration_integrator_username"),
])
def test_plan_refuses_bad_input_in_one_sentence_each(name, inputs, problem):
    problems, dummy = report.plan(dict(INPUTS, **inputs), PROFILE, {})
    assert len(problems) == 1 and problem in problems[0], (name, problems)


def test_plan_names_an_invalid_profile_and_goes_no_further():
    problems, plan = report.plan(INPUTS, dict(PROFILE, vendor=""), {})
    assert plan == {} and len(problems) == 1 and problems[0].startswith("Permission profile hudu is not valid:")


def test_plan_with_overrides_and_a_vault_file_of_another_role():
    inputs = dict(INPUTS, role_name="Own Role", member_identifier="Hudu2", integrator_login="check",
                  adopt_public_key="PUB-UI", adopt_private_key="PRIV-UI")
    problems, plan = report.plan(inputs, PROFILE, CLAIMED)
    assert problems == []
    assert not plan["vault_names_role"] and not plan["vault_names_member"]
    assert plan["login_mode"] == "check" and plan["context"]["has_adopt_pair"] is True
    assert plan["adopt"] == {"public_key": "PUB-UI", "private_key": "PRIV-UI"}


@pytest.mark.parametrize("name, pruned, retire, deleted", [
    ("kept by default: reported for retirement", {"skipped": True}, [3, 4], []),
    ("deleted on request", {"results": [{"changed": True, "deleted_keys": [{"id": 3}]},
                                        {"changed": True, "deleted_keys": [{"id": 4}]}]}, [], [3, 4]),
    ("one of two deleted", {"results": [{"changed": True, "deleted_keys": [{"id": 4}]}]}, [3], [4]),
])
def test_replaced_keys_are_retired_only_when_deleted(name, pruned, retire, deleted):
    replaced = key("replace", "rotated", "new", private_key="P", key_id=12, replaced_keys=[{"id": 3}, {"id": 4}])
    summary = report.report({"role": ROLE, "member": MEMBER, "key": replaced, "pruned": pruned}, "summary", CONTEXT)
    assert (summary["key"]["to_retire"], summary["key"]["replaced_deleted"]) == (retire, deleted), name
    rotated = report.report({"key": replaced, "pruned": pruned}, "rotate", CONTEXT)
    assert rotated["key"]["to_retire"] == retire, name


NAMESPACED = dict(INPUTS, vault_prefix="")
LEGACY = {"cw_integration_profile": "hudu", "cw_integration_public_key": "PUB", "cw_integration_private_key": "PRIV",
          "cw_integration_key_source": "api", "cw_integration_member": "HuduAPI", "cw_integration_role": "Hudu Role",
          "cw_integration_key_id": 4, "bootstrap_other": "x"}


def test_each_integration_has_its_own_namespace():
    problems, plan = report.plan(NAMESPACED, PROFILE, {"cw_integration_sophos_central_member": "SophosCentral"})
    assert problems == [] and plan["context"]["vault_prefix"] == "cw_integration_hudu_"
    assert set(plan["ownership_entries"]) == {"cw_integration_hudu_" + n for n in ("company_id", "site", "profile", "role", "member")}
    assert plan["legacy_entries"] == [] and plan["stored"]["public_key"] == ""
    dummy, own = report.plan(dict(NAMESPACED, vault_namespace="hudu_main"), PROFILE, {})
    assert own["context"]["vault_prefix"] == "cw_integration_hudu_main_"
    dummy, listed = report.plan(dict(NAMESPACED, vault_namespace="hudu_main", item={"profile": "hudu"}), PROFILE, {})
    assert listed["context"]["vault_prefix"] == "cw_integration_hudu_"
    problems, dummy = report.plan(dict(INPUTS, item={"profile": "hudu"}), PROFILE, {})
    assert len(problems) == 1 and "integration_vault_prefix gives every integration" in problems[0]
    dummy, second = report.plan(dict(NAMESPACED, item={"namespace": "hudu_two", "member_identifier": "Hudu2"}), PROFILE, {})
    assert (second["context"]["vault_prefix"], second["member_identifier"]) == ("cw_integration_hudu_two_", "Hudu2")


def test_a_010_vault_file_moves_to_the_namespace_with_its_key():
    problems, plan = report.plan(NAMESPACED, PROFILE, LEGACY)
    assert problems == []
    assert plan["stored"] == {"public_key": "PUB", "private_key": "PRIV", "source": "api"}
    assert plan["vault_names_member"] and plan["vault_names_role"]
    assert plan["ownership_entries"]["cw_integration_hudu_private_key"] == "PRIV"
    assert plan["ownership_entries"]["cw_integration_hudu_key_id"] == 4
    assert sorted(plan["legacy_entries"]) == sorted(name for name in LEGACY if name != "bootstrap_other")
    # another profile's 0.1.0 entries stay where they are
    dummy, other = report.plan(NAMESPACED, dict(PROFILE, name="other"), LEGACY)
    assert other["legacy_entries"] == [] and other["stored"]["public_key"] == ""


def test_a_member_another_integration_claims_is_refused_and_a_shared_role_is_the_collections():
    vault = {"cw_integration_sophos_central_member": "huduapi", "cw_integration_sophos_central_role": "Hudu Role"}
    problems, dummy = report.plan(NAMESPACED, PROFILE, vault)
    assert len(problems) == 1 and "is another integration's" in problems[0] and "cw_integration_sophos_central_member" in problems[0]
    problems, plan = report.plan(dict(NAMESPACED, item={"member_identifier": "Hudu2"}), PROFILE, vault)
    assert problems == [] and plan["vault_names_role"] and not plan["vault_names_member"]


@pytest.mark.parametrize("raw, problem", [
    (["hudu"], "must be a profile name or a mapping"),
    ({"profile": "hudu", "member": "x"}, "unknown key(s) member"),
])
def test_integration_entries_are_checked(raw, problem):
    problems, dummy = report.integration_item(raw)
    assert len(problems) == 1 and problem in problems[0]


def test_select_entries():
    entries = ["sophos_central", {"profile": "hudu", "namespace": "hudu_two"}, {"profile_file": "/p/own_tool.yml"}]
    assert report.select_entries(None) == [""] and report.select_entries([]) == [""]
    assert report.select_entries(entries) == entries
    assert report.select_entries(entries, "hudu") == [entries[1]]
    assert report.select_entries(entries, "hudu_two") == [entries[1]]
    assert report.select_entries(entries, "own_tool") == [entries[2]]
    assert report.select_entries(entries, "datto_rmm") == []
    assert report.select_entries(entries, "all") == entries
    with pytest.raises(ValueError):
        report.select_entries("sophos_central")
    with pytest.raises(ValueError, match="two entries for the namespace 'sophos_central'"):
        report.select_entries(["sophos_central", {"profile": "sophos_central", "member_identifier": "Sophos2"}])
    assert len(report.select_entries(["sophos_central", {"profile": "sophos_central", "namespace": "sophos_two"}])) == 2


def test_fleet_row_names_owners_admin_roles_and_unknown_keys():
    vault = {"cw_integration_hudu_member": "HuduAPI", "cw_integration_hudu_public_key": "PUB-H",
             "cw_integration_member": "SophosCentral", "cw_integration_public_key": "PUB-S",
             "cw_integration_gone_member": "Missing"}
    members = {"api_members": [
        {"id": 1, "identifier": "cwsim-bootstrap", "securityRole": {"id": 1}, "api_keys": [{"id": 1, "publicKey": "BOOT"}]},
        {"id": 2, "identifier": "HuduAPI", "securityRole": {"id": 5}, "api_keys": [
            {"id": 2, "publicKey": "PUB-H", "description": "Hudu Integration", "dateEntered": "2026-12-01T00:00:00Z"},
            {"id": 3, "publicKey": "OLD", "description": "Hudu Integration"}]},
        {"id": 3, "identifier": "SophosCentral", "securityRole": {"id": 6}, "api_keys": [{"id": 4, "publicKey": "PUB-S"}]},
        {"id": 4, "identifier": "HandMade", "securityRole": {"id": 1}, "inactiveFlag": True, "api_keys": []},
    ]}
    roles = {"roles": [{"id": 1, "name": "Admin", "roleType": "Admin"}, {"id": 5, "name": "Hudu Integration"},
                       {"id": 6, "name": "Sophos Central Integration"}]}
    row = report.report({"members": members, "roles": roles, "bootstrap_public_key": "boot"}, "fleet", CONTEXT, vault=vault)
    by = dict((m["identifier"], m) for m in row["members"])
    assert (by["cwsim-bootstrap"]["integration"], by["cwsim-bootstrap"]["role"]["admin"]) == (None, True)
    assert [k["known"] for k in by["cwsim-bootstrap"]["keys"]] == ["bootstrap"]
    assert (by["HuduAPI"]["integration"], by["HuduAPI"]["unknown_keys"]) == ("hudu", [3])
    assert by["HuduAPI"]["keys"][0]["created"] == "2026-12-01T00:00:00Z"
    assert (by["SophosCentral"]["integration"], by["SophosCentral"]["problems"]) == ("", [])
    assert by["HandMade"]["problems"] == []  # inactive: no finding
    assert row["problems"] == [
        "API member cwsim-bootstrap holds the administrator role Admin (the bootstrap key's member)",
        "API member HuduAPI has 1 key(s) the vault file does not know: #3 Hudu Integration",
        "integration gone names API member missing, which does not exist"]
    assert row["drift"] is True and row["integrations"] == ["", "gone", "hudu"]


def test_the_claim_is_written_only_when_the_vault_file_lacks_it():
    dummy, plan = report.plan(NAMESPACED, PROFILE, {})
    assert plan["claim_needed"] is True
    dummy, again = report.plan(NAMESPACED, PROFILE, dict(plan["ownership_entries"]))
    assert again["claim_needed"] is False
    dummy, renamed = report.plan(dict(NAMESPACED, role_name="Other Role"), PROFILE, dict(plan["ownership_entries"]))
    assert renamed["claim_needed"] is True
    dummy, upgrade = report.plan(NAMESPACED, PROFILE, LEGACY)
    assert upgrade["claim_needed"] is True


# a tenant a run has converged: the vault file holds the claim and the key
CONVERGED = dict(CLAIMED, cw_integration_company_id="acme", cw_integration_site="http://sim", cw_integration_profile="hudu",
                 cw_integration_role="Hudu Role", cw_integration_member="HuduAPI")
NO_PLACEMENT = dict(INPUTS, member_references={})


def plan_of(vault=None, **inputs):
    problems, result = report.plan(dict(NO_PLACEMENT, **inputs), PROFILE, CONVERGED if vault is None else vault)
    assert problems == []
    return result


def test_a_converged_tenant_is_confirmed_by_the_plan_step():
    assert report.converged_candidate(plan_of())
    assert report.converged_candidate(plan_of(check_mode=True))


@pytest.mark.parametrize("name, vault, inputs", [
    ("placement names to resolve", None, {"member_references": {"location": "Tampa"}}),
    ("an integrator login to ensure", None, {"integrator_login": "ensure", "integrator_username": "hudu"}),
    ("an adopt pair", None, {"adopt_public_key": "PUB-UI", "adopt_private_key": "PRIV-UI"}),
    ("no private key in the vault file", dict(CONVERGED, cw_integration_private_key=""), {}),
    ("a claim still to write", CLAIMED, {}),
    ("a role the vault file does not name", None, {"role_name": "Hudu Role Two"}),
    ("a fresh tenant", {}, {}),
])
def test_what_sends_a_run_through_its_steps(name, vault, inputs):
    assert not report.converged_candidate(plan_of(vault, **inputs)), name


@pytest.mark.parametrize("entry_point, vault, inputs, expected", [
    ("onboard", None, {}, (False, False)),
    ("onboard", None, {"check_mode": True}, (True, False)),
    ("onboard", None, {"member_references": {"location": "Tampa"}}, (True, False)),
    ("onboard", {}, {}, (True, True)),
    ("onboard", None, {"role_name": "Hudu Role Two"}, (False, True)),
    ("rotate", None, {}, (True, False)),
    ("offboard", {}, {}, (True, False)),
    ("none", {}, {}, (False, False)),
])
def test_preflight_reads(entry_point, vault, inputs, expected):
    assert report.preflight_reads(plan_of(vault, **inputs), entry_point) == expected


@pytest.mark.parametrize("outcome, expected", [
    ({"changed": False, "role": {"id": 9}}, True),
    ({"changed": True}, False),
    ({"changed": False, "failed": True, "msg": "HTTP 500"}, False),
    ({"changed": False, "deprecations": [{"msg": "old option"}]}, False),
    ({"changed": False, "skipped": True}, False),
    ({}, False),
    (None, False),
])
def test_settled(outcome, expected):
    assert report.settled(outcome) is expected


@pytest.mark.parametrize("name, key_result, kept", [
    ("no key step yet", {}, False),
    ("a new key for the integration's member", {"changed": True, "replaced_keys": [{"id": 4}], "member": {"identifier": "sophoscentral"}}, True),
    ("a new key, nothing replaced", {"changed": True, "replaced_keys": [], "member": {"identifier": "SophosCentral"}}, False),
    ("the key step changed nothing", {"changed": False, "replaced_keys": [{"id": 4}], "member": {"identifier": "SophosCentral"}}, False),
    ("a key of another member", {"changed": True, "replaced_keys": [{"id": 4}], "member": {"identifier": "Admin"}}, False),
])
def test_failure_message(name, key_result, kept):
    results = {"failed_task": "Verify with the key itself", "failed_result": {"failed": True, "msg": "HTTP 401 from /system/info"},
               "key": key_result}
    message = report.report(results, "failure", dict(CONTEXT, namespace="sophos_central"))
    assert message.startswith("acme (acme, integration sophos_central): 'Verify with the key itself' failed: HTTP 401 from /system/info"), name
    assert ("the keys it replaced were kept" in message) is kept, name
    assert report.report({"failed_task": "Store"}, "failure", CONTEXT).endswith("'Store' failed: see the output above")
