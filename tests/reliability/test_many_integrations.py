"""Many vendor integrations in one tenant: each has its own member, role, key and vault namespace, and no run of one
integration ever replaces or deletes another's key.

Everything is read from the simulator's state and request counters and from the decrypted vault file; a vaulted key
counts only when it authenticates.
"""

import base64
import json
import os
import urllib.request

import yaml

import harness
from conftest import namespaced
from sim_inventory import write_private

INTEGRATIONS = ("sophos_central", "hudu", "datto_rmm")


def write_host_vars(lab, company, name, values):
    with open(os.path.join(lab.inventory, "host_vars", company, name), "w", encoding="utf-8") as handle:
        yaml.safe_dump(values, handle)


def live_keys(lab, company):
    """{integration: [key ids of its member with its description]} from the simulator."""
    state = lab.state(company)
    found = {}
    for name in INTEGRATIONS:
        profile = harness.profile(name)
        dummy, keys, dummy = harness.integration_objects(state, profile["member"]["identifier"], profile["key_description"])
        found[name] = sorted(key["id"] for key in keys)
    return found


def assert_vaulted_keys_work(lab, company):
    vault = lab.read_vault(company)
    for name in INTEGRATIONS:
        prefix = namespaced(name)
        assert vault.get(prefix + "profile") == name, "%s: no entries under %s: %s" % (name, prefix, sorted(vault))
        assert lab.authenticates(company, vault[prefix + "public_key"], vault[prefix + "private_key"]), \
            "%s: the vaulted key does not authenticate" % name
    return vault


def report(run_file):
    with open(run_file, encoding="utf-8") as handle:
        return json.load(handle)


def test_three_integrations_rerun_in_every_order_without_a_write(make_lab):
    lab = make_lab()
    (company,) = lab.add_tenants([{"company_id": "multi", "members": 5, "integrator_login": True}])
    write_host_vars(lab, company, "integrations.yml", {"cw_integrations": list(INTEGRATIONS)})
    first = lab.playbook("onboard", "-e", "cw_run_report=%s" % os.path.join(lab.work, "first.json"))
    assert first.returncode == 0, str(first)
    rows = report(os.path.join(lab.work, "first.json"))["tenants"]
    assert sorted(row["namespace"] for row in rows) == sorted(INTEGRATIONS), rows
    keys = live_keys(lab, company)
    assert all(len(ids) == 1 for ids in keys.values()), keys
    vault = assert_vaulted_keys_work(lab, company)
    assert not any(name.startswith("cw_integration_") and name[len("cw_integration_"):] in (
        "public_key", "private_key", "profile") for name in vault), "entries without a namespace: %s" % sorted(vault)

    orders = [("-e", "cw_integration=datto_rmm"), ("-e", "cw_integration=sophos_central"), ("-e", "cw_integration=hudu"), ()]
    for extra in orders:
        lab.reset_stats()
        run = lab.playbook("onboard", *extra)
        assert run.returncode == 0, str(run)
        assert run.recap[company]["changed"] == 0, str(run)
        assert lab.stats()[company]["writes"] == 0, "%s: %d write requests" % (extra, lab.stats()[company]["writes"])
        assert live_keys(lab, company) == keys, "%s: the keys changed" % (extra,)
        assert lab.read_vault(company) == vault, "%s: the vault file changed" % (extra,)
    # the list in another order, all together
    write_host_vars(lab, company, "integrations.yml", {"cw_integrations": list(reversed(INTEGRATIONS))})
    lab.reset_stats()
    run = lab.playbook("onboard")
    assert run.returncode == 0 and run.recap[company]["changed"] == 0, str(run)
    assert lab.stats()[company]["writes"] == 0
    assert live_keys(lab, company) == keys
    assert_vaulted_keys_work(lab, company)


def module_tasks(run, host):
    """The collection's module tasks that ran for ``host`` (not skipped), by action name."""
    return sorted(r["action"] for r in run.records()
                  if r["host"] == host and str(r["action"]).startswith("msp.connectwise.") and r["status"] != "skipped")


