# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ConnectWise Manage REST client.

This module is internal to msp.connectwise: its names may change in any release and it is not
meant for use outside the collection.

One request helper owns the site, codebase discovery, API version pinning, authentication,
the clientId header, TLS, timeouts, paging, retries and the translation of every failure into
one clear sentence that never contains a secret.

The credentials go to the site and nowhere else: redirects are refused, paging links are followed
only on the scheme, host and port of the request, and every message the client builds is scrubbed
of the private key in every form a server could echo it (plain, ``company+public:private``, base64).
Reads are bounded: a list stops after MAX_PAGES pages, an answer after MAX_ANSWER_BYTES bytes or
``timeout`` seconds after it started. What the caller should hear about (plain HTTP, certificates
not verified) is collected in ``CWClient.warnings``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import base64
import functools
import json
import os
import random
import re
import socket
import time
import warnings

from ansible_collections.msp.connectwise.plugins.module_utils._errors import CWError  # noqa: F401 (part of this module's names)

try:
    from urllib.parse import urljoin, urlsplit, quote
except ImportError:  # pragma: no cover - Python 2 is not supported, the import only keeps compile happy
    from urlparse import urljoin, urlsplit  # type: ignore  # pylint: disable=import-error
    from urllib import quote  # type: ignore  # pylint: disable=import-error,no-name-in-module

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import HTTPError as Urllib3Error, InsecureRequestWarning, ReadTimeoutError
    from urllib3.util.retry import Retry
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised only where requests is missing
    requests = None
    HTTPAdapter = object
    Retry = object
    Urllib3Error = ReadTimeoutError = InsecureRequestWarning = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

API_PREFIX = "apis/3.0"
DEFAULT_CODEBASE = "v4_6_release/"
PAGE_SIZE = 1000
MEDIA_TYPE = "application/vnd.connectwise.com+json"
# A list stops with an error after this many pages: 100 pages of 1000 rows are ten times the largest
# list the collection reads (10,000 members), and a server that always answers rel=next is stopped.
MAX_PAGES = 100
# One answer may not be larger than this (a 1000-row page of members is a few MB).
MAX_ANSWER_BYTES = 64 * 1024 * 1024
READ_CHUNK = 64 * 1024
DEFAULT_PORTS = {"http": 80, "https": 443}
SCRUBBED = "********"
# OpenSSL's words when the other end answers a TLS handshake with something that is not TLS (plain HTTP).
_NOT_TLS = ("wrong version number", "wrong_version_number", "record layer failure", "packet length too long",
            "unknown protocol", "http request")

# ConnectWise cloud UI hosts and the API hosts that serve them.
CLOUD_API_HOSTS = {
    "na.myconnectwise.net": "api-na.myconnectwise.net",
    "eu.myconnectwise.net": "api-eu.myconnectwise.net",
    "au.myconnectwise.net": "api-au.myconnectwise.net",
    "aus.myconnectwise.net": "api-aus.myconnectwise.net",
    "za.myconnectwise.net": "api-za.myconnectwise.net",
    "staging.connectwisedev.com": "api-staging.connectwisedev.com",
}

RETRY_STATUSES = (429, 502, 503, 504)
# POST is left out on purpose: a create must never be repeated blindly (see CWClient.create).
RETRY_METHODS = frozenset(["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"])
BACKOFF_FACTOR = 0.5
BACKOFF_MAX = 20.0
BACKOFF_JITTER = 0.25
# A Retry-After longer than this is waited for this long only (urllib3 would wait whatever the server says).
RETRY_AFTER_MAX = 60.0

VERB_BY_METHOD = {"GET": "inquire", "HEAD": "inquire", "POST": "add", "PUT": "edit", "PATCH": "edit", "DELETE": "delete"}

_FIELD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*$")


# ---------------------------------------------------------------------------------------------
# Pure helpers (unit tested)
# ---------------------------------------------------------------------------------------------

