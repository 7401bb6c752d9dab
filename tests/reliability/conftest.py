"""Fixtures of the reliability suite: real simulators, real ansible-playbook runs, checks against the simulator's state.

Nothing here trusts Ansible's own report: convergence is read from the simulator's state dump and request
counters, and a vaulted key counts only when it authenticates against the simulator.
"""

import os
import stat
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "bench"))

# pylint: disable=wrong-import-position
import harness  # noqa: E402

PROFILE = harness.profile("sophos_central")
IDENTIFIER = PROFILE["member"]["identifier"]
ROLE = PROFILE["role"]["name"]
DESCRIPTION = PROFILE["key_description"]
PREFIX = "cw_integration_sophos_central_"  # the namespace is the profile name


@pytest.fixture(scope="session", autouse=True)
def collection_tree():
    """The playbooks load the collection from the synced tree; sync it once per session."""
    harness.sync_tree()


@pytest.fixture(name="make_lab")
def make_lab_fixture(tmp_path):
    """Start labs (simulator + inventory) that are stopped at the end of the test."""
    labs = []

    def make(surface="extended", sim_args=(), name="lab"):
        lab = harness.Lab(str(tmp_path / name), surface=surface, sim_args=sim_args)
        labs.append(lab.__enter__())  # pylint: disable=unnecessary-dunder-call
        return lab

    yield make
    for lab in reversed(labs):
        lab.__exit__(None, None, None)


def integration_state(lab, company):
    """(members, keys, roles) of the integration in the simulator's state."""
    return harness.integration_objects(lab.state(company), IDENTIFIER, DESCRIPTION, ROLE)


def assert_converged(lab, company):
    """The end state the collection promises, read from the simulator and the vault file alone."""
    members, keys, roles = integration_state(lab, company)
    assert len(roles) == 1, "%s: %d security roles named %r" % (company, len(roles), ROLE)
    assert len(members) == 1, "%s: %d API members %r" % (company, len(members), IDENTIFIER)
    assert not members[0].get("inactiveFlag"), "%s: the integration member is inactive" % company
    assert members[0]["securityRole"]["id"] == roles[0]["id"], "%s: the member does not hold the integration role" % company
    assert len(keys) == 1, "%s: %d keys described %r: %s" % (company, len(keys), DESCRIPTION, [k["id"] for k in keys])
    assert_vault_file_sound(lab, company)
    vault = lab.read_vault(company)
    assert vault, "%s: no vault file" % company
    assert vault[PREFIX + "public_key"] == keys[0]["publicKey"], "%s: the vault holds another key than the live one" % company
    assert lab.authenticates(company, vault[PREFIX + "public_key"], vault[PREFIX + "private_key"]), \
        "%s: the vaulted key does not authenticate" % company
    return keys[0]


def namespaced(profile_name):
    """The prefix of an integration's vault entries when its namespace is its profile's name."""
    return "cw_integration_%s_" % profile_name


# What a run records before its first write to ConnectWise: the role and member it owns (no key yet).
CLAIM_NAMES = ("company_id", "site", "profile", "role", "member")


def assert_vault_file_sound(lab, company, prefix=PREFIX):
    """The vault file is absent or whole: 0600, vault ciphertext from its first byte, decrypts to a mapping that holds
    a key, or only the claim a run records before its first write."""
    path = lab.vault_file(company)
    if not os.path.exists(path):
        return None
    mode = stat.S_IMODE(os.stat(path).st_mode)
    assert mode == 0o600, "%s has mode %o" % (path, mode)
    with open(path, "rb") as handle:
        head = handle.read(14)
    assert head == b"$ANSIBLE_VAULT", "%s is not vault ciphertext" % path
    data = lab.read_vault(company)
    assert isinstance(data, dict), "%s decrypts to %r" % (path, data)
    assert data.get(prefix + "private_key") or set(data) == {prefix + name for name in CLAIM_NAMES}, \
        "%s decrypts to %r keys" % (path, sorted(data))
    return data


def vaulted_private_key(lab, company):
    """The private key the tenant's vault file holds, or None (no file, or only the claim)."""
    data = assert_vault_file_sound(lab, company)
    return (data or {}).get(PREFIX + "private_key")


def assert_rerun_is_quiet(lab):
    """A converged re-run changes nothing and sends no write request to any tenant."""
    lab.reset_stats()
    run = lab.playbook("onboard")
    assert run.returncode == 0, str(run)
    assert all(v.get("changed", 0) == 0 for v in run.recap.values()), str(run)
    writes = {c: s["writes"] for c, s in lab.stats().items() if s["writes"]}
    assert not writes, "write requests during a converged re-run: %s" % writes
