"""The codebase is discovered once per tenant and run, whichever step talks to the server first.

``/login/companyinfo/{company}`` is unauthenticated and answered before any other call; a step that does not
receive the codebase from an earlier one asks again. The count comes from the simulator's access log.
"""

import pytest

from conftest import assert_converged


@pytest.mark.parametrize("login_mode", ["check", "skip", "ensure"])
def test_codebase_is_discovered_once_per_run(make_lab, login_mode):
    lab = make_lab()
    company = "codebase-" + login_mode
    lab.add_tenants([{"company_id": company, "members": 3, "integrator_login": True}])
    extra = ["-e", "integration_integrator_login=" + login_mode]
    if login_mode == "ensure":
        extra += ["-e", "integration_integrator_username=sophos-integrator", "-e", "integration_integrator_password=Sim-Pa55word!x"]
    for attempt in ("fresh", "re-run"):
        lab.reset_stats()
        run = lab.playbook("onboard", "--limit", company, *extra)
        assert run.returncode == 0, str(run)
        stats = lab.stats()[company]
        assert stats.get("companyinfo", 0) == 1, "%s %s run: %d codebase discoveries\n%s" % (
            login_mode, attempt, stats.get("companyinfo", 0), run)
    assert_converged(lab, company)
    assert stats["writes"] == 0 and stats["total"] <= 8, stats