def normalize_site(site):
    """Return the base URL (scheme://host[:port][/prefix]) and a codebase found in the URL, if any.

    ``na.myconnectwise.net`` becomes ``https://api-na.myconnectwise.net``; an ``api-`` host, an
    on-premises host name, or a full URL (for example ``http://127.0.0.1:8080``) is used as given.
    A full URL that already points into ``.../apis/3.0`` yields the codebase it contains.
    """
    if site is None or not str(site).strip():
        raise CWError("The ConnectWise site is empty; set site (or CW_MANAGE_SITE) to a host such as na.myconnectwise.net.")
    site = str(site).strip()
    if "://" not in site:
        host = site.strip("/").lower()
        if "/" in host or " " in host:
            raise CWError("The ConnectWise site %r is neither a host name nor a URL." % site)
        host = CLOUD_API_HOSTS.get(host, host)
        return "https://%s" % host, None
    parts = urlsplit(site)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CWError("The ConnectWise site %r is not an http(s) URL." % site)
    path = parts.path.strip("/")
    codebase = None
    marker = path.lower().find(API_PREFIX)
    if marker >= 0:
        codebase = path[:marker].strip("/")
        codebase = codebase + "/" if codebase else ""
        path = ""
    base = "%s://%s" % (parts.scheme, parts.netloc)
    if path:
        base += "/" + path
    return base, codebase


def normalize_codebase(codebase):
    """``v4_6_release`` and ``/v4_6_release/`` both become ``v4_6_release/``."""
    codebase = (codebase or "").strip().strip("/")
    return codebase + "/" if codebase else ""


def is_cloud(base_url):
    host = (urlsplit(base_url).hostname or "").lower()
    return host in CLOUD_API_HOSTS.values() or host.endswith(".myconnectwise.net") or host.endswith(".connectwisedev.com")


def accept_header(api_version):
    if api_version:
        return "%s; version=%s" % (MEDIA_TYPE, api_version)
    return "%s, application/json" % MEDIA_TYPE


def quote_value(value):
    """Render one literal for a ConnectWise ``conditions`` expression."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


def condition(field, value, operator="="):
    """One ``field operator literal`` term; ``in`` takes a list."""
    if not _FIELD_RE.match(field or ""):
        raise ValueError("invalid conditions field name %r" % (field,))
    operator = operator.strip()
    if operator.lower() not in ("=", "!=", "<", "<=", ">", ">=", "contains", "like", "in", "not in"):
        raise ValueError("invalid conditions operator %r" % (operator,))
    if operator.lower() in ("in", "not in"):
        values = list(value)
        if not values:
            raise ValueError("an 'in' condition needs at least one value")
        return "%s %s (%s)" % (field, operator, ",".join(quote_value(v) for v in values))
    return "%s %s %s" % (field, operator, quote_value(value))


def conditions(*terms, **equals):
    """Join terms (strings from :func:`condition`) and ``field=value`` equality pairs with ``and``."""
    parts = list(terms)
    for field in sorted(equals):
        parts.append(condition(field.replace("__", "/"), equals[field]))
    return " and ".join(parts)


def parse_error_body(text):
    """Return (code, message, [field errors]) from a CW error body, tolerating anything."""
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    else:
        if not isinstance(body, dict):
            return None, (body if isinstance(body, str) else None), []
    if not isinstance(body, dict):
        snippet = (text or "").strip().replace("\n", " ")
        return None, snippet[:200] or None, []
    errors = []
    for item in body.get("errors") or []:
        if isinstance(item, dict):
            errors.append(item)
    return body.get("code"), body.get("message"), errors


def describe_field_errors(errors):
    parts = []
    for item in errors:
        field = item.get("field") or item.get("resource") or "?"
        text = item.get("message") or item.get("code") or "invalid"
        code = item.get("code")
        if code and code not in text:
            text = "%s (%s)" % (text, code)
        parts.append("%s: %s" % (field, text))
    return "; ".join(parts)


def tenant_of(company, public_key):
    """Which tenant and key a failure concerns, so that a run over many tenants points at the right one.

    Never given the private key, so it cannot leak it."""
    return " (company %r, public key %r)" % (company, public_key) if company is not None else ""


def error_message(status, method, url, text, company=None, public_key=None, retries=None):
    """Turn an HTTP failure into one sentence. Never given the private key, so it cannot leak it.

    ``retries`` is how many times the request was actually repeated; only then does the sentence say so."""
    code, message, errors = parse_error_body(text)
    detail = (message or code or "no details").rstrip(".")
    where = "%s %s%s" % (method, url, tenant_of(company, public_key))
    if status == 401:
        return ("ConnectWise rejected the credentials (401) for company %r, public key %r on %s %s: %s. "
                "Check company_id, public_key/private_key (or that the key was not deleted or its member deactivated) "
                "and client_id." % (company, public_key, method, url, detail))
    if status == 403:
        verb = VERB_BY_METHOD.get(method, method.lower())
        return ("The API member is not allowed to %s; %s needs the %s level on the module function that owns it "
                "(403): %s" % (where, method, verb, detail))
    if status == 404:
        return "ConnectWise answered 404 Not Found for %s: %s" % (where, detail)
    if status == 405:
        return "ConnectWise does not allow %s (405 Method Not Allowed): %s" % (where, detail)
    if status == 400:
        fields = describe_field_errors(errors)
        return "ConnectWise rejected %s (400 %s): %s%s" % (where, code or "Bad Request", detail, (" [" + fields + "]") if fields else "")
    if status == 409:
        return "ConnectWise reported a conflict for %s (409): %s" % (where, detail)
    tried = (" after %s retries" % retries) if retries else ""
    if status == 429:
        return "ConnectWise %s %s (429)%s: %s" % ("kept rate-limiting" if retries else "rate-limited", where, tried, detail)
    if status is not None and status >= 500:
        return "ConnectWise failed on %s with HTTP %s%s: %s" % (where, status, tried, detail)
    return "ConnectWise answered HTTP %s for %s: %s" % (status, where, detail)


def backoff_delay(attempt):
    """Seconds to wait before attempt number ``attempt`` (1 = the first repeat): capped exponential, with jitter."""
    return min(BACKOFF_MAX, BACKOFF_FACTOR * (2 ** (attempt - 1))) + random.uniform(0, BACKOFF_JITTER)  # nosec - jitter, not crypto


def next_link(response):
    link = response.links.get("next") if response is not None else None
    return link.get("url") if link else None


def origin(url):
    """(scheme, host, port) of a URL, the port made explicit; None for what is not an http(s) URL."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:  # a port that is not a number
        return None
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port


