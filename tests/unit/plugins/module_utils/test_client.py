# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure parts of the ConnectWise client: sites, conditions, error sentences, retry policy."""

from __future__ import annotations

import json

import pytest

from ansible_collections.msp.connectwise.plugins.module_utils import _client as client
from ansible_collections.msp.connectwise.plugins.module_utils._client import CWError


@pytest.mark.parametrize("site, base, codebase", [
    ("na.myconnectwise.net", "https://api-na.myconnectwise.net", None),
    ("EU.myconnectwise.net", "https://api-eu.myconnectwise.net", None),
    ("au.myconnectwise.net", "https://api-au.myconnectwise.net", None),
    ("aus.myconnectwise.net", "https://api-aus.myconnectwise.net", None),
    ("za.myconnectwise.net", "https://api-za.myconnectwise.net", None),
    ("staging.connectwisedev.com", "https://api-staging.connectwisedev.com", None),
    ("api-na.myconnectwise.net", "https://api-na.myconnectwise.net", None),
    ("cw.example.com", "https://cw.example.com", None),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080", None),
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080", None),
    ("https://na.myconnectwise.net", "https://na.myconnectwise.net", None),
    ("https://cw.example.com/v4_6_release/apis/3.0", "https://cw.example.com", "v4_6_release/"),
    ("https://cw.example.com/prefix", "https://cw.example.com/prefix", None),
])
def test_normalize_site(site, base, codebase):
    assert client.normalize_site(site) == (base, codebase)


@pytest.mark.parametrize("site", ["", "   ", None, "ftp://host", "http://", "bad host/with path"])
def test_normalize_site_rejects(site):
    with pytest.raises(CWError):
        client.normalize_site(site)


@pytest.mark.parametrize("raw, expected", [("v4_6_release", "v4_6_release/"), ("/v2025_1/", "v2025_1/"), ("", ""), (None, "")])
def test_normalize_codebase(raw, expected):
    assert client.normalize_codebase(raw) == expected


def test_accept_header_pins_version():
    assert client.accept_header("2025.1") == "application/vnd.connectwise.com+json; version=2025.1"
    assert "version" not in client.accept_header(None)


@pytest.mark.parametrize("value, literal", [
    ("plain", '"plain"'),
    ('say "hi"', '"say \\"hi\\""'),
    ("back\\slash", '"back\\\\slash"'),
    (True, "true"),
    (False, "false"),
    (42, "42"),
    (None, "null"),
    ("x' or 1=1 --", '"x\' or 1=1 --"'),
])
def test_quote_value(value, literal):
    assert client.quote_value(value) == literal


def test_conditions_builder():
    assert client.condition("identifier", "svc") == 'identifier = "svc"'
    assert client.condition("securityRole/id", 5) == "securityRole/id = 5"
    assert client.condition("id", [1, 3], "in") == "id in (1,3)"
    assert client.condition("name", "Mar", "contains") == 'name contains "Mar"'
    assert client.conditions(client.condition("a", 1), inactiveFlag=False) == "a = 1 and inactiveFlag = false"


@pytest.mark.parametrize("field, op, value", [
    ("bad field", "=", 1), ("a;drop", "=", 1), ("", "=", 1), ("a", "===", 1), ("a", "in", []),
])
def test_condition_rejects(field, op, value):
    with pytest.raises(ValueError):
        client.condition(field, value, op)


def _body(code, message, errors=None):
    return json.dumps({"code": code, "message": message, "errors": errors or []})


def test_error_401_names_company_site_public_key_never_private():
    text = client.error_message(401, "GET", "https://h/x", _body("Unauthorized", "Authentication failed."),
                                company="acme", public_key="PUB123")
    assert "acme" in text and "https://h" in text and "PUB123" in text and "401" in text
    assert "\n" not in text


def test_error_403_names_verb_and_server_detail():
    text = client.error_message(403, "POST", "https://h/apis/3.0/procurement/catalog",
                                _body("Forbidden", "Procurement > Product Catalog: add level None"), company="acme", public_key="P")
    assert "add" in text and "Product Catalog" in text and "403" in text


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 429, 500, 502])
def test_every_http_failure_names_url_company_and_public_key(status):
    text = client.error_message(status, "PATCH", "https://h/apis/3.0/system/apiMembers/7", _body("X", "Nope."),
                                company="acme", public_key="PUB123", retries=3)
    assert "https://h/apis/3.0/system/apiMembers/7" in text and "'acme'" in text and "'PUB123'" in text, text
    assert "\n" not in text


