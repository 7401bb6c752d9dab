"""Names ConnectWise accepts onboard and re-run cleanly: non-ASCII role and member names (an emoji among them) and
an identifier that looks like a number.

The end state is read from the simulator: one role with the name as given, one member holding it, one key, a vaulted
key that authenticates and records the names unchanged, and a re-run that writes nothing.
"""

import os

import pytest
import yaml

import harness
from conftest import DESCRIPTION, PREFIX, assert_rerun_is_quiet, assert_vault_file_sound

CASES = {
    "names-emoji": {"integration_role_name": "Sophos \U0001F510 Intégration", "integration_member_name": "Sophos Größe \U0001F680"},
    "names-cjk": {"integration_role_name": "ソフォス連携", "integration_member_name": "索福斯 API"},
    "names-digits": {"integration_member_identifier": "12345"},
}


@pytest.mark.parametrize("surface", ["extended"])
def test_names_within_limits_onboard_and_rerun_quietly(make_lab, surface):
    lab = make_lab(surface=surface)
    lab.add_tenants([{"company_id": company, "members": 8, "integrator_login": True} for company in CASES])
    for company, names in CASES.items():
        with open(os.path.join(lab.inventory, "host_vars", company, "names.yml"), "w", encoding="utf-8") as handle:
            yaml.safe_dump(names, handle, allow_unicode=True)

    run = lab.playbook("onboard")
    assert run.returncode == 0, str(run)

    profile = harness.profile("sophos_central")
    for company, names in CASES.items():
        role_name = names.get("integration_role_name", profile["role"]["name"])
        identifier = names.get("integration_member_identifier", profile["member"]["identifier"])
        member_name = names.get("integration_member_name", profile["member"]["name"])
        members, keys, roles = harness.integration_objects(lab.state(company), identifier, DESCRIPTION, role_name)
        assert (len(roles), len(members), len(keys)) == (1, 1, 1), "%s: %d roles, %d members, %d keys" % (
            company, len(roles), len(members), len(keys))
        assert roles[0]["name"] == role_name and members[0]["firstName"] == member_name, company
        assert members[0]["securityRole"]["id"] == roles[0]["id"], "%s: the member does not hold the role" % company
        vault = assert_vault_file_sound(lab, company)
        assert (vault[PREFIX + "role"], vault[PREFIX + "member"]) == (role_name, identifier), company
        assert vault[PREFIX + "member_id"] == members[0]["id"], "%s: the vault records member id %r" % (company, vault[PREFIX + "member_id"])
        assert lab.authenticates(company, vault[PREFIX + "public_key"], vault[PREFIX + "private_key"]), company

    assert_rerun_is_quiet(lab)
