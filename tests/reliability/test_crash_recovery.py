"""Crash recovery: the controller (ansible-playbook and its workers) is SIGKILLed at each write point.

Write points of a fresh onboarding: after the security role is created, after the API member, after the API key
(before its secret reaches the vault), and in the middle of the vault write (temp file half written, or complete
but not yet renamed). A rotation killed during its vault write covers a vault file that already exists. The next
run converges to the same end state, a key whose secret never reached the vault is found and deleted, and the vault
file is never corrupt or partly written.
"""

import os
import time

import pytest

from conftest import (HERE, PREFIX, assert_converged, assert_rerun_is_quiet, assert_vault_file_sound, integration_state,
                      vaulted_private_key)

HOLD_SECONDS = 120  # far longer than the test needs: the answer never arrives before the kill
DEADLINE = 90


def wait_for(condition, what, process):
    """Poll (bounded) until condition() holds; fail if the playbook ended first."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            raise AssertionError("ansible-playbook ended (exit %s) before %s" % (process.returncode, what))
        time.sleep(0.1)
    raise AssertionError("timed out waiting for %s" % what)


def written(lab, company, route):
    return lambda: lab.op("GET", "/_sim/tenants/%s/stats" % company)["by_route"].get(route, 0) >= 1


def recover_and_check(lab, company):
    assert_vault_file_sound(lab, company)
    faults = lab.op("GET", "/_sim/tenants/%s/faults" % company)
    lab.faults(company)
    del faults
    keys_before = [k["id"] for k in integration_state(lab, company)[1]]
    # the next run finishes the job and deletes no key: the crashed run's key may be one a vendor uses, as far as the
    # run can tell
    run = lab.playbook("onboard")
    assert run.returncode == 0, str(run)
    kept = [k["id"] for k in integration_state(lab, company)[1]]
    assert set(keys_before) <= set(kept), "the recovery run deleted keys %s" % sorted(set(keys_before) - set(kept))
    vault = assert_vault_file_sound(lab, company)
    assert lab.authenticates(company, vault[PREFIX + "public_key"], vault[PREFIX + "private_key"])
    # retiring the keys the vault does not know is the user's explicit request; then the tenant is as promised
    run = lab.playbook("onboard", "-e", "integration_remove_replaced_keys=true")
    assert run.returncode == 0, str(run)
    key = assert_converged(lab, company)
    assert_rerun_is_quiet(lab)
    return key


@pytest.mark.parametrize("route", ["POST /system/securityroles", "POST /system/apiMembers"])
def test_killed_after_a_create(make_lab, route):
    lab = make_lab()
    company = "crash-" + route.rsplit("/", 1)[-1].lower()
    lab.add_tenants([{"company_id": company, "members": 10, "integrator_login": True}])
    lab.faults(company, hold_after_write={"route": route, "seconds": HOLD_SECONDS})
    process = lab.start_playbook("onboard")
    wait_for(written(lab, company, route), route, process)
    lab.kill(process)
    members, keys, roles = integration_state(lab, company)
    assert len(roles) == 1 and len(members) == (1 if "apiMembers" in route else 0) and not keys
    recover_and_check(lab, company)


def test_killed_after_the_key_before_the_vault(make_lab):
    lab = make_lab()
    company = "crash-key"
    route = "POST /system/apiMembers/{id}/apiKeys"
    lab.add_tenants([{"company_id": company, "members": 10, "integrator_login": True}])
    lab.faults(company, hold_after_write={"route": route, "seconds": HOLD_SECONDS})
    process = lab.start_playbook("onboard")
    wait_for(written(lab, company, route), route, process)
    lab.kill(process)
    orphans = integration_state(lab, company)[1]
    assert len(orphans) == 1 and vaulted_private_key(lab, company) is None
    key = recover_and_check(lab, company)
    assert key["id"] != orphans[0]["id"]
    all_keys = [k["id"] for k in lab.state(company)["tables"]["apiKeys"]]
    assert orphans[0]["id"] not in all_keys, "the key whose secret never reached the vault is still there"


@pytest.mark.parametrize("point", ["vault-midwrite", "vault-before-rename"])
def test_killed_during_the_first_vault_write(make_lab, point):
    lab = make_lab()
    company = "crash-" + point
    lab.add_tenants([{"company_id": company, "members": 10, "integrator_login": True}])
    process = lab.start_playbook("onboard", env=crash_env(point))
    process.wait(timeout=DEADLINE)
    process.log_handle.close()
    assert process.returncode == -9, "the crash hook did not fire (exit %s)" % process.returncode
    assert vaulted_private_key(lab, company) is None, "a key reached the vault file although the rename never happened"
    orphans = integration_state(lab, company)[1]
    assert len(orphans) == 1
    assert_no_plaintext_temp(lab, company)
    recover_and_check(lab, company)
    assert orphans[0]["id"] not in [k["id"] for k in lab.state(company)["tables"]["apiKeys"]]
    assert not temp_files(lab, company), "the next write left the crashed write's temp file behind"


@pytest.mark.parametrize("point", ["vault-midwrite", "vault-before-rename"])
def test_killed_during_the_rotation_vault_write(make_lab, point):
    lab = make_lab()
    company = "crash-rot-" + point.split("-", 1)[1]
    lab.add_tenants([{"company_id": company, "members": 10, "integrator_login": True}])
    assert lab.playbook("onboard").returncode == 0
    before = assert_converged(lab, company)
    stored = lab.read_vault(company)
    process = lab.start_playbook("rotate_keys", env=crash_env(point))
    process.wait(timeout=DEADLINE)
    process.log_handle.close()
    assert process.returncode == -9, "the crash hook did not fire (exit %s)" % process.returncode
    # the old file is untouched and whole, and its key still works
    assert lab.read_vault(company) == stored
    assert lab.authenticates(company, stored[PREFIX + "public_key"], stored[PREFIX + "private_key"])
    assert_no_plaintext_temp(lab, company)
    after = recover_and_check(lab, company)
    assert not temp_files(lab, company), "the next write left the crashed write's temp file behind"
    assert after["id"] != before["id"] or after["publicKey"] == stored[PREFIX + "public_key"]


def crash_env(point):
    return {"CW_CRASH_AT": point, "PYTHONPATH": os.path.join(HERE, "crash_hook")}


def temp_files(lab, company):
    directory = os.path.dirname(lab.vault_file(company))
    return [name for name in os.listdir(directory) if name.endswith(".tmp")] if os.path.isdir(directory) else []


def assert_no_plaintext_temp(lab, company):
    """A temp file left by the crash holds ciphertext only and is 0600."""
    directory = os.path.dirname(lab.vault_file(company))
    for name in os.listdir(directory) if os.path.isdir(directory) else []:
        path = os.path.join(directory, name)
        if name.endswith(".tmp"):
            assert os.stat(path).st_mode & 0o077 == 0, "%s is readable by others" % path
            with open(path, "rb") as handle:
                data = handle.read()
            assert not data or data.startswith(b"$ANSIBLE_VAULT"), "%s holds something other than vault ciphertext" % path
