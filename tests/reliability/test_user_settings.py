"""Settings a user may have in ansible.cfg or the environment do not make the playbooks' reports incomplete.

Each playbook prints its table and writes its JSON report once, after every tenant's tasks. With ansible-core's
``free`` strategy those run_once tasks would run as soon as the first tenant reached them, while slower tenants were
still at work - ansible-core runs them once per tenant there, each with what has finished so far - and the last
writer's report wins; the playbooks therefore keep the linear strategy whatever the user's default is. One tenant
answers slowly here, as a far-away or busy ConnectWise site would.
"""

import json
import os
import re

from conftest import assert_converged

FREE = {"ANSIBLE_STRATEGY": "free"}


def report(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def test_a_free_strategy_default_leaves_no_tenant_out_of_the_reports(make_lab):
    lab = make_lab()
    companies = lab.add_tenants([{"company_id": "quick-%d" % i, "members": 3, "integrator_login": True} for i in range(3)]
                                + [{"company_id": "slow", "members": 3, "integrator_login": True}])
    lab.faults("slow", latency_ms=150)

    for kind in ("fresh", "converged"):
        path = os.path.join(lab.work, "%s.json" % kind)
        run = lab.playbook("onboard", "-e", "cw_run_report=%s" % path, env=FREE)
        assert run.returncode == 0, str(run)
        tenants = sorted(row["tenant"] for row in report(path)["tenants"])
        assert tenants == sorted(companies), "%s run: the report holds %s" % (kind, tenants)
        printed = re.findall(r"\d+ tenant\(s\), \d+ integration run\(s\): [^\n]*", run.output)
        expected = "0 unchanged, 4 changed" if kind == "fresh" else "4 unchanged, 0 changed"
        assert len(printed) == 1 and printed[0].startswith("4 tenant(s), 4 integration run(s): " + expected), \
            "%s run: the summary was printed %d times: %s\n%s" % (kind, len(printed), printed, run)
    for company in companies:
        assert_converged(lab, company)

    audit_path = os.path.join(lab.work, "audit.json")
    audit = lab.playbook("audit", "-e", "cw_audit_report=%s" % audit_path, env=FREE)
    assert audit.returncode == 0, str(audit)
    assert "run_once with the free strategy" not in audit.output, str(audit)
    audited = sorted(row["tenant"] for row in report(audit_path)["tenants"])
    assert audited == sorted(companies), "the audit report holds %s" % audited
