"""Never harm what the collection did not make: a member, role or key of the integration's name that a person (or
another tool) made is left alone by onboard, rotate_keys and offboard, with one sentence and no write, until the user
takes it over on purpose (integration_adopt_existing=true).

Every case is read from the simulator: zero write requests and the tenant's state unchanged.
"""

import base64
import json
import os
import urllib.request

import pytest
import yaml

import harness

BOOTSTRAP = "cwsim-bootstrap"

# (case id, playbook, extra variables, phrase the one sentence must contain)
CASES = [
    ("onboard-onto-the-admin-member", "onboard", {"integration_member_identifier": BOOTSTRAP}, "API member 'cwsim-bootstrap' exists"),
    ("offboard-the-admin-member", "offboard", {"integration_member_identifier": BOOTSTRAP}, "API member 'cwsim-bootstrap' exists"),
    ("rotate-on-the-admin-member", "rotate_keys", {"integration_member_identifier": BOOTSTRAP}, "API member 'cwsim-bootstrap' exists"),
    ("rotate-on-a-member-id", "rotate_keys", {"integration_member_identifier": "BOOTSTRAP_ID"}, "There is no API member"),
    ("onboard-with-the-admin-role", "onboard", {"integration_role_name": "Admin"}, "administrator role"),
    ("onboard-with-a-built-in-role", "onboard", {"integration_role_name": "Technician"}, "Security role 'Technician' exists"),
    ("adopt-does-not-lift-a-missing-member", "rotate_keys", {"integration_member_identifier": "nobody",
                                                             "integration_adopt_existing": True}, "There is no API member"),
]


@pytest.fixture(name="lab", scope="module")
def lab_fixture(tmp_path_factory):
    lab = harness.Lab(str(tmp_path_factory.mktemp("harm") / "lab"))
    lab.__enter__()  # pylint: disable=unnecessary-dunder-call
    yield lab
    lab.__exit__(None, None, None)


def run_with(lab, company, playbook, extra_vars):
    path = os.path.join(lab.work, "vars-%s-%s.json" % (company, playbook))
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(extra_vars, handle)
    return lab.playbook(playbook, "--limit", company, "-e", "@" + path)


def make_role_by_hand(lab, company, name):
    """What a person does in System > Security Roles, through the API with the tenant's bootstrap key."""
    with open(os.path.join(lab.inventory, "host_vars", company, "bootstrap.vault.yml"), "rb") as handle:
        boot = yaml.safe_load(lab.vault.decrypt(handle.read()))
    token = base64.b64encode(("%s+%s:%s" % (company, boot["cw_bootstrap_public_key"], boot["cw_bootstrap_private_key"])).encode())
    request = urllib.request.Request(lab.url + "/v4_6_release/apis/3.0/system/securityroles", method="POST",
                                     data=json.dumps({"name": name, "roleType": "Member"}).encode(),
                                     headers={"Authorization": "Basic " + token.decode(), "clientId": harness.CLIENT_ID,
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def bootstrap_member(state):
    return [m for m in state["tables"]["members"] if m["identifier"] == BOOTSTRAP][0]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_what_the_collection_did_not_make_is_left_alone(lab, case):
    name, playbook, extra_vars, phrase = case
    company = "harm-" + name[:36]
    lab.add_tenants([{"company_id": company, "members": 5, "integrator_login": True}])
    before = lab.state(company)
    if extra_vars.get("integration_member_identifier") == "BOOTSTRAP_ID":
        extra_vars = dict(extra_vars, integration_member_identifier=str(bootstrap_member(before)["id"]))
    lab.reset_stats()
    run = run_with(lab, company, playbook, extra_vars)
    assert run.returncode != 0, "%s went ahead\n%s" % (name, run)
    assert phrase in run.output and "Traceback" not in run.output, str(run)
    writes = lab.stats().get(company, {}).get("writes", 0)
    assert writes == 0 and lab.state(company) == before, "%s: %d write requests, state changed\n%s" % (name, writes, run)


def test_adopting_on_purpose_takes_over_a_role_made_by_hand(lab):
    company = "harm-adopt"
    lab.add_tenants([{"company_id": company, "members": 5, "integrator_login": True}])
    profile = harness.profile("sophos_central")
    role = make_role_by_hand(lab, company, profile["role"]["name"])
    refused = lab.playbook("onboard", "--limit", company)
    assert refused.returncode != 0 and "exists but msp.connectwise did not make it" in refused.output, str(refused)
    adopted = run_with(lab, company, "onboard", {"integration_adopt_existing": True})
    assert adopted.returncode == 0, str(adopted)
    members, keys, roles = harness.integration_objects(lab.state(company), profile["member"]["identifier"],
                                                       profile["key_description"], profile["role"]["name"])
    assert [r["id"] for r in roles] == [role["id"]] and len(members) == 1 and len(keys) == 1
    assert members[0]["securityRole"]["id"] == role["id"]
    # once adopted, the vault file names the role: later runs need no flag and write nothing
    lab.reset_stats()
    again = lab.playbook("onboard", "--limit", company)
    assert again.returncode == 0 and lab.stats()[company]["writes"] == 0, str(again)
    # the bootstrap member and its keys were never touched
    assert bootstrap_member(lab.state(company))["securityRole"]["id"] == 1
