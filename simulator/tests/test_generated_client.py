"""A client generated from ConnectWise's schema parses the simulator's member and API member rows.

pyconnectwise's pydantic models are generated from ConnectWise's OpenAPI document. The pinned package goes
into a virtualenv of its own under ``.work/`` (made on first use from PyPI, reused while the pin is
unchanged); the rows are fetched here and parsed there with the models' strict JSON validation.
"""

import json
import os
import subprocess
import sys

import pytest

from conftest import new_member_with_key
from openapi_shapes import REPO_ROOT

HERE = os.path.dirname(os.path.abspath(__file__))
REQUIREMENTS = os.path.join(HERE, "sdk-client-requirements.txt")
VENV = os.environ.get("CWSIM_SDK_VENV") or os.path.join(REPO_ROOT, ".work", "sdk-client")

PARSE = r"""
import json, sys
from pyconnectwise.models.manage import ApiMember, Member
models = {"members": Member, "apiMembers": ApiMember}
report = {}
for kind, rows in json.load(sys.stdin).items():
    errors, parsed = [], []
    for row in rows:
        try:
            parsed.append(models[kind].model_validate_json(json.dumps(row), strict=True).model_dump(mode="json", by_alias=True))
        except Exception as exc:  # a ValidationError names every field that does not parse
            errors.append("%s %s: %s" % (kind, row.get("identifier"), exc))
    report[kind] = {"errors": errors, "parsed": parsed}
json.dump(report, sys.stdout)
"""


def _read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


@pytest.fixture(scope="session")
def sdk_python():
    """The interpreter of the SDK's own virtualenv, made or refreshed when the pin changed."""
    python = os.path.join(VENV, "bin", "python")
    marker = os.path.join(VENV, ".installed")
    wanted = _read(REQUIREMENTS)
    if not os.path.exists(marker) or _read(marker) != wanted:
        subprocess.run([sys.executable, "-m", "venv", "--clear", VENV], check=True, timeout=60)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", REQUIREMENTS],
                       check=True, timeout=100)
        with open(marker, "w", encoding="utf-8") as handle:
            handle.write(wanted)
    return python


def parse(sdk_python, rows):
    done = subprocess.run([sdk_python, "-c", PARSE], input=json.dumps(rows), capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_generated_models_parse_member_and_api_member_rows(admin, sdk_python):
    # every kind of row: seeded full and API members, one made through each endpoint, one patched inactive
    new_member_with_key(admin, [{"module": "System", "function": "Member Maintenance", "inquireLevel": "All"}])
    made = admin.post("/system/members", {"identifier": "jdoe", "licenseClass": "F", "firstName": "Jane", "lastName": "Doe",
                                          "hireDate": "2025-03-01T00:00:00Z", "defaultEmail": "Office",
                                          "defaultPhone": "Office", "securityRole": {"id": 3}, "password": "Passw0rd-1",
                                          "officeEmail": "jdoe@example.invalid", "reportsTo": {"id": 1}})
    assert made.status_code == 201, made.text
    offboarded = admin.patch("/system/apiMembers/%d" % admin.get("/system/apiMembers").json()[-1]["id"],
                             [{"op": "replace", "path": "inactiveFlag", "value": True}])
    assert offboarded.status_code == 200, offboarded.text
    rows = {kind: admin.get("/system/" + kind, params={"pageSize": 1000}).json() for kind in ("members", "apiMembers")}
    assert len(rows["members"]) == 10 and len(rows["apiMembers"]) == 3
    report = parse(sdk_python, rows)
    for kind in rows:
        assert report[kind]["errors"] == [], "\n".join(report[kind]["errors"])
        assert len(report[kind]["parsed"]) == len(rows[kind])
    for member in report["members"]["parsed"]:
        assert member["lastName"] is not None and member["hireDate"] and member["securityRole"]["id"]
    assert {m["identifier"]: m["primaryEmail"] for m in report["members"]["parsed"]}["jdoe"] == "jdoe@example.invalid"
    assert any(m["inactiveFlag"] and m["inactiveDate"] for m in report["apiMembers"]["parsed"])


def test_the_generated_models_reject_what_the_simulator_used_to_answer(admin, sdk_python):
    """The check bites: a row without the fields the old member view left out, or with a null string, fails."""
    row = admin.get("/system/members", params={"pageSize": 1}).json()[0]
    short = {k: v for k, v in row.items() if k not in ("invoicingDisplayOptions", "agreementInvoicingDisplayOptions",
                                                       "invoiceScreenDefaultTabFormat")}
    wrong_type = dict(row, hourlyRate="95", teams="1,2")
    report = parse(sdk_python, {"members": [short, wrong_type]})
    assert len(report["members"]["errors"]) == 2
    assert "invoicingDisplayOptions" in report["members"]["errors"][0] and "hourlyRate" in report["members"]["errors"][1]