def same_origin(url, other):
    """Whether ``other`` is on the scheme, host and port of ``url`` (https to http is another origin)."""
    mine = origin(url)
    return mine is not None and mine == origin(other)


def credential_forms(company_id, public_key, private_key):
    """Every form in which a server could echo the credentials of one key pair, longest first.

    The private key; ``company+public:private`` (what Basic authentication encodes); both base64-encoded
    (standard and URL-safe alphabet, with and without padding) and percent-encoded; and JSON's escaped
    slash variant of each. The public key alone is not a secret and stays readable."""
    private = str(private_key) if private_key is not None else ""
    if not private:
        return []
    pair = "%s+%s:%s" % (company_id, public_key, private)
    forms = set()
    for plain in (private, pair):
        raw = plain.encode("utf-8")
        for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
            text = encoded.decode("ascii")
            forms.update([text, text.rstrip("=")])
        forms.update([plain, quote(plain, safe="")])
    forms.update([form.replace("/", "\\/") for form in forms if "/" in form])
    return sorted((form for form in forms if form), key=len, reverse=True)


def scrub_text(text, forms):
    """``text`` with every one of ``forms`` replaced by ********."""
    if not text or not forms:
        return text
    text = str(text)
    for form in forms:
        text = text.replace(form, SCRUBBED)
    return text


def retries_made(response):
    """How many times urllib3 repeated the request that ``response`` finally answered."""
    retry = getattr(getattr(response, "raw", None), "retries", None)
    return len(getattr(retry, "history", None) or ())


def not_tls(reason):
    """Whether a TLS failure reads as if the server answered the handshake in plain HTTP."""
    reason = (reason or "").lower()
    return any(words in reason for words in _NOT_TLS)


