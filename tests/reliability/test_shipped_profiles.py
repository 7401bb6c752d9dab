"""Every permission profile the role ships onboards a tenant of its own, end to end, and stays converged.

One onboard run over one tenant per profile (chosen by a host variable, as a user would). The security role's
cells are read from the simulator and must equal the profile's table exactly (the role's default mode is
``exact``), the member must hold that role, the vaulted key must authenticate (the role's verify step has then
also read each of the profile's probe endpoints with it), and the re-run must send no write request.
"""

import glob
import os

import yaml
from cwsim import catalogue

import harness
from conftest import assert_rerun_is_quiet, assert_vault_file_sound, namespaced

PROFILE_DIR = os.path.join(harness.REPO, "roles", "integration", "files", "profiles")
NAMES = sorted(os.path.basename(path)[:-len(".yml")] for path in glob.glob(os.path.join(PROFILE_DIR, "*.yml")))
LEVEL_FIELDS = {verb: verb + "Level" for verb in catalogue.VERBS}


def wanted_cells(profile):
    """{function number: {addLevel: ..., ...}} of the profile's table, names resolved by the simulator's catalogue."""
    cells = {}
    for row in profile["permissions"]:
        number = catalogue.find_function(row["module"], row["function"])
        assert number is not None, "%s: the simulator has no function %s > %s" % (profile["name"], row["module"], row["function"])
        cells[number] = {field: row.get(verb, "None") for verb, field in LEVEL_FIELDS.items()}
    return cells


def granted_cells(state, role_id):
    """The role's cells that grant anything, in the same shape."""
    granted = {}
    for row in state["role_settings"][str(role_id)]:
        levels = {field: row[field] for field in LEVEL_FIELDS.values()}
        if set(levels.values()) != {"None"}:
            granted[row["function"]] = levels
    return granted


def test_every_shipped_profile_onboards_its_own_tenant(make_lab):
    assert "sophos_central" in NAMES and len(NAMES) >= 10, NAMES
    lab = make_lab()
    companies = {name: "profile-" + name.replace("_", "-") for name in NAMES}
    lab.add_tenants([{"company_id": company, "members": 5, "integrator_login": True} for company in companies.values()])
    for name, company in companies.items():
        with open(os.path.join(lab.inventory, "host_vars", company, "profile.yml"), "w", encoding="utf-8") as handle:
            yaml.safe_dump({"integration_profile_name": name}, handle)

    run = lab.playbook("onboard", "--forks", "5")
    assert run.returncode == 0, str(run)

    for name, company in companies.items():
        profile = harness.profile(name)
        state = lab.state(company)
        members, keys, roles = harness.integration_objects(state, profile["member"]["identifier"],
                                                           profile["key_description"], profile["role"]["name"])
        assert (len(roles), len(members), len(keys)) == (1, 1, 1), \
            "%s: %d roles, %d members, %d keys" % (name, len(roles), len(members), len(keys))
        assert members[0]["securityRole"]["id"] == roles[0]["id"], "%s: the member does not hold the role" % name
        assert granted_cells(state, roles[0]["id"]) == wanted_cells(profile), "%s: the role's cells differ from the profile" % name
        vault = assert_vault_file_sound(lab, company, prefix=namespaced(name))
        assert vault[namespaced(name) + "profile"] == name
        assert vault[namespaced(name) + "public_key"] == keys[0]["publicKey"], "%s: the vault holds another key" % name
        assert lab.authenticates(company, vault[namespaced(name) + "public_key"], vault[namespaced(name) + "private_key"]), \
            "%s: the vaulted key does not authenticate" % name

    assert_rerun_is_quiet(lab)
