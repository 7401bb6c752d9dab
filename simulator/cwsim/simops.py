"""The operator API under ``/_sim/``: plainly not ConnectWise, unauthenticated, loopback only.

Tests and the demo use it to create tenants, read request counts, inject faults, reset state, dump
state (without secrets) and act as "the person in the UI" where the published API cannot.
"""

import json

from aiohttp import web

from . import api, catalogue, config, errors
from .resources import set_api_base
from .faults import Faults
from .store import SURFACES, iso, utcnow

_LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _json(body, status=200):
    return web.Response(status=status, text=json.dumps(body, separators=(",", ":")), content_type="application/json")


def _fail(status, message):
    return _json({"error": message}, status)


def summary(sim, key):
    tenant = sim.tenants[key]
    spec = tenant.spec
    return {"company_id": spec["company_id"], "company_name": spec["company_name"], "surface": spec["surface"],
            "codebase": spec["codebase"], "token_lifetime": spec["token_lifetime"],
            "members": len(tenant.tables["members"]), "integrator_login": bool(tenant.tables["integratorLogins"]),
            "bootstrap_member": (spec.get("bootstrap") or {}).get("identifier"), "faults": sim.faults[key].describe()}


def public_state(tenant):
    """Everything a test may want to inspect, with hashes of secrets removed as well as the secrets."""
    tables = {}
    for name, rows in tenant.tables.items():
        tables[name] = [{k: v for k, v in row.items() if k not in ("secret", "__password")} for row in rows.values()]
    spec = dict(tenant.spec)
    if spec.get("bootstrap"):
        spec["bootstrap"] = {k: v for k, v in spec["bootstrap"].items() if k != "secret"}
    if spec.get("integrator_login"):
        spec["integrator_login"] = {k: v for k, v in spec["integrator_login"].items() if k != "secret"}
    settings = {str(role): [{k: row[k] for k in ("id", "function", "addLevel", "editLevel", "deleteLevel", "inquireLevel")}
                            for row in rows.values()] for role, rows in tenant.role_settings.items()}
    return {"spec": spec, "tables": tables, "role_settings": settings}


