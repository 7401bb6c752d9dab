"""A converged tenant is confirmed by the plan step alone; anything that would change sends the run through its steps.

The plan step runs the onboard steps' modules read-only in its own process. These tests pin both sides: on a
converged tenant no other module task runs, nothing is written and the summary is the one the steps as tasks report
(msp_connectwise_in_process=false runs them as tasks); after a person changes the tenant in the UI the run goes
through the steps, puts it right, and the next run is confirmed by the plan step again.
"""

import json
import os

from conftest import DESCRIPTION, assert_converged, integration_state

PLAN = "msp.connectwise.cw_integration_plan"


def ran(run, host):
    """The collection's module tasks that ran for ``host`` (not skipped), by action name."""
    return sorted(r["action"] for r in run.records()
                  if r["host"] == host and str(r["action"]).startswith("msp.connectwise.") and r["status"] != "skipped")


def summaries(lab, run_file, *extra):
    run = lab.playbook("onboard", "-e", "cw_run_report=%s" % run_file, *extra)
    assert run.returncode == 0, str(run)
    with open(run_file, encoding="utf-8") as handle:
        return run, dict((row["tenant"], row) for row in json.load(handle)["tenants"])


def onboarded(make_lab, tenants):
    lab = make_lab()
    companies = lab.add_tenants(tenants)
    first = lab.playbook("onboard")
    assert first.returncode == 0, str(first)
    for company in companies:
        assert_converged(lab, company)
        assert len(ran(first, company)) > 1, "the first run did not run its steps: %s" % ran(first, company)
    return lab, companies


def test_converged_tenant_is_confirmed_by_the_plan_step_alone(make_lab):
    lab, companies = onboarded(make_lab, [{"company_id": "fast-a", "members": 3, "integrator_login": True},
                                          {"company_id": "fast-b", "members": 40, "integrator_login": True}])
    vaults = dict((company, lab.read_vault(company)) for company in companies)

    lab.reset_stats()
    run, fast = summaries(lab, os.path.join(lab.work, "fast.json"))
    stats = lab.stats()
    for company in companies:
        assert ran(run, company) == [PLAN], "%s: module tasks besides the plan step ran: %s" % (company, ran(run, company))
        assert run.recap[company]["changed"] == 0, str(run)
        assert stats[company]["writes"] == 0, "%s: %d write requests" % (company, stats[company]["writes"])
        # the same reads as the steps as tasks: independent of the tenant's size
        assert stats[company]["reads"] == stats[companies[0]]["reads"], stats
        assert lab.read_vault(company) == vaults[company], "%s: the vault file changed" % company
        assert fast[company]["status"] == "ok" and fast[company]["verified"] is True, fast[company]

    lab.reset_stats()
    run, tasks = summaries(lab, os.path.join(lab.work, "tasks.json"), "-e", "msp_connectwise_in_process=false")
    for company in companies:
        assert PLAN in ran(run, company) and len(ran(run, company)) > 1, ran(run, company)
        assert lab.stats()[company]["writes"] == 0
        assert lab.stats()[company]["reads"] == stats[company]["reads"], "the plan step sent other reads than the steps"
        assert tasks[company] == fast[company], "the summaries differ:\n%s\n%s" % (tasks[company], fast[company])


def test_changes_made_in_the_ui_go_through_the_steps_and_then_converge(make_lab):
    lab, (company,) = onboarded(make_lab, [{"company_id": "fast-ui", "members": 3, "integrator_login": True}])
    members, keys, roles = integration_state(lab, company)
    ui = "/_sim/tenants/%s/ui" % company

    def rerun_repairs(change):
        lab.reset_stats()
        run = lab.playbook("onboard")
        assert run.returncode == 0, str(run)
        assert len(ran(run, company)) > 1, "%s: the plan step took the tenant for converged" % change
        assert lab.stats()[company]["writes"] >= 1, "%s: nothing was put right" % change
        assert_converged(lab, company)
        lab.reset_stats()
        again = lab.playbook("onboard")
        assert again.returncode == 0 and ran(again, company) == [PLAN], "%s: %s" % (change, ran(again, company))
        assert lab.stats()[company]["writes"] == 0

    lab.op("PUT", "%s/securityRoles/%s/settings" % (ui, roles[0]["id"]),
           [{"module": "Procurement", "function": "Product Catalog", "inquire": "None"}])
    rerun_repairs("a role cell lowered")

    lab.op("POST", "%s/apiMembers/%s/deactivate" % (ui, members[0]["id"]))
    rerun_repairs("the member deactivated")

    vaulted = lab.read_vault(company)["cw_integration_sophos_central_key_id"]
    lab.op("DELETE", "%s/apiMembers/%s/apiKeys/%s" % (ui, members[0]["id"], vaulted))
    rerun_repairs("the vaulted key deleted")
    assert lab.read_vault(company)["cw_integration_sophos_central_key_id"] != vaulted

    # a second key of the integration's description, made by a person: kept and reported, the tenant stays converged
    extra = lab.op("POST", "%s/apiMembers/%s/apiKeys" % (ui, members[0]["id"]), {"description": DESCRIPTION})
    lab.reset_stats()
    run, rows = summaries(lab, os.path.join(lab.work, "extra.json"))
    assert ran(run, company) == [PLAN] and lab.stats()[company]["writes"] == 0, ran(run, company)
    assert rows[company]["key"]["to_retire"] == [extra["id"]], rows[company]