def test_error_400_lists_fields():
    body = _body("InvalidObject", "apiMember object is invalid",
                 [{"code": "ObjectExists", "message": "The identifier is already in use.", "resource": "apiMember", "field": "identifier"}])
    text = client.error_message(400, "POST", "https://h/x", body)
    assert "identifier: The identifier is already in use. (ObjectExists)" in text


@pytest.mark.parametrize("status, word", [(404, "404"), (405, "405"), (409, "conflict"), (429, "429"), (503, "503"), (418, "418")])
def test_error_other_statuses(status, word):
    assert word in client.error_message(status, "GET", "https://h/x", "not json at all", retries=3)


def test_parse_error_body_tolerates_garbage():
    assert client.parse_error_body("<html>oops</html>") == (None, "<html>oops</html>", [])
    assert client.parse_error_body("") == (None, None, [])
    assert client.parse_error_body("null") == (None, None, [])


def test_retry_policy():
    retry = client.build_retry(4)
    assert retry.total == 4 and retry.status == 4 and retry.connect == 4
    assert set(retry.status_forcelist) == {429, 502, 503, 504}
    assert "POST" not in retry.allowed_methods
    assert retry.respect_retry_after_header
    assert retry.backoff_factor > 0
    assert getattr(retry, "backoff_max", 120) <= 120
    if hasattr(retry, "backoff_jitter"):
        assert retry.backoff_jitter > 0
    # a POST is retried after 429 only (the server refused it), never after a 5xx
    assert retry.is_retry("POST", 429, True)
    assert not retry.is_retry("POST", 503, False)
    assert retry.is_retry("GET", 503, False)
    assert retry.is_retry("PATCH", 502, False)
    assert not retry.is_retry("GET", 500, False)


def test_client_sets_auth_headers_and_tls():
    cw = client.CWClient("http://127.0.0.1:1", "acme", "PUB", "PRIV", "cid-1", codebase="v4_6_release",
                         api_version="2025.1", ca_path="/tmp/ca.pem", timeout=5, retries=2)
    assert cw.session.auth == ("acme+PUB", "PRIV")
    assert cw.session.headers["clientId"] == "cid-1"
    assert cw.session.headers["Accept"].endswith("version=2025.1")
    assert cw.session.verify == "/tmp/ca.pem"
    assert cw.api_root == "http://127.0.0.1:1/v4_6_release/apis/3.0"
    insecure = client.CWClient("http://127.0.0.1:1", "acme", "PUB", "PRIV", "cid", codebase="x", validate_certs=False)
    assert insecure.session.verify is False


def test_unreachable_site_is_one_sentence():
    cw = client.CWClient("http://127.0.0.1:9", "acme", "PUB", "PRIV", "cid", codebase="v4_6_release", timeout=2, retries=0)
    with pytest.raises(CWError) as info:
        cw.get("system/info")
    assert "127.0.0.1:9" in str(info.value) and "PRIV" not in str(info.value)
    assert "company 'acme', public key 'PUB'" in str(info.value)
    assert not info.value.ambiguous


def test_create_looks_up_after_ambiguous_failure():
    calls = []

    class Fake(client.CWClient):
        def __init__(self):  # pylint: disable=super-init-not-called
            pass

        def post(self, path, body):
            calls.append(("POST", path))
            raise CWError("lost", ambiguous=True)

    fake = Fake()
    found = {"id": 7}
    assert fake.create("x", {}, lookup=lambda: found) == found
    assert calls == [("POST", "x")]

    calls.clear()
    with pytest.raises(CWError):
        fake.create("x", {}, lookup=lambda: None, attempts=2)
    assert len(calls) == 2


def test_create_does_not_retry_clear_failures():
    class Fake(client.CWClient):
        def __init__(self):  # pylint: disable=super-init-not-called
            self.n = 0

        def post(self, path, body):
            self.n += 1
            raise CWError("bad", status=400)

    fake = Fake()
    with pytest.raises(CWError):
        fake.create("x", {}, lookup=lambda: {"id": 1})
    assert fake.n == 1