def _scrubbing(method):
    """Decorate a CWClient method: any CWError it raises leaves without the client's credentials in it."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except CWError as exc:
            self.scrub_error(exc)
            raise
    return wrapper


class _Retry(Retry):  # pylint: disable=too-few-public-methods
    """urllib3 Retry that also repeats a POST answered with 429 (the server refused it unprocessed), and waits
    at most RETRY_AFTER_MAX seconds for a Retry-After, so a server cannot hold a run with a huge one."""

    def is_retry(self, method, status_code, has_retry_after=False):
        if method and method.upper() == "POST" and status_code == 429:
            return bool(self.total) and self.status != 0
        return super(_Retry, self).is_retry(method, status_code, has_retry_after=has_retry_after)

    def get_retry_after(self, response):
        seconds = super(_Retry, self).get_retry_after(response)
        return min(seconds, RETRY_AFTER_MAX) if seconds is not None else None


def build_retry(retries):
    """The retry policy: 429 (honouring Retry-After) and 502/503/504, connect errors, capped
    exponential backoff with jitter; never a POST, except after a 429."""
    kwargs = dict(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        redirect=0,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=RETRY_METHODS,
        backoff_factor=BACKOFF_FACTOR,
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )
    try:
        return _Retry(backoff_max=BACKOFF_MAX, backoff_jitter=BACKOFF_JITTER, **kwargs)
    except TypeError:  # urllib3 1.x: no jitter, fixed cap of 120 s
        return _Retry(**kwargs)


# ---------------------------------------------------------------------------------------------
# The client
# ---------------------------------------------------------------------------------------------

class CWClient:
    """One ConnectWise tenant as seen through one key pair."""

    def __init__(self, site, company_id, public_key, private_key, client_id, codebase=None, api_version=None,
                 validate_certs=True, ca_path=None, timeout=30, retries=3, session=None):
        if not HAS_REQUESTS:
            raise CWError("The Python library 'requests' is required on the host that runs this module: %s" % REQUESTS_IMPORT_ERROR)
        self.base_url, url_codebase = normalize_site(site)
        self.site = site
        self.company_id = company_id
        self.public_key = public_key
        self.tenant = tenant_of(company_id, public_key)
        self.client_id = client_id
        self.api_version = api_version
        self.timeout = timeout
        self.retries = retries
        self._codebase = normalize_codebase(codebase) if codebase else url_codebase
        self._secret_forms = credential_forms(company_id, public_key, private_key)
        self.requests_made = 0
        # what the caller should pass on to the user once (the module base turns them into Ansible warnings)
        self.warnings = []
        scheme = urlsplit(self.base_url).scheme
        if validate_certs and ca_path and not os.path.exists(ca_path):
            raise CWError("ca_path %s does not exist; give the path of the PEM CA bundle that signed the server certificate." % ca_path)
        # the same words for every key pair of a tenant, so that a module run says each once
        if scheme == "http":
            self.warnings.append("The site %s is plain HTTP: the API keys of company %r and every answer travel unencrypted; "
                                 "use an https:// site outside a test lab." % (self.base_url, company_id))
        elif not validate_certs:
            self.warnings.append("validate_certs is false: the TLS certificate of %s is not verified, so whoever can answer in its "
                                 "place receives the API keys of company %r; set ca_path to the CA bundle instead."
                                 % (self.base_url, company_id))
        self.session = session or requests.Session()
        adapter = HTTPAdapter(max_retries=build_retry(retries))
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.trust_env = False
        self.session.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        # Not session.auth: requests would add a session's auth to every request, including the ones meant to go
        # without it (codebase discovery); _send() passes it to the requests that need it.
        self._auth = ("%s+%s" % (company_id, public_key), private_key or "")
        self.session.headers.update({"Accept": accept_header(api_version), "Content-Type": "application/json"})
        if client_id:
            self.session.headers["clientId"] = client_id

    def scrub(self, text):
        """``text`` without this client's credentials in any form a server could echo them."""
        return scrub_text(text, self._secret_forms)

    def scrub_error(self, exc):
        """Scrub a CWError in place (message, body and URL) and return it."""
        exc.message = self.scrub(exc.message)
        exc.args = (exc.message,)
        exc.body = self.scrub(exc.body)
        exc.url = self.scrub(exc.url)
        return exc

    # -- plumbing ---------------------------------------------------------------------------

    @_scrubbing
    def _send(self, method, url, auth=True, **kwargs):
        """One request (urllib3 repeats it per the retry policy) and its whole answer, read within the bounds.

        Redirects are never followed: the answer to an API call is on the site, and a redirect elsewhere would
        take the credentials along (requests strips them only on a change of host, not of scheme or port)."""
        kwargs.setdefault("timeout", self.timeout)
        kwargs["auth"] = self._auth if auth else None
        kwargs["allow_redirects"] = False
        kwargs["stream"] = True
        self.requests_made += 1
        try:
            with warnings.catch_warnings():
                # validate_certs=false is reported once as an Ansible warning (self.warnings), not on stderr per request
                warnings.simplefilter("ignore", InsecureRequestWarning)
                response = self.session.request(method, url, **kwargs)
        except requests.exceptions.SSLError as exc:
            reason = _reason(exc)
            if not_tls(reason):
                parts = urlsplit(url)
                raise CWError("The server at %s://%s does not speak TLS on that port (%s %s%s: %s); if it serves plain HTTP, "
                              "set site to http://%s explicitly (the credentials then travel unencrypted)."
                              % (parts.scheme, parts.netloc, method, url, self.tenant, reason, parts.netloc), method=method, url=url)
            raise CWError("TLS verification failed for %s %s%s (%s); set ca_path to the CA bundle that signed the server "
                          "certificate, or validate_certs=false for a test server." % (method, url, self.tenant, reason),
                          method=method, url=url)
        except requests.exceptions.Timeout as exc:
            connect = isinstance(exc, requests.exceptions.ConnectTimeout)
            raise self._timeout_error(method, url, ambiguous=not connect)
        except requests.exceptions.RetryError as exc:
            raise CWError("ConnectWise kept failing %s %s%s after %s retries (%s)." % (method, url, self.tenant, self.retries, _reason(exc)),
                          method=method, url=url, ambiguous=True)
        except requests.exceptions.ConnectionError as exc:
            reason = _reason(exc)
            refused = "refused" in reason.lower() or "resolve" in reason.lower() or "Name or service" in reason
            raise CWError("Cannot reach ConnectWise at %s (%s %s%s): %s." % (self.base_url, method, url, self.tenant, reason),
                          method=method, url=url, ambiguous=not refused)
        except requests.exceptions.RequestException as exc:
            raise CWError("The request %s %s%s failed: %s." % (method, url, self.tenant, _reason(exc)), method=method, url=url,
                          ambiguous=True)
        except (OSError, ValueError) as exc:  # a CA bundle that cannot be read, a URL requests cannot prepare
            raise CWError("The request %s %s%s failed before it was sent: %s." % (method, url, self.tenant, exc), method=method, url=url)
        if response.is_redirect:
            response.close()
            raise CWError("ConnectWise answered %s %s%s with a redirect (HTTP %s) to %s; API calls do not follow redirects, so the "
                          "credentials go to the site and nowhere else: set site to the address that serves the API."
                          % (method, url, self.tenant, response.status_code, response.headers.get("Location")),
                          status=response.status_code, url=url, method=method)
        self._read_answer(method, url, response)
        return response

    def _timeout_error(self, method, url, ambiguous, whole=False):
        what = "send its whole answer to" if whole else "answer"
        return CWError("ConnectWise did not %s %s %s%s within %s seconds%s." % (
            what, method, url, self.tenant, self.timeout, " (raise timeout if the server is slow)" if ambiguous else ""),
            method=method, url=url, ambiguous=ambiguous)

    def _read_answer(self, method, url, response):
        """Read the body of ``response``: at most MAX_ANSWER_BYTES, and all of it within ``timeout`` seconds.

        The socket timeout alone bounds each wait, not the answer: a server sending a byte every few seconds would
        hold the run for as long as it likes. read1() returns whatever one receive brought, so the deadline is
        checked however slowly the bytes come."""
        deadline = time.monotonic() + self.timeout
        raw = response.raw
        read = getattr(raw, "read1", None) or raw.read  # urllib3 1.x has no read1: then each read waits for a full chunk
        chunks = []
        size = 0
        try:
            while True:
                chunk = read(READ_CHUNK, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise CWError("ConnectWise answered %s %s%s with more than %d MB; stopped reading."
                                  % (method, url, self.tenant, MAX_ANSWER_BYTES // (1024 * 1024)),
                                  status=response.status_code, url=url, method=method, ambiguous=method != "GET")
                if time.monotonic() > deadline:
                    raise self._timeout_error(method, url, ambiguous=True, whole=True)
                chunks.append(chunk)
        except (ReadTimeoutError, socket.timeout):
            response.close()
            raise self._timeout_error(method, url, ambiguous=True)
        except (Urllib3Error, OSError) as exc:
            response.close()
            raise CWError("The answer to %s %s%s broke off: %s." % (method, url, self.tenant, _reason(exc)),
                          method=method, url=url, ambiguous=True)
        except CWError:
            response.close()
            raise
        # what requests itself does when it reads a whole body (Response.content)
        response._content = b"".join(chunks)  # pylint: disable=protected-access
        response._content_consumed = True  # pylint: disable=protected-access

    @property
    def codebase(self):
        if self._codebase is None:
            self._codebase = self.discover_codebase()
        return self._codebase

    @property
    def api_root(self):
        return "%s/%s%s" % (self.base_url, self.codebase, API_PREFIX)

    @_scrubbing
    def discover_codebase(self):
        """Ask ``/login/companyinfo/{company}`` for the tenant's codebase."""
        url = "%s/login/companyinfo/%s" % (self.base_url, quote(str(self.company_id), safe=""))
        response = self._send("GET", url, auth=False)
        if response.status_code == 404 and not is_cloud(self.base_url):
            return DEFAULT_CODEBASE
        if response.status_code != 200:
            raise CWError("Codebase discovery failed: GET %s answered HTTP %s; set codebase to skip discovery." % (url, response.status_code),
                          status=response.status_code, url=url, method="GET")
        try:
            info = response.json()
        except ValueError:
            raise CWError("Codebase discovery failed: GET %s did not return JSON (is %s a ConnectWise site?)." % (url, self.base_url),
                          url=url, method="GET")
        if not info:
            raise CWError("ConnectWise at %s does not know the company id %r (companyinfo returned nothing); check company_id and site."
                          % (self.base_url, self.company_id), status=404, url=url, method="GET")
        codebase = info.get("Codebase") or info.get("codebase")
        return normalize_codebase(codebase) or DEFAULT_CODEBASE

    def url(self, path):
        if path.startswith("http://") or path.startswith("https://"):
            return path
        return "%s/%s" % (self.api_root, path.lstrip("/"))

    def request(self, method, path, params=None, body=None, expect=None, auth=True):
        """Send one request; return the decoded JSON (None for 204). Raises CWError otherwise."""
        method = method.upper()
        url = self.url(path)
        kwargs = {}
        if params:
            kwargs["params"] = params
        if body is not None:
            kwargs["data"] = json.dumps(body)
        response = self._send(method, url, auth=auth, **kwargs)
        return self._decode(method, response, expect)

    @_scrubbing
    def _decode(self, method, response, expect=None):
        status = response.status_code
        ok = expect if expect is not None else (200, 201, 202, 204)
        if status not in ok:
            shown = response.url.split("?", 1)[0]
            # scrubbed before error_message() cuts it short, so no part of a secret is left at the cut
            text = self.scrub(response.text)
            raise CWError(error_message(status, method, shown, text, company=self.company_id,
                                        public_key=self.public_key, retries=retries_made(response)),
                          status=status, body=text, url=shown, method=method,
                          ambiguous=(method == "POST" and status >= 500))
        if status == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise CWError("ConnectWise answered %s %s%s with something that is not JSON."
                          % (method, response.url.split("?", 1)[0], self.tenant),
                          status=status, url=response.url, method=method)

    # -- conveniences ----------------------------------------------------------------------

    def get(self, path, params=None):
        return self.request("GET", path, params=params)

    def get_or_none(self, path, params=None):
        try:
            return self.get(path, params=params)
        except CWError as exc:
            if exc.status == 404:
                return None
            raise

    @_scrubbing
    def list(self, path, conditions_=None, fields=None, order_by=None, limit=None):
        """All rows of a list endpoint, following ``Link: rel=next`` with pageSize 1000.

        A next link is followed only on the scheme, host and port of the request, only to a page not read
        before, and for MAX_PAGES pages at most; anything else is an error that names the link."""
        params = {"pageSize": min(PAGE_SIZE, limit) if limit else PAGE_SIZE}
        if conditions_:
            params["conditions"] = conditions_
        if fields:
            params["fields"] = ",".join(fields)
        if order_by:
            params["orderBy"] = order_by
        url = self.url(path)
        first = url
        rows = []
        read = set()
        while url:
            if len(read) >= MAX_PAGES:
                raise CWError("ConnectWise still offered a next page of GET %s%s after %d pages (%d rows); stopped, as no list "
                              "this collection reads is that long (does the server always answer rel=next?)."
                              % (first, self.tenant, MAX_PAGES, len(rows)), url=first, method="GET")
            response = self._send("GET", url, params=params)
            read.add(response.url)
            page = self._decode("GET", response)
            if not isinstance(page, list):
                raise CWError("ConnectWise answered GET %s%s with %s instead of a list."
                              % (url.split("?", 1)[0], self.tenant, type(page).__name__),
                              url=url, method="GET")
            rows.extend(page)
            if limit and len(rows) >= limit:
                return rows[:limit]
            url = self._next_page(response, read)
            params = None  # the next link carries the query
        return rows

    def _next_page(self, response, read):
        """The absolute URL of the next page, or None; an error for a link the credentials must not follow."""
        link = next_link(response)
        if not link:
            return None
        here = response.url
        url = urljoin(here, link)
        if not same_origin(here, url):
            scheme, host, port = origin(here)
            raise CWError("ConnectWise answered GET %s%s with a next-page link to %s, which is not on %s://%s:%s; paging links are "
                          "followed only on the site the request went to, so the credentials were not sent there."
                          % (here.split("?", 1)[0], self.tenant, link, scheme, host, port), url=here, method="GET")
        if url in read:
            raise CWError("ConnectWise answered GET %s%s with a next-page link back to a page already read (%s); stopped."
                          % (here.split("?", 1)[0], self.tenant, link), url=here, method="GET")
        return url

    def find_one(self, path, conditions_):
        rows = self.list(path, conditions_=conditions_, limit=2)
        return rows[0] if rows else None

    def post(self, path, body):
        return self.request("POST", path, body=body)

    def patch(self, path, operations):
        return self.request("PATCH", path, body=operations)

    def put(self, path, body):
        return self.request("PUT", path, body=body)

    def delete(self, path):
        return self.request("DELETE", path)

    def create(self, path, body, lookup=None, attempts=None):
        """POST a new object. After an ambiguous failure (the answer was lost or a 5xx came back), call
        ``lookup()`` before posting again, so a create that did reach the server is never repeated.

        Up to ``retries + 1`` attempts (at least 2), with the same capped exponential backoff and jitter
        as the other retries between them."""
        if attempts is None:
            attempts = max(2, int(getattr(self, "retries", 1) or 0) + 1)
        attempts = max(1, attempts)
        last = None
        for attempt in range(attempts):
            if attempt:
                time.sleep(backoff_delay(attempt))
            try:
                return self.post(path, body)
            except CWError as exc:
                if not exc.ambiguous or lookup is None:
                    raise
                last = exc
                found = lookup()
                if found is not None:
                    return found
        if attempts > 1:
            raise CWError("%s (%d attempts; before each new attempt the object was looked up and was not there)."
                          % (last.message.rstrip("."), attempts), status=last.status, body=last.body, url=last.url,
                          method=last.method, ambiguous=True)
        raise last


def _reason(exc):
    """The innermost readable reason of a requests/urllib3 exception, without URLs' credentials."""
    seen = exc
    for _depth in range(6):
        inner = getattr(seen, "reason", None) or (seen.args[0] if getattr(seen, "args", None) else None)
        if inner is None or inner is seen or isinstance(inner, str):
            break
        seen = inner
    text = str(seen)
    text = re.sub(r"<urllib3\.[^>]*>: ", "", text)
    text = re.sub(r"HTTPS?Connection(Pool)?\([^)]*\): ", "", text)
    return text.strip() or exc.__class__.__name__