def add_operator_routes(app, sim):  # pylint: disable=too-many-statements
    """Register every /_sim/ route on ``app``."""

    @web.middleware
    async def loopback_only(request, handler):
        if request.path.startswith("/_sim/") and (request.remote or "") not in _LOOPBACK:
            return _fail(403, "the operator API answers on loopback only")
        return await handler(request)
    app.middlewares.append(loopback_only)

    def tenant_key(request):
        key = request.match_info["company"].lower()
        if key not in sim.tenants:
            raise web.HTTPNotFound(text=json.dumps({"error": "unknown tenant %s" % key}), content_type="application/json")
        return key

    async def body(request):
        if not request.can_read_body:
            return {}
        try:
            return await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text=json.dumps({"error": "body is not JSON"}), content_type="application/json") from None

    async def health(_request):
        return _json({"status": "ok", "tenants": len(sim.tenants)})

    async def list_tenants(_request):
        return _json([summary(sim, key) for key in sim.tenants])

    async def create_tenant(request):
        raw = await body(request)
        try:
            spec = config.normalise_tenant(raw, sim.tenant_defaults)
        except config.ConfigError as exc:
            return _fail(400, str(exc))
        if spec["company_id"].lower() in sim.tenants:
            return _fail(409, "tenant %s exists" % spec["company_id"])
        sim.add_tenant(spec)
        return _json(summary(sim, spec["company_id"].lower()), 201)

    async def get_tenant(request):
        return _json(summary(sim, tenant_key(request)))

    async def patch_tenant(request):
        key = tenant_key(request)
        changes = await body(request)
        spec = sim.tenants[key].spec
        if "surface" in changes:
            if changes["surface"] not in SURFACES:
                return _fail(400, "surface must be one of %s" % ", ".join(SURFACES))
            spec["surface"] = changes["surface"]
        if "token_lifetime" in changes:
            spec["token_lifetime"] = float(changes["token_lifetime"])
        unknown = set(changes) - {"surface", "token_lifetime"}
        if unknown:
            return _fail(400, "cannot change %s at run time" % ", ".join(sorted(unknown)))
        sim.specs[key].update({k: spec[k] for k in ("surface", "token_lifetime")})
        sim.dirty = True
        return _json(summary(sim, key))

    async def delete_tenant(request):
        key = tenant_key(request)
        for store in (sim.tenants, sim.specs, sim.faults, sim.stats):
            store.pop(key, None)
        sim.dirty = True
        return web.Response(status=204)

    async def get_faults(request):
        return _json(sim.faults[tenant_key(request)].describe())

    async def put_faults(request):
        key = tenant_key(request)
        try:
            sim.faults[key] = Faults(await body(request))
        except (TypeError, ValueError, KeyError) as exc:
            return _fail(400, "faults: %s" % exc)
        return _json(sim.faults[key].describe())

    async def stats(request):
        wanted = request.query.get("company")
        keys = [wanted.lower()] if wanted else list(sim.stats)
        return _json({key: sim.stats[key].as_dict() for key in keys if key in sim.stats})

    async def tenant_stats(request):
        return _json(sim.stats[tenant_key(request)].as_dict())

    async def reset_stats(request):
        wanted = (await body(request)).get("company")
        for key, value in sim.stats.items():
            if not wanted or key == wanted.lower():
                value.reset()
        return _json({"reset": True})

    async def reset(request):
        wanted = (await body(request)).get("company")
        if wanted and wanted.lower() not in sim.specs:
            return _fail(404, "unknown tenant %s" % wanted)
        sim.reset(wanted)
        return _json({"reset": True})

    async def state(request):
        return _json(public_state(sim.tenants[tenant_key(request)]))

    async def save(_request):
        sim.save()
        return _json({"saved": bool(sim.state_file)})

    def ui_member(request):
        key = tenant_key(request)
        tenant = sim.tenants[key]
        member = tenant.get("members", int(request.match_info["member"]))
        if member is None:
            raise web.HTTPNotFound(text=json.dumps({"error": "no member %s" % request.match_info["member"]}),
                                   content_type="application/json")
        # key views carry member hrefs: they point at this server's API for the tenant
        set_api_base(request.scheme, request.host, tenant.codebase)
        return tenant, member

    async def ui_create_key(request):
        tenant, member = ui_member(request)
        try:
            view = api.issue_key(tenant, member, await body(request), {"id": member["id"], "identifier": "ui-admin"})
        except errors.ApiError as exc:
            return _json(exc.body(), exc.status)
        sim.dirty = True
        return _json(view, 201)

    async def ui_list_keys(request):
        tenant, member = ui_member(request)
        return _json([api.key_view(tenant, k) for k in tenant.tables["apiKeys"].values()
                      if k["memberId"] == member["id"] and k["kind"] == "apiKey"])

    async def ui_delete_key(request):
        tenant, member = ui_member(request)
        key = tenant.get("apiKeys", int(request.match_info["key"]))
        if key is None or key["memberId"] != member["id"]:
            return _fail(404, "no such key")
        tenant.delete("apiKeys", key)
        sim.dirty = True
        return web.Response(status=204)

    def ui_active(flag):
        async def handler(request):
            tenant, member = ui_member(request)
            tenant.update("members", member, {"inactiveFlag": not flag,
                                              "inactiveDate": None if flag else iso(utcnow())},
                          {"id": 0, "identifier": "ui-admin"})
            sim.dirty = True
            return _json({"id": member["id"], "identifier": member["identifier"], "inactiveFlag": not flag})
        return handler

    async def ui_set_settings(request):
        key = tenant_key(request)
        tenant = sim.tenants[key]
        role = tenant.get("roles", int(request.match_info["role"]))
        if role is None:
            return _fail(404, "no role %s" % request.match_info["role"])
        rows = await body(request)
        if not isinstance(rows, list):
            return _fail(400, "body must be a list of {module, function, addLevel, editLevel, deleteLevel, inquireLevel}")
        planned = []
        for row in rows:
            function = catalogue.find_function(row.get("moduleName", row.get("module")),
                                               row.get("functionName", row.get("function")))
            if function is None:
                wanted = (row.get("moduleName", row.get("module")), row.get("functionName", row.get("function")))
                return _fail(400, "unknown module function %r > %r" % wanted)
            levels = {}
            for verb in catalogue.VERBS:
                value = row.get(verb + "Level", row.get(verb))
                if value is None:
                    continue
                if value not in catalogue.LEVELS:
                    return _fail(400, "level %r for %s is not one of None, My, All" % (value, verb))
                levels[verb + "Level"] = value
            planned.append((function, levels))
        try:
            for function, levels in planned:
                api.write_levels(tenant, role, tenant.role_settings[role["id"]][function], levels,
                                 {"id": 0, "identifier": "ui-admin"})
        except errors.ApiError as exc:
            return _json(exc.body(), exc.status)
        sim.dirty = True
        return _json({"role": role["id"], "updated": len(planned)})

    routes = app.router
    routes.add_get("/_sim/health", health)
    routes.add_get("/_sim/tenants", list_tenants)
    routes.add_post("/_sim/tenants", create_tenant)
    routes.add_get("/_sim/tenants/{company}", get_tenant)
    routes.add_patch("/_sim/tenants/{company}", patch_tenant)
    routes.add_delete("/_sim/tenants/{company}", delete_tenant)
    routes.add_get("/_sim/tenants/{company}/faults", get_faults)
    routes.add_put("/_sim/tenants/{company}/faults", put_faults)
    routes.add_get("/_sim/tenants/{company}/stats", tenant_stats)
    routes.add_get("/_sim/tenants/{company}/state", state)
    routes.add_get("/_sim/stats", stats)
    routes.add_post("/_sim/stats/reset", reset_stats)
    routes.add_post("/_sim/reset", reset)
    routes.add_post("/_sim/save", save)
    for kind in ("apiMembers", "members"):
        base = "/_sim/tenants/{company}/ui/%s/{member:[0-9]+}" % kind
        routes.add_post(base + "/apiKeys", ui_create_key)
        routes.add_get(base + "/apiKeys", ui_list_keys)
        routes.add_delete(base + "/apiKeys/{key:[0-9]+}", ui_delete_key)
        routes.add_post(base + "/deactivate", ui_active(False))
        routes.add_post(base + "/activate", ui_active(True))
    routes.add_put("/_sim/tenants/{company}/ui/securityRoles/{role:[0-9]+}/settings", ui_set_settings)
