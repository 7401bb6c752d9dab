# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ConnectWise client: sites, conditions, error sentences, retry policy, and its conduct towards a server
that misbehaves (a local HTTP server on 127.0.0.1 plays that server)."""

from __future__ import annotations

import base64
import json

import pytest

from ansible_collections.msp.connectwise.plugins.module_utils import _client as client
from ansible_collections.msp.connectwise.plugins.module_utils._client import CWError
from ansible_collections.msp.connectwise.tests.unit.plugins.module_utils.local_http import Listener, send, trickle, wait_for_list


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


@pytest.mark.parametrize("status, retries, said", [
    (500, None, None), (500, 0, None), (503, 2, "after 2 retries"), (429, 0, "ConnectWise rate-limited"),
    (429, 3, "ConnectWise kept rate-limiting"), (502, 1, "after 1 retries"),
])
def test_error_mentions_retries_only_when_some_happened(status, retries, said):
    text = client.error_message(status, "GET", "https://h/x", _body("X", "Nope."), retries=retries)
    if said is None:
        assert "retr" not in text and "kept" not in text, text
    else:
        assert said in text, text


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


@pytest.mark.parametrize("header, seconds", [("5", 5), ("86400", client.RETRY_AFTER_MAX), (None, None)])
def test_retry_after_is_capped(header, seconds):
    class Answer:  # pylint: disable=too-few-public-methods
        headers = {"Retry-After": header} if header else {}

    assert client.build_retry(3).get_retry_after(Answer()) == seconds


def test_client_sets_auth_headers_and_tls(tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not checked before a request\n")
    cw = client.CWClient("http://127.0.0.1:1", "acme", "PUB", "PRIV", "cid-1", codebase="v4_6_release",
                         api_version="2025.1", ca_path=str(bundle), timeout=5, retries=2)
    assert cw._auth == ("acme+PUB", "PRIV")  # pylint: disable=protected-access
    assert cw.session.auth is None  # a session's auth would also go out with the unauthenticated discovery call
    assert cw.session.headers["clientId"] == "cid-1"
    assert cw.session.headers["Accept"].endswith("version=2025.1")
    assert cw.session.verify == str(bundle)
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


# ---------------------------------------------------------------------------------------------
# Never a credential to another host, never one in a message, never a read without bounds
# ---------------------------------------------------------------------------------------------

PRIVATE = "Pr1v/ate+Key=="
PAIR = "acme+PUB:" + PRIVATE
B64 = base64.b64encode(PAIR.encode()).decode()


@pytest.mark.parametrize("url, other, same", [
    ("https://cw.example.com/a?x=1", "https://cw.example.com/b?page=2", True),
    ("https://cw.example.com/a", "https://CW.example.com:443/b", True),
    ("http://127.0.0.1:8080/a", "http://127.0.0.1:8080/b", True),
    ("https://cw.example.com/a", "http://cw.example.com/b", False),  # never https -> http
    ("http://cw.example.com/a", "https://cw.example.com/b", False),
    ("https://cw.example.com/a", "https://cw.example.com:8443/b", False),
    ("https://cw.example.com/a", "https://evil.example.com/b", False),
    ("https://cw.example.com/a", "https://cw.example.com.evil.example/b", False),
    ("https://cw.example.com/a", "https://cw.example.com@evil.example/b", False),
    ("https://cw.example.com/a", "ftp://cw.example.com/b", False),
    ("https://cw.example.com/a", "https://cw.example.com:notaport/b", False),
    ("https://cw.example.com/a", "/relative/path", False),  # list() resolves a relative link before it asks
])
def test_same_origin(url, other, same):
    assert client.same_origin(url, other) is same


@pytest.mark.parametrize("echoed", [
    PRIVATE, PAIR, B64, B64.rstrip("="), "Basic " + B64, base64.urlsafe_b64encode(PAIR.encode()).decode(),
    base64.b64encode(PRIVATE.encode()).decode(), "acme%2BPUB%3APr1v%2Fate%2BKey%3D%3D", B64.replace("/", "\\/"),
    PRIVATE.replace("/", "\\/"),
])
def test_every_form_of_the_credentials_is_scrubbed(echoed):
    forms = client.credential_forms("acme", "PUB", PRIVATE)
    text = client.scrub_text("The server says: Authorization was %s, rejected." % echoed, forms)
    assert echoed not in text and PRIVATE not in text and "********" in text, text
    assert "The server says" in text


def test_scrubbing_keeps_the_public_key_and_needs_a_private_key():
    assert client.scrub_text("public key 'PUB' of acme", client.credential_forms("acme", "PUB", PRIVATE)) == "public key 'PUB' of acme"
    assert not client.credential_forms("acme", "PUB", "")


@pytest.mark.parametrize("reason, plain", [
    ("[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)", True),
    ("[SSL] record layer failure (_ssl.c:1000)", True),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate", False),
])
def test_not_tls(reason, plain):
    assert client.not_tls(reason) is plain


@pytest.mark.parametrize("site, verify, warned", [
    ("http://127.0.0.1:8080", True, "plain HTTP"),
    ("http://127.0.0.1:8080", False, "plain HTTP"),
    ("https://cw.example.com", False, "validate_certs is false"),
    ("cw.example.com", True, None),
])
def test_warnings_for_clear_text_and_unverified_tls(site, verify, warned):
    cw = client.CWClient(site, "acme", "PUB", PRIVATE, "cid", codebase="x", validate_certs=verify)
    if warned is None:
        assert cw.warnings == []
    else:
        assert len(cw.warnings) == 1 and warned in cw.warnings[0] and "acme" in cw.warnings[0], cw.warnings
        assert PRIVATE not in cw.warnings[0]


def test_missing_ca_path_is_one_sentence_naming_it():
    with pytest.raises(CWError) as info:
        client.CWClient("https://cw.example.com", "acme", "PUB", PRIVATE, "cid", ca_path="/nonexistent/ca.pem")
    assert "/nonexistent/ca.pem" in str(info.value) and "\n" not in str(info.value)


class Server(Listener):
    """A local server whose answers a test sets per path (404 for any other)."""

    def __init__(self):
        self.routes = {}
        super().__init__(lambda handler: self.routes.get(handler.path.split("?", 1)[0], answer(404, b"{}"))(handler))


def answer(status=200, body=b"[]", headers=None):
    """An answer for Server.routes; body and headers may be functions of the request."""
    def respond(handler):
        send(handler, status, body(handler) if callable(body) else body, headers(handler) if callable(headers) else headers)
    return respond


@pytest.fixture(name="servers")
def servers_fixture():
    """(the site, another listener on another port that must never see a credential)."""
    site, other = Server(), Server()
    yield site, other
    site.close()
    other.close()


def make_client(url, **kwargs):
    options = dict(codebase="v4_6_release", timeout=3, retries=0)
    options.update(kwargs)
    return client.CWClient(url, "acme", "PUB", PRIVATE, "cid", **options)


LIST = "/v4_6_release/apis/3.0/system/members"


def echo_auth(handler):
    return json.dumps({"code": "Oops", "message": "bad header Authorization: %s (%s)"
                       % (handler.headers.get("Authorization"), PAIR) + " " + "x" * 300}).encode()


# (case, routes on the site given the other listener's URL, phrase the error names)
HOSTILE = [
    ("next-link-to-another-port", lambda other: {LIST: answer(headers={"Link": '<%s/steal?page=2>; rel="next"' % other})}, "/steal"),
    ("redirect-to-another-port", lambda other: {LIST: answer(302, b"", {"Location": other + "/steal"})}, "redirect"),
    ("redirect-same-host", lambda other: {LIST: answer(301, b"", {"Location": LIST + "x"})}, "redirect"),
    ("error-echoes-authorization", lambda other: {LIST: answer(500, echo_auth)}, "HTTP 500"),
    ("error-echoes-authorization-401", lambda other: {LIST: answer(401, echo_auth)}, "401"),
    ("next-link-to-the-same-page", lambda other: {LIST: answer(headers=lambda h: {"Link": '<%s>; rel="next"' % h.path})},
     "already read"),
]


@pytest.mark.parametrize("case", HOSTILE, ids=[c[0] for c in HOSTILE])
def test_hostile_server_gets_nothing_and_says_nothing(servers, case):
    site, other = servers
    _name, routes, phrase = case
    site.routes = routes(other.url)
    other.routes = {"/steal": answer()}
    cw = make_client(site.url)
    with pytest.raises(CWError) as info:
        cw.list("system/members")
    text = "%s %s %s" % (info.value, info.value.body, info.value.url)
    assert phrase in str(info.value), str(info.value)
    assert "'acme'" in str(info.value) and "'PUB'" in str(info.value)
    for secret in (PRIVATE, PAIR, B64, B64.rstrip("=")):
        assert secret not in text, text
    assert other.seen == [], "the other listener was asked: %s" % other.seen
    assert all(auth for _path, auth in site.seen)


def test_pages_are_capped(servers, monkeypatch):
    site, _other = servers
    monkeypatch.setattr(client, "MAX_PAGES", 5)
    site.routes = {LIST: answer(body=b'[{"id": 1}]', headers=lambda h: {"Link": '<%s?page=%d>; rel="next"' % (LIST, len(site.seen) + 1)})}
    with pytest.raises(CWError) as info:
        make_client(site.url).list("system/members")
    assert "after 5 pages (5 rows)" in str(info.value) and LIST in str(info.value)
    assert len(site.seen) == 5


def test_pages_on_the_site_are_followed(servers):
    site, _other = servers
    pages = {"1": ('[{"id": 1}]', '<%s%s?page=2>; rel="next"'), "2": ('[{"id": 2}]', '<%s?page=3>; rel="next"'), "3": ('[{"id": 3}]', None)}

    def page(handler):
        number = handler.path.rsplit("page=", 1)[-1] if "page=" in handler.path else "1"
        body, link = pages[number]
        headers = {"Link": link % ((site.url, LIST) if number == "1" else (LIST,))} if link else {}
        answer(body=body.encode(), headers=headers)(handler)

    site.routes = {LIST: page}
    assert make_client(site.url).list("system/members") == [{"id": 1}, {"id": 2}, {"id": 3}]


def test_discovery_goes_without_credentials(servers):
    site, _other = servers
    site.routes = {"/login/companyinfo/acme": answer(body=b'{"Codebase": "v2025_1/"}')}
    cw = make_client(site.url, codebase=None)
    assert cw.codebase == "v2025_1/"
    assert site.seen == [("/login/companyinfo/acme", None)]


def test_an_answer_that_trickles_is_cut_at_the_timeout(servers):
    site, _other = servers
    sent = []
    site.routes = {LIST: lambda handler: trickle(handler, 1000, 0.3, sent)}
    with pytest.raises(CWError) as info:
        make_client(site.url, timeout=1).list("system/members")
    # the client hung up long before the body's end (reading it all would take 300 s)
    assert wait_for_list(sent)[0] < 100, sent
    text = str(info.value)
    assert "whole answer" in text and LIST in text and "'acme'" in text and "'PUB'" in text and PRIVATE not in text, text
    assert info.value.ambiguous


def test_an_answer_too_large_is_refused(servers, monkeypatch):
    site, _other = servers
    monkeypatch.setattr(client, "MAX_ANSWER_BYTES", 1024)
    monkeypatch.setattr(client, "READ_CHUNK", 256)
    site.routes = {LIST: answer(body=b"[" + b"1," * 2000 + b"1]")}
    with pytest.raises(CWError) as info:
        make_client(site.url).list("system/members")
    assert "more than" in str(info.value) and LIST in str(info.value)


@pytest.mark.parametrize("statuses, retries, said", [([500], 3, None), ([503, 503], 1, "after 1 retries"), ([503, 200], 1, "")])
def test_retries_are_counted_not_assumed(servers, statuses, retries, said):
    site, _other = servers
    left = list(statuses)

    def respond(handler):
        status = left.pop(0) if len(left) > 1 else left[0]
        answer(status, b"[]" if status == 200 else b'{"message": "down"}')(handler)

    site.routes = {LIST: respond}
    cw = make_client(site.url, retries=retries)
    if said == "":
        assert cw.list("system/members") == []
        return
    with pytest.raises(CWError) as info:
        cw.list("system/members")
    if said is None:
        assert "retr" not in str(info.value), str(info.value)
    else:
        assert said in str(info.value), str(info.value)


def test_plain_http_server_reached_over_https_says_so(servers):
    site, _other = servers
    host = site.url.split("://", 1)[1]
    with pytest.raises(CWError) as info:
        make_client(host).get("system/info")  # a scheme-less site is https
    text = str(info.value)
    assert "does not speak TLS" in text and "http://" + host in text and "verification failed" not in text, text


@pytest.mark.parametrize("status", [200, 500])
def test_module_warns_once_about_plain_http_and_fails_without_credentials(servers, module_main, status):
    site, _other = servers
    site.routes = {LIST.replace("members", "apiMembers"): answer(status, echo_auth if status == 500 else b"[]")}
    result = module_main("cw_api_member_info", dict(
        site=site.url, company_id="acme", public_key="PUB", private_key=PRIVATE, client_id="cid", codebase="v4_6_release",
        retries=0, timeout=3))
    # ansible-core 2.19 returns each warning as a structure, older cores as a string
    assert json.dumps(result.get("warnings", [])).count("plain HTTP") == 1, result.get("warnings")
    assert bool(result.get("failed")) is (status == 500)
    for secret in (PRIVATE, PAIR, B64, B64.rstrip("=")):
        assert secret not in json.dumps(result)
