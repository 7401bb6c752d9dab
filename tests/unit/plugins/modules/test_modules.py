# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module entry points: bad input fails with one clear sentence before any request is sent."""

from __future__ import annotations

import json

import pytest

AUTH = {"site": "http://127.0.0.1:9", "company_id": "acme", "public_key": "PUB", "private_key": "PRIVATE-SECRET",
        "client_id": "cid", "codebase": "v4_6_release", "retries": 0, "timeout": 2}


@pytest.fixture
def run_module(module_main):
    def runner(module_name, args=None, **kwargs):
        return module_main(module_name, dict(AUTH, **dict(args or {}, **kwargs)))
    return runner


@pytest.mark.parametrize("name, args, words", [
    ("cw_api_member", {"identifier": "a" * 16, "name": "x"}, ["identifier", "15", "16"]),
    ("cw_api_member", {"identifier": "ok", "name": "n" * 31}, ["name", "30"]),
    ("cw_security_role", {"name": "R", "permissions": [{"module": "Finance", "function": "Agreements", "inquire": "Mine"}]},
     ["Mine", "'My'"]),
    ("cw_security_role", {"name": "R", "permissions": [{"module": "Finance", "function": "Agreements", "add": "everything"}]},
     ["everything", "All, My or None"]),
    ("cw_security_role", {"name": "x" * 31}, ["name", "30"]),
    ("cw_security_role", {"name": "R", "permissions": [{"module": " ", "function": "Agreements"}]}, ["must not be empty"]),
    ("cw_api_key", {"member": "m"}, ["description is required"]),
    ("cw_api_key", {"member": "m", "state": "absent"}, ["description or key_id"]),
    ("cw_api_key", {"member": "m", "description": "d", "adopt_public_key": "P"}, ["together"]),
    ("cw_integrator_login", {"username": "u" * 51}, ["username", "50"]),
    ("cw_credential_check", {"required_permissions": [{"module": "A", "function": "B", "inquire": "Al"}]}, ["'All'"]),
    ("cw_api_member_info", {"timeout": 0}, ["timeout"]),
    ("cw_api_member_info", {"retries": -1}, ["retries"]),
])
def test_bad_input_fails_clearly_without_a_request(run_module, name, args, words):
    result = run_module(name, args)
    assert result["failed"] is True and result["changed"] is False
    for word in words:
        assert word in result["msg"]
    assert "Traceback" not in result["msg"] and "PRIVATE-SECRET" not in json.dumps(result)


def test_unreachable_site(run_module):
    result = run_module("cw_api_member_info")
    assert result["failed"] and "Cannot reach ConnectWise at http://127.0.0.1:9" in result["msg"]
    assert "PRIVATE-SECRET" not in json.dumps(result)


def test_unknown_option_is_rejected(run_module):
    result = run_module("cw_api_member", identifier="x", colour="blue")
    assert result["failed"] and "colour" in result["msg"]
