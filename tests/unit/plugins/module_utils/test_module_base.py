# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure parts of the module base: minimal PATCH operations, projections and scrubbing."""

from __future__ import annotations

from ansible_collections.msp.connectwise.plugins.module_utils import _module as base


def test_patch_operations_only_changed_fields():
    current = {"id": 1, "name": "A", "notes": None, "inactiveFlag": False, "securityRole": {"id": 5, "name": "R"}}
    desired = {"name": "A", "notes": "n", "inactiveFlag": None, "securityRole": {"id": 6}, "emailAddress": None}
    assert base.patch_operations(current, desired) == [
        {"op": "replace", "path": "notes", "value": "n"},
        {"op": "replace", "path": "securityRole", "value": {"id": 6}},
    ]


def test_patch_operations_nothing_to_do():
    current = {"identifier": "SVC", "securityRole": {"id": 5}, "inactiveFlag": None, "notes": None}
    desired = {"identifier": "svc", "securityRole": {"id": 5}, "inactiveFlag": False, "notes": ""}
    assert base.patch_operations(current, desired, case_insensitive=("identifier",)) == []


def test_patch_operations_case_matters_by_default():
    assert base.patch_operations({"name": "abc"}, {"name": "ABC"}) == [{"op": "replace", "path": "name", "value": "ABC"}]


def test_bool_comparison():
    assert base.values_equal(None, False)
    assert not base.values_equal(None, True)
    assert base.values_equal(True, True)


def test_apply_operations_predicts():
    after = base.apply_operations({"id": 1, "name": "a"}, [{"op": "replace", "path": "name", "value": "b"}])
    assert after == {"id": 1, "name": "b"}


def test_projection_reduces_references():
    obj = {"id": 1, "name": "x", "securityRole": {"id": 2, "name": "R", "_info": {"h": "u"}}}
    assert base.projection(obj, ["name", "securityRole", "notes"]) == {"name": "x", "securityRole": {"id": 2, "name": "R"}, "notes": None}


def test_scrub_masks_secrets_deeply():
    data = {"privateKey": "S3CR3T", "nested": [{"password": "pw", "ok": 1}], "PrivateKey": "", "publicKey": "pub"}
    out = base.scrub(data)
    assert "S3CR3T" not in repr(out) and "pw" not in repr(out)
    assert out["publicKey"] == "pub" and out["nested"][0]["ok"] == 1
    assert data["privateKey"] == "S3CR3T"  # the input is untouched


def test_scrub_result_keeps_documented_private_key_only_at_top():
    out = base.scrub_result({"private_key": "NEW", "key": {"privateKey": "NEW"}, "diff": {"after": {"privateKey": "NEW"}}})
    assert out["private_key"] == "NEW"
    assert out["key"]["privateKey"] == base.SCRUBBED and out["diff"]["after"]["privateKey"] == base.SCRUBBED


def test_strip_info():
    assert base.strip_info([{"a": 1, "_info": {}, "b": {"_info": {}, "c": 2}}]) == [{"a": 1, "b": {"c": 2}}]


def test_close_matches_and_suggestion():
    assert base.close_matches("Corprate", ["Corporate", "Region", "Office"]) == ["Corporate"]
    assert "Corporate" in base.suggestion("corprate", ["Corporate"])
    assert base.suggestion("zzzz", ["Corporate"]) == ""


def test_common_spec_env_fallbacks_and_no_log():
    spec = base.common_argument_spec()
    assert spec["private_key"]["no_log"] is True
    envs = {name: opt["fallback"][1][0] for name, opt in spec.items() if "fallback" in opt}
    assert envs == {"site": "CW_MANAGE_SITE", "company_id": "CW_MANAGE_COMPANY_ID", "public_key": "CW_MANAGE_PUBLIC_KEY",
                    "private_key": "CW_MANAGE_PRIVATE_KEY", "client_id": "CW_MANAGE_CLIENT_ID"}
    assert spec["validate_certs"]["default"] is True
