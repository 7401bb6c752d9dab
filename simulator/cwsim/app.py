"""aiohttp application: the ConnectWise entry point (auth, faults, permissions) and the operator API."""

import asyncio
import base64
import binascii
import json
import logging
import os
import re

from aiohttp import web

from . import config, credentials, errors, seed
from .resources import set_api_base
from .api import ROUTER, Context, check_permission
from .conditions import parse_datetime
from .faults import Faults
from .store import Tenant, utcnow

ACCESS_LOG = logging.getLogger("cwsim.access")
LOG = logging.getLogger("cwsim")
JSON_TYPE = "application/json"
API_VERSION = "2025.1"


class Stats:
    """Request counts of one tenant, keyed by method and route template (what tests assert on)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.by_route = {}
        self.by_method = {}
        self.by_status = {}
        self.by_api_version = {}
        self.reads = 0
        self.writes = 0

    def count(self, method, template):
        key = "%s %s" % (method, template)
        self.by_route[key] = self.by_route.get(key, 0) + 1
        self.by_method[method] = self.by_method.get(method, 0) + 1
        if method in ("GET", "HEAD"):
            self.reads += 1
        else:
            self.writes += 1

    def api_version(self, version):
        self.by_api_version[version] = self.by_api_version.get(version, 0) + 1

    def status(self, status):
        key = str(status)
        self.by_status[key] = self.by_status.get(key, 0) + 1

    def as_dict(self):
        return {"total": self.reads + self.writes, "reads": self.reads, "writes": self.writes,
                "by_method": dict(self.by_method), "by_route": dict(self.by_route), "by_status": dict(self.by_status),
                "by_api_version": dict(self.by_api_version)}


_VERSIONED_ACCEPT = re.compile(r"application/vnd\.connectwise\.com\+json\s*;\s*version\s*=\s*([^\s,;]+)", re.IGNORECASE)
_VERSION = re.compile(r"^v?\d{4}\.\d{1,2}$")


def requested_api_version(accept):
    """The model version a client pinned in its Accept header ('latest' when none); 400 for a malformed one.

    ConnectWise names model versions after its releases (2019.1 ... 2025.16); what it answers for a
    malformed version is not documented, so the simulator treats it as a bad request.
    """
    match = _VERSIONED_ACCEPT.search(accept or "")
    if not match:
        return "latest"
    version = match.group(1).strip("'\"")
    if not _VERSION.match(version):
        raise errors.bad_request("The Accept header asks for API version %r; use a release number such as 2025.1." % version, "Accept")
    return version.lstrip("vV")


class Simulator:
    """All tenants of one server process, plus their run-time companions (faults, stats)."""

    def __init__(self, specs, state_file=None, tenant_defaults=None):
        self.state_file = state_file
        # what a tenant created at run time (POST /_sim/tenants) gets when it does not say: the CLI's choices
        self.tenant_defaults = dict(tenant_defaults or {})
        self.specs = {}
        self.tenants = {}
        self.faults = {}
        self.stats = {}
        self.dirty = False
        loaded = self._load_state() if state_file and os.path.exists(state_file) else {}
        for spec in specs:
            self.add_tenant(spec, loaded.pop(spec["company_id"].lower(), None))
        for tenant in loaded.values():
            self.add_tenant(tenant.spec, tenant)

    def add_tenant(self, spec, tenant=None):
        key = spec["company_id"].lower()
        self.specs[key] = spec
        self.tenants[key] = tenant or seed.build(spec)
        self.faults[key] = Faults(spec["faults"])
        self.stats.setdefault(key, Stats())
        self.dirty = True
        return self.tenants[key]

    def tenant(self, company):
        return self.tenants.get((company or "").lower())

    def reset(self, company=None):
        for key in ([company.lower()] if company else list(self.specs)):
            spec = self.specs[key]
            self.tenants[key] = seed.build(spec)
            self.faults[key] = Faults(spec["faults"])
            self.stats[key] = Stats()
        self.dirty = True

    # -- persistence ----------------------------------------------------------------------------
    def _load_state(self):
        with open(self.state_file, encoding="utf-8") as handle:
            data = json.load(handle)
        return {t["spec"]["company_id"].lower(): Tenant.load(t) for t in data.get("tenants", [])}

    def save(self):
        if not self.state_file:
            return
        config.write_private_json(self.state_file, {"version": 1, "tenants": [t.dump() for t in self.tenants.values()]})
        self.dirty = False


def parse_basic(header):
    """(company, public, private) from a Basic header, or None when it is not one."""
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, private = decoded.partition(":")
    company, plus, public = user.partition("+")
    if not sep or not plus or not company or not public:
        return None
    return company, public, private


def authenticate(tenant, credentials_tuple, headers):
    """Return the caller dict or raise 401."""
    if credentials_tuple is None or tenant is None:
        raise errors.unauthorized()
    _company, public, private = credentials_tuple
    if headers.get("x-cw-usertype", "").lower() == "integrator":
        login = tenant.integrator_by_username.get(public.lower())
        if login is None or not credentials.verify_secret(private, login["__password"]) or login.get("inactiveFlag"):
            raise errors.unauthorized()
        return {"id": -login["id"], "identifier": login["username"], "member": None, "integrator": login}
    key = tenant.key_by_public.get(public)
    if key is None or not credentials.verify_secret(private, key["secret"]):
        raise errors.unauthorized()
    if key["expiration"] and parse_datetime(key["expiration"]) <= utcnow():
        raise errors.unauthorized("The member token has expired.")
    member = tenant.get("members", key["memberId"])
    if member is None or member.get("inactiveFlag"):
        raise errors.unauthorized("The member is inactive.")
    return {"id": member["id"], "identifier": member["identifier"], "member": member, "integrator": None}


def json_reply(status, body, headers=None):
    text = None if body is None and status == 204 else json.dumps(body, separators=(",", ":"))
    response = web.Response(status=status, text=text, content_type=JSON_TYPE if text is not None else None,
                            headers=headers)
    return response


def error_reply(exc):
    headers = dict(exc.headers)
    return json_reply(exc.status, exc.body(), headers)


def _drop(request):
    """Close the connection without an answer (what a load balancer reset looks like to a client)."""
    request.transport.abort() if request.transport else None  # pylint: disable=expression-not-assigned
    raise ConnectionResetError("connection dropped by fault injection")


async def companyinfo(request, sim):
    tenant = sim.tenant(request.path.rstrip("/").rsplit("/", 1)[-1])
    if tenant is None:
        return json_reply(200, None)
    spec = tenant.spec
    return json_reply(200, {"CompanyName": spec["company_name"], "Codebase": tenant.codebase, "VersionCode": "v2025.1",
                            "VersionNumber": "v2025.1.10431", "CompanyID": spec["company_id"], "IsCloud": spec["is_cloud"],
                            "SiteUrl": spec.get("site_url") or request.host})


async def handle_api(request, sim, rest, codebase):
    """Everything below ``/{codebase}apis/3.0``."""
    creds = parse_basic(request.headers.get("Authorization"))
    tenant = sim.tenant(creds[0]) if creds else None
    method = request.method
    route, params, route_error = None, None, None
    if tenant is not None:
        try:
            route, params = ROUTER.match(tenant.surface, method, rest)
        except errors.ApiError as exc:
            route_error = exc
        key = tenant.company_id.lower()
        stats, faults = sim.stats[key], sim.faults[key]
        stats.count(method, route.template if route else "(unmatched)")
        if faults.latency:
            await asyncio.sleep(faults.latency)
        retry_after = faults.rate_limited()
        if retry_after is not None:
            message = "Rate limit exceeded; retry after %d seconds." % retry_after
            raise errors.ApiError(429, "TooManyRequests", message, headers={"Retry-After": str(retry_after)})
        fault = faults.before(method)
        if fault and fault[0] == "drop":
            _drop(request)
        if fault and fault[0] == "error":
            raise errors.ApiError(fault[1], "ServiceUnavailable" if fault[1] == 503 else "ServerError",
                                  "Simulated server error %d." % fault[1])
        if fault and fault[0] == "slow":
            await asyncio.sleep(fault[1])
    client_id = request.headers.get("clientId", "").strip()
    if not client_id:
        raise errors.ApiError(400, "InvalidClientId", "The clientId header is required; register one at "
                              "developer.connectwise.com and send it with every request.",
                              [errors.field_error("NullValue", "clientId header is missing.", "request", "clientId")])
    version = requested_api_version(request.headers.get("Accept", ""))
    caller = authenticate(tenant, creds, request.headers)
    sim.stats[tenant.company_id.lower()].api_version(version)
    request["cwsim_public_key"] = creds[1]
    if codebase.lower() != tenant.codebase.lower():
        raise errors.no_route(request.path)
    set_api_base(request.scheme, request.host, codebase)
    if route_error is not None:
        raise route_error
    body_bytes = await request.read() if method in ("POST", "PUT", "PATCH") else b""

    def load_body():
        try:
            return json.loads(body_bytes or b"null")
        except ValueError:
            raise errors.bad_request("The request body is not valid JSON.", "body") from None

    url = "%s://%s%s" % (request.scheme, request.host, request.path)
    ctx = Context(tenant, caller, route, params, request.query, url, request.headers, load_body)
    check_permission(tenant, caller, route, ctx)
    reply = route.handler(ctx)
    if route.write:
        sim.dirty = True
        hold = sim.faults[tenant.company_id.lower()].hold_after(method, route.template)
        if hold:
            await asyncio.sleep(hold)
        if sim.faults[tenant.company_id.lower()].ambiguous_write(method):
            _drop(request)
    headers = dict(reply.headers)
    return json_reply(reply.status, reply.body, headers)


def make_app(sim, access_log=False):
    """Build the aiohttp application around a Simulator."""

    async def entry(request):
        lower = request.path.lower()
        tenant_name, public_key = "-", "-"
        try:
            if lower.startswith("/login/companyinfo/") and request.method == "GET":
                response = await companyinfo(request, sim)
            else:
                index = lower.find("/apis/3.0")
                if index < 0:
                    raise errors.no_route(request.path)
                creds = parse_basic(request.headers.get("Authorization"))
                tenant_name = creds[0] if creds else "-"
                response = await handle_api(request, sim, request.path[index + len("/apis/3.0"):] or "/",
                                            request.path[1:index + 1])
                public_key = request.get("cwsim_public_key", "-")
        except errors.ApiError as exc:
            response = error_reply(exc)
        response.headers["api-current-version"] = API_VERSION
        response.headers["Cache-Control"] = "no-cache"
        tenant = sim.tenant(tenant_name)
        if tenant is not None:
            sim.stats[tenant.company_id.lower()].status(response.status)
        if access_log:
            # never the Authorization header, the query string or a body: they can carry secrets
            ACCESS_LOG.info("%s %s %d tenant=%s public_key=%s", request.method, request.path, response.status,
                            tenant_name, public_key)
        return response

    async def saver(_app):
        async def loop():
            while True:
                await asyncio.sleep(0.5)
                if sim.dirty:
                    sim.save()
        task = asyncio.create_task(loop())
        yield
        task.cancel()
        if sim.state_file:
            sim.save()

    from .simops import add_operator_routes  # pylint: disable=import-outside-toplevel
    app = web.Application(client_max_size=4 * 1024 * 1024)
    app["sim"] = sim
    add_operator_routes(app, sim)
    app.router.add_route("*", "/{tail:.*}", entry)
    app.cleanup_ctx.append(saver)
    return app
