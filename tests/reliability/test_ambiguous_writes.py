"""Ambiguous writes: the server commits a create, then the connection drops before the answer."""

from conftest import DESCRIPTION, assert_converged, assert_rerun_is_quiet, integration_state, vaulted_private_key

KEY_POST = "POST /system/apiMembers/{id}/apiKeys"
KEY_DELETE = "DELETE /system/apiMembers/{id}/apiKeys/{keyId}"


def test_lost_answers_to_every_create_leave_no_duplicate(make_lab):
    lab = make_lab()
    lab.add_tenants([{"company_id": "lost-answers", "members": 10, "integrator_login": True}])
    # the role, the member and the key are each created, and each answer is lost
    lab.faults("lost-answers", ambiguous_write_next=3)
    run = lab.playbook("onboard")
    assert run.returncode == 0, str(run)
    stats = lab.stats()["lost-answers"]
    assert stats["by_route"]["POST /system/securityroles"] == 1, stats["by_route"]
    assert stats["by_route"]["POST /system/apiMembers"] == 1, stats["by_route"]
    # the key whose private key was lost is deleted and made again, so the vault holds a usable secret
    assert stats["by_route"][KEY_POST] == 2, stats["by_route"]
    assert stats["by_route"][KEY_DELETE] == 1, stats["by_route"]
    assert_converged(lab, "lost-answers")
    assert_rerun_is_quiet(lab)


def test_every_create_answer_lost_leaves_no_secretless_key(make_lab):
    lab = make_lab()
    lab.add_tenants([{"company_id": "always-lost", "members": 10, "integrator_login": True}])
    lab.faults("always-lost", ambiguous_write_rate=1.0)
    run = lab.playbook("onboard")
    assert run.returncode != 0, "every create answer was lost; the run cannot have succeeded\n%s" % run
    assert "Traceback" not in run.output
    members, keys, roles = integration_state(lab, "always-lost")
    assert len(roles) == 1 and len(members) == 1, "duplicates: %d roles, %d members" % (len(roles), len(members))
    # each key made without a usable answer was deleted again: no key described like ours is left behind
    assert keys == [], "keys %r described %r left without a secret in the vault" % ([k["id"] for k in keys], DESCRIPTION)
    assert vaulted_private_key(lab, "always-lost") is None
    stats = lab.stats()["always-lost"]["by_route"]
    assert stats[KEY_POST] >= 2 and stats[KEY_DELETE] == stats[KEY_POST], stats

    lab.faults("always-lost")
    assert lab.playbook("onboard").returncode == 0
    assert_converged(lab, "always-lost")