def test_a_tenants_integrations_are_planned_together(make_lab):
    lab = make_lab()
    (company,) = lab.add_tenants([{"company_id": "together", "members": 5, "integrator_login": True}])
    sophos_member = harness.profile("sophos_central")["member"]["identifier"]
    # two entries that would take one member: refused before either writes anything
    write_host_vars(lab, company, "integrations.yml", {"cw_integrations": [
        "sophos_central", {"profile": "hudu", "member_identifier": sophos_member}]})
    lab.reset_stats()
    run = lab.playbook("onboard")
    assert run.returncode != 0, str(run)
    assert "another integration's" in run.output and sophos_member in run.output, str(run)
    assert lab.stats()[company]["writes"] == 0, "%d writes before the refusal" % lab.stats()[company]["writes"]

    write_host_vars(lab, company, "integrations.yml", {"cw_integrations": ["sophos_central", "hudu"]})
    assert lab.playbook("onboard").returncode == 0
    # a converged tenant: one plan step confirms every integration, no other module task runs
    lab.reset_stats()
    run = lab.playbook("onboard", "-e", "cw_run_report=%s" % os.path.join(lab.work, "converged.json"))
    assert run.returncode == 0 and run.recap[company]["changed"] == 0, str(run)
    assert module_tasks(run, company) == ["msp.connectwise.cw_integration_plan"], module_tasks(run, company)
    assert lab.stats()[company]["writes"] == 0
    rows = report(os.path.join(lab.work, "converged.json"))["tenants"]
    assert [(row["namespace"], row["status"]) for row in rows] == [("sophos_central", "ok"), ("hudu", "ok")], rows

    # one integration added: only its steps run; the others stay confirmed by the plan step
    write_host_vars(lab, company, "integrations.yml", {"cw_integrations": list(INTEGRATIONS)})
    lab.reset_stats()
    run = lab.playbook("onboard", "-e", "cw_run_report=%s" % os.path.join(lab.work, "added.json"))
    assert run.returncode == 0, str(run)
    ran = module_tasks(run, company)
    assert ran.count("msp.connectwise.cw_api_member") == 1 and ran.count("msp.connectwise.cw_api_key") == 1, ran
    rows = dict((row["namespace"], row["status"]) for row in report(os.path.join(lab.work, "added.json"))["tenants"])
    assert rows == {"sophos_central": "ok", "hudu": "ok", "datto_rmm": "changed"}, rows
    assert_vaulted_keys_work(lab, company)


def test_a_lost_vault_file_keeps_the_live_keys_and_reports_them(make_lab):
    lab = make_lab()
    (company,) = lab.add_tenants([{"company_id": "lost", "members": 5, "integrator_login": True}])
    write_host_vars(lab, company, "integrations.yml", {"cw_integrations": ["sophos_central", "hudu"]})
    assert lab.playbook("onboard").returncode == 0
    before = live_keys(lab, company)
    vault = lab.read_vault(company)
    os.remove(lab.vault_file(company))

    # the member and role are the collection's by their notes marker and the member's role; the keys are unknown
    run = lab.playbook("onboard", "-e", "cw_run_report=%s" % os.path.join(lab.work, "after.json"))
    assert run.returncode == 0, str(run)
    after = live_keys(lab, company)
    for name in ("sophos_central", "hudu"):
        assert set(before[name]) < set(after[name]) and len(after[name]) == 2, "%s: keys %s -> %s" % (name, before[name], after[name])
        prefix = namespaced(name)
        assert lab.authenticates(company, vault[prefix + "public_key"], vault[prefix + "private_key"]), \
            "%s: the old key was deleted or disabled" % name
    rows = {row["namespace"]: row for row in report(os.path.join(lab.work, "after.json"))["tenants"]}
    for name in ("sophos_central", "hudu"):
        assert rows[name]["key"]["to_retire"] == before[name], rows[name]
        assert rows[name]["key"]["replaced_deleted"] == []
    assert_vaulted_keys_work_for(lab, company, ("sophos_central", "hudu"))

    # retiring them is an explicit request, and deletes only the integration's own old keys
    lab.reset_stats()
    run = lab.playbook("onboard", "-e", "cw_integration=hudu", "-e", "integration_remove_replaced_keys=true")
    assert run.returncode == 0, str(run)
    final = live_keys(lab, company)
    assert final["sophos_central"] == after["sophos_central"], "another integration's keys were touched"
    assert final["hudu"] == sorted(set(after["hudu"]) - set(before["hudu"])), final
    assert lab.stats()[company]["writes"] == 1, "retiring one key took %d writes" % lab.stats()[company]["writes"]


def assert_vaulted_keys_work_for(lab, company, names):
    vault = lab.read_vault(company)
    for name in names:
        prefix = namespaced(name)
        assert lab.authenticates(company, vault[prefix + "public_key"], vault[prefix + "private_key"]), name


def test_a_010_vault_file_moves_to_its_namespace_without_a_request(make_lab):
    lab = make_lab()
    (company,) = lab.add_tenants([{"company_id": "upgrade", "members": 5, "integrator_login": True}])
    assert lab.playbook("onboard").returncode == 0
    vault = lab.read_vault(company)
    prefix = namespaced("sophos_central")
    # what 0.1.0 wrote: the same entries without a namespace
    legacy = dict((name.replace(prefix, "cw_integration_"), value) for name, value in vault.items())
    write_private(lab.vault_file(company), lab.vault.encrypt(yaml.safe_dump(legacy).encode("utf-8")))
    keys = live_keys(lab, company)

    lab.reset_stats()
    run = lab.playbook("onboard")
    assert run.returncode == 0, str(run)
    assert lab.stats()[company]["writes"] == 0, "the upgrade sent write requests to ConnectWise"
    assert live_keys(lab, company) == keys
    moved = lab.read_vault(company)
    assert moved == vault, "entries after the upgrade: %s" % sorted(moved)
    # and the next run is quiet
    lab.reset_stats()
    run = lab.playbook("onboard")
    assert run.returncode == 0 and run.recap[company]["changed"] == 0, str(run)
    assert lab.stats()[company]["writes"] == 0


def as_admin(lab, company, method, path, body):
    """What a person does in the UI, through the API with the tenant's bootstrap key."""
    with open(os.path.join(lab.inventory, "host_vars", company, "bootstrap.vault.yml"), "rb") as handle:
        boot = yaml.safe_load(lab.vault.decrypt(handle.read()))
    token = base64.b64encode(("%s+%s:%s" % (company, boot["cw_bootstrap_public_key"], boot["cw_bootstrap_private_key"])).encode())
    request = urllib.request.Request(lab.url + "/v4_6_release/apis/3.0" + path, method=method, data=json.dumps(body).encode(),
                                     headers={"Authorization": "Basic " + token.decode(), "clientId": harness.CLIENT_ID,
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def test_the_fleet_audit_finds_a_hand_made_admin_member_and_a_key_the_vault_does_not_know(make_lab):
    lab = make_lab()
    (company,) = lab.add_tenants([{"company_id": "fleet", "members": 5, "integrator_login": True}])
    write_host_vars(lab, company, "integrations.yml", {"cw_integrations": ["sophos_central", "hudu"]})
    assert lab.playbook("onboard").returncode == 0
    admin_role = [r for r in lab.state(company)["tables"]["roles"] if r["name"] == "Admin"][0]
    member = as_admin(lab, company, "POST", "/system/apiMembers",
                      {"identifier": "HandMade", "name": "Made by hand", "securityRole": {"id": admin_role["id"]}})
    key = as_admin(lab, company, "POST", "/system/apiMembers/%d/apiKeys" % member["id"], {"description": "someone's script"})

    lab.reset_stats()
    run = lab.playbook("fleet_audit", "-e", "cw_audit_report_dir=%s" % lab.work)
    assert run.returncode == 0, str(run)
    assert lab.stats()[company]["writes"] == 0
    with open(os.path.join(lab.work, "connectwise-fleet.json"), encoding="utf-8") as handle:
        (row,) = json.load(handle)["tenants"]
    members = dict((m["identifier"], m) for m in row["members"])
    assert members["HandMade"]["integration"] is None and members["HandMade"]["role"]["admin"] is True
    assert members["HandMade"]["unknown_keys"] == [key["id"]]
    assert any("HandMade holds the administrator role Admin" in p for p in row["problems"]), row["problems"]
    assert any("HandMade has 1 key(s) the vault file does not know" in p for p in row["problems"]), row["problems"]
    # the integrations' members are theirs, with their vaulted key and no finding
    for name in ("sophos_central", "hudu"):
        identifier = harness.profile(name)["member"]["identifier"]
        assert members[identifier]["integration"] == name and members[identifier]["role"]["admin"] is False
        assert members[identifier]["unknown_keys"] == [] and members[identifier]["problems"] == []
        assert [k["known"] for k in members[identifier]["keys"]] == [name]
    assert sorted(row["integrations"]) == ["hudu", "sophos_central"]
    assert "HandMade" in run.output and "#%d" % key["id"] in run.output
    # read-only and stable: a second audit of the unchanged fleet changes nothing
    again = lab.playbook("fleet_audit", "-e", "cw_audit_report_dir=%s" % lab.work)
    assert again.returncode == 0 and again.recap[company]["changed"] == 0, str(again)


def test_rotate_and_offboard_one_integration_leave_the_others_alone(make_lab):
    lab = make_lab()
    (company,) = lab.add_tenants([{"company_id": "one-of-two", "members": 5, "integrator_login": True}])
    write_host_vars(lab, company, "integrations.yml", {"cw_integrations": ["sophos_central", "hudu"]})
    assert lab.playbook("onboard").returncode == 0
    sophos = dict((name, value) for name, value in lab.read_vault(company).items() if name.startswith(namespaced("sophos_central")))
    keys = live_keys(lab, company)

    lab.reset_stats()
    run = lab.playbook("rotate_keys", "-e", "cw_integration=hudu")
    assert run.returncode == 0, str(run)
    after = live_keys(lab, company)
    assert after["sophos_central"] == keys["sophos_central"] and len(after["hudu"]) == 2, after
    vault = lab.read_vault(company)
    assert dict((n, v) for n, v in vault.items() if n.startswith(namespaced("sophos_central"))) == sophos

    # offboarding a tenant with several integrations names the one to offboard
    lab.reset_stats()
    refused = lab.playbook("offboard")
    assert refused.returncode != 0 and "name the one to offboard" in refused.output, str(refused)
    assert lab.stats()[company]["writes"] == 0

    run = lab.playbook("offboard", "-e", "cw_integration=hudu")
    assert run.returncode == 0, str(run)
    final = live_keys(lab, company)
    assert final["sophos_central"] == keys["sophos_central"] and final["hudu"] == [], final
    vault = lab.read_vault(company)
    assert not any(name.startswith(namespaced("hudu")) for name in vault), sorted(vault)
    assert dict((n, v) for n, v in vault.items() if n.startswith(namespaced("sophos_central"))) == sophos
    assert lab.authenticates(company, sophos[namespaced("sophos_central") + "public_key"], sophos[namespaced("sophos_central") + "private_key"])
