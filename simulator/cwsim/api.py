"""The ConnectWise REST surface: route table, permission owners and handlers.

Every route names the module function that owns it; the app checks the caller's level for the verb
(GET inquire, POST add, PUT/PATCH edit, DELETE delete) before the handler runs.
"""

import datetime
import re

from . import catalogue as cat
from . import errors, query
from . import resources as res
from .catalogue import FUNCTION_ROWS, LEVELS
from .store import iso, utcnow

VERB_FOR_METHOD = {"GET": "inquire", "POST": "add", "PUT": "edit", "PATCH": "edit", "DELETE": "delete"}
VERB_INDEX = {"add": 0, "edit": 1, "delete": 2, "inquire": 3}
PUBLIC = "any authenticated member"


class Reply:
    """A handler's answer; ``body`` is JSON-serialisable or None."""

    __slots__ = ("status", "body", "headers")

    def __init__(self, status=200, body=None, headers=None):
        self.status = status
        self.body = body
        self.headers = headers or {}


class Context:
    """What a handler needs about the request and the authenticated caller."""

    def __init__(self, tenant, caller, route, params, query_params, url, headers, body_loader):
        self.tenant = tenant
        self.caller = caller          # {"id", "identifier", "member" or None, "integrator" or None}
        self.route = route
        self.params = params
        self.query = query_params
        self.url = url                # absolute URL without query, for Link headers
        self.headers = headers
        self.load_body = body_loader
        self.scope = "All"            # "My" when the caller's level restricts it to its own records

    def owns(self, record):
        if record.get("__owner") == self.caller["id"]:
            return True
        return record.get("licenseClass") is not None and record["id"] == self.caller["id"]

    def keep(self):
        return self.owns if self.scope == "My" else None

    def require_own(self, record):
        if self.scope == "My" and not self.owns(record):
            verb = VERB_FOR_METHOD[self.route.method]
            raise forbidden(self.route.owner, verb, "My", "this record was not entered by you")

    def int_param(self, name):
        try:
            return int(self.params[name])
        except ValueError:
            raise errors.no_route(self.url) from None


def forbidden(function, verb, level, reason=None):
    what = cat.label(function)
    message = "You do not have %s access to %s (your %sLevel is %s%s)." % (
        verb.capitalize(), what, verb, level, "; " + reason if reason else "")
    return errors.ApiError(403, "Forbidden", message,
                           [errors.field_error("InsufficientPermission", message, what, "%sLevel" % verb)])


# -- generic CRUD handlers --------------------------------------------------------------------

def _list_reply(ctx, views, resource):
    views = query.order(views, ctx.query.get("orderBy"), resource) if not _forward_only(ctx) else views
    chunk, link = query.page(views, ctx.query, ctx.url, _forward_only(ctx))
    fields = query.parse_fields(ctx.query.get("fields"))
    if fields:
        chunk = [query.project(v, fields) for v in chunk]
    return Reply(200, chunk, {"Link": link} if link else None)


def _forward_only(ctx):
    return ctx.headers.get("pagination-type", "").lower() == "forward-only"


def _render(ctx, resource):
    return lambda record: resource.render(ctx.tenant, record)


def list_handler(resource):
    def handler(ctx):
        views = query.filter_views(ctx.tenant, resource, ctx.query, _render(ctx, resource), ctx.keep())
        return _list_reply(ctx, views, resource)
    return handler


def count_handler(resource):
    def handler(ctx):
        views = query.filter_views(ctx.tenant, resource, ctx.query, _render(ctx, resource), ctx.keep())
        return Reply(200, {"count": len(views)})
    return handler


def _one(ctx, resource):
    record = resource.find(ctx.tenant, ctx.int_param("id"))
    ctx.require_own(record)
    return record


def get_handler(resource):
    def handler(ctx):
        view = resource.render(ctx.tenant, _one(ctx, resource))
        fields = query.parse_fields(ctx.query.get("fields"))
        return Reply(200, query.project(view, fields) if fields else view)
    return handler


def post_handler(resource):
    def handler(ctx):
        record = resource.create(ctx.tenant, ctx.load_body(), ctx.caller)
        return Reply(201, resource.render(ctx.tenant, record))
    return handler


def put_handler(resource):
    def handler(ctx):
        record = resource.replace(ctx.tenant, _one(ctx, resource), ctx.load_body(), ctx.caller)
        return Reply(200, resource.render(ctx.tenant, record))
    return handler


def patch_handler(resource):
    def handler(ctx):
        record = resource.patch(ctx.tenant, _one(ctx, resource), ctx.load_body(), ctx.caller)
        return Reply(200, resource.render(ctx.tenant, record))
    return handler


def delete_handler(resource):
    def handler(ctx):
        resource.remove(ctx.tenant, _one(ctx, resource), ctx.caller)
        return Reply(204)
    return handler


# -- resources ----------------------------------------------------------------------------------

ROLES = res.RoleResource("securityRole", "roles", cat.SECURITY_ROLES, res.ROLE_SCHEMA, unique="name")
ROLE_INFO = res.RoleInfoResource("securityRoleInfo", "roles", cat.SECURITY_ROLES,
                                 {key: res.ROLE_SCHEMA[key] for key in ("name", "roleType", "inactiveFlag")})
API_MEMBERS = res.ApiMemberResource("apiMember", "members", cat.MEMBER_MAINTENANCE, res.API_MEMBER_SCHEMA,
                                    unique="identifier")
MEMBERS = res.MemberResource("member", "members", cat.MEMBER_MAINTENANCE, res.MEMBER_SCHEMA, unique="identifier",
                             extra_fields=res.MEMBER_READ_ONLY)
INTEGRATORS = res.IntegratorLoginResource("integratorLogin", "integratorLogins", cat.TABLE_SETUP, res.INTEGRATOR_SCHEMA,
                                          unique="username", extra_fields=("dateInactivated", "inactivatedBy"))
CATALOG = res.CatalogResource("catalogItem", "catalog", cat.PRODUCT_CATALOG, res.CATALOG_SCHEMA, unique="identifier")

READ_ONLY = (
    ("/company/companies", res.read_only("company", "companies", cat.COMPANY_MAINTENANCE,
                                         ("identifier", "name", "status", "type"))),
    ("/company/configurations", res.read_only("configuration", "configurations", cat.CONFIGURATIONS,
                                              ("name", "type", "company", "status", "activeFlag"), {"company": "companies"})),
    ("/time/entries", res.read_only("timeEntry", "timeEntries", cat.TIME_ENTRY,
                                    ("company", "member", "chargeToType", "timeStart", "actualHours", "notes"),
                                    {"company": "companies", "member": "members"})),
    ("/finance/agreements", res.read_only("agreement", "agreements", cat.AGREEMENTS,
                                          ("name", "type", "company", "agreementStatus", "startDate", "cancelledFlag"),
                                          {"company": "companies"})),
    ("/service/tickets", res.read_only("ticket", "tickets", cat.SERVICE_TICKETS,
                                       ("summary", "board", "company", "status", "priority", "closedFlag"),
                                       {"board": "boards", "company": "companies"})),
    ("/system/reports", res.read_only("report", "reports", cat.API_REPORTS, ("name",))),
    ("/system/locations", res.read_only("location", "locations", cat.TABLE_SETUP, ("name", "where", "structureLevel"),
                                        {"structureLevel": "levels"})),
    ("/system/departments", res.read_only("department", "departments", cat.TABLE_SETUP,
                                          ("identifier", "name", "inactiveFlag"))),
    ("/system/myCompany/corporateStructureLevels", res.read_only("corporateStructureLevel", "levels", cat.TABLE_SETUP,
                                                                 ("name", "levelNumber"))),
    ("/system/timeZoneSetups", res.read_only("timeZoneSetup", "timeZones", cat.TABLE_SETUP,
                                             ("name", "offset", "defaultFlag", "daylightSavingsFlag"))),
    ("/service/boards", res.read_only("board", "boards", cat.TABLE_SETUP, ("name", "location", "department", "inactiveFlag"),
                                      {"location": "locations", "department": "departments"})),
    ("/procurement/types", res.read_only("productType", "productTypes", cat.TABLE_SETUP, ("name",))),
    ("/procurement/categories", res.read_only("category", "productCategories", cat.TABLE_SETUP, ("name", "inactiveFlag"))),
    ("/procurement/subcategories", res.read_only("subcategory", "productSubcategories", cat.TABLE_SETUP,
                                                 ("name", "category", "inactiveFlag"), {"category": "productCategories"})),
)


# -- special handlers --------------------------------------------------------------------------

def system_info(ctx):
    return Reply(200, {"version": "v2025.1.10431", "isCloud": ctx.tenant.spec["is_cloud"],
                       "serverTimeZone": "Eastern Standard Time", "licenseBits": [], "cloudRegion": "NA",
                       "maxWorkFlowRecordsAllowed": 1000})


def create_token(ctx):
    tenant = ctx.tenant
    member = tenant.member_by_identifier.get(ctx.params["identifier"].lower())
    if member is None:
        raise errors.not_found("member", ctx.params["identifier"])
    ctx.require_own(member)
    if member.get("inactiveFlag"):
        raise errors.invalid("token", [errors.field_error("InactiveMember", "The member is inactive.", "token", "memberIdentifier")])
    expiration = iso(utcnow() + datetime.timedelta(seconds=tenant.token_lifetime))
    record, private_key = tenant.add_key(member, "Member token", ctx.caller, kind="token", expiration=expiration)
    return Reply(200, {"publicKey": record["publicKey"], "privateKey": private_key, "expiration": expiration})


def _setting_view(tenant, role, row):
    static = FUNCTION_ROWS[row["function"]]
    view = {"id": row["id"]}
    if role.get("adminFlag"):
        levels = ("All",) * 4
    else:
        levels = (row["addLevel"], row["editLevel"], row["deleteLevel"], row["inquireLevel"])
    view.update(zip(("addLevel", "editLevel", "deleteLevel", "inquireLevel"), levels))
    view.update({k: v for k, v in static.items() if k != "function"})
    view["_info"] = row["_info"]
    del tenant  # views do not depend on other tables
    return view


class SettingsResource(res.Resource):
    """Rows of one role; the parent role id travels in the URL only."""

    def __init__(self):
        super().__init__("securityRoleSetting", "roles", cat.SECURITY_ROLES,
                         {f: (res.ENUM, LEVELS, "r") for f in ("addLevel", "editLevel", "deleteLevel", "inquireLevel")},
                         extra_fields=tuple(FUNCTION_ROWS[101]))


SETTINGS = SettingsResource()


def _role(ctx):
    return ROLES.find(ctx.tenant, ctx.int_param("parentId"))


def _settings_views(ctx, role):
    rows = ctx.tenant.role_settings.get(role["id"], {}).values()
    views = [_setting_view(ctx.tenant, role, row) for row in rows]
    text = ctx.query.get("conditions")
    if text:
        from .conditions import evaluate  # pylint: disable=import-outside-toplevel
        node = query.parse_conditions(text, SETTINGS)
        views = [v for v in views if evaluate(node, v)]
    return views


def settings_list(ctx):
    return _list_reply(ctx, _settings_views(ctx, _role(ctx)), SETTINGS)


def settings_count(ctx):
    return Reply(200, {"count": len(_settings_views(ctx, _role(ctx)))})


def _setting_row(ctx, role):
    wanted = ctx.int_param("id")
    row = ctx.tenant.role_settings.get(role["id"], {}).get(wanted - role["id"] * 1000)
    if row is None or row["id"] != wanted:
        raise errors.not_found("securityRoleSetting", wanted)
    return row


def settings_get(ctx):
    role = _role(ctx)
    return Reply(200, _setting_view(ctx.tenant, role, _setting_row(ctx, role)))


def write_levels(tenant, role, row, levels, actor):
    """Store new levels for one setting row (shared with the operator's UI actions)."""
    if role.get("adminFlag"):
        raise errors.invalid("securityRoleSetting", [errors.field_error(
            "InvalidObject", "The levels of the built-in Admin role cannot be changed.", "securityRoleSetting", "id")])
    row.update(levels)
    row["_info"] = {"lastUpdated": iso(utcnow()), "updatedBy": actor["identifier"] if actor else "system"}
    tenant.touch()


def settings_put(ctx):
    role = _role(ctx)
    row = _setting_row(ctx, role)
    clean = SETTINGS.validate(ctx.tenant, ctx.load_body(), row)
    write_levels(ctx.tenant, role, row, clean, ctx.caller)
    return Reply(200, _setting_view(ctx.tenant, role, row))


def settings_patch(ctx):
    role = _role(ctx)
    row = _setting_row(ctx, role)
    view = res.apply_patch(SETTINGS, dict(_setting_view(ctx.tenant, role, row)), ctx.load_body())
    clean = SETTINGS.validate(ctx.tenant, view, row)
    write_levels(ctx.tenant, role, row, clean, ctx.caller)
    return Reply(200, _setting_view(ctx.tenant, role, row))


def my_security(ctx):
    member = ctx.caller.get("member")
    if member is None:
        return _list_reply(ctx, [], SETTINGS)
    role = ctx.tenant.get("roles", (member.get("securityRole") or {}).get("id"))
    views = []
    if role is not None:
        member_ref = res.render_ref(ctx.tenant, "members", {"id": member["id"]})
        for row in ctx.tenant.role_settings.get(role["id"], {}).values():
            view = _setting_view(ctx.tenant, role, row)
            view["member"] = member_ref
            views.append(view)
    text = ctx.query.get("conditions")
    if text:
        from .conditions import evaluate  # pylint: disable=import-outside-toplevel
        node = query.parse_conditions(text, MY_SECURITY)
        views = [v for v in views if evaluate(node, v)]
    return _list_reply(ctx, views, MY_SECURITY)


MY_SECURITY = res.Resource("mySecurity", "roles", None, dict(SETTINGS.schema), extra_fields=tuple(SETTINGS.fields) + ("member",))
CUSTOMIZE = res.Resource("mySecurityCustomizeItem", "customizeItems", None, {},
                         extra_fields=("customizeIdentifier", "itemIdentifier"))


def my_customize_items(ctx):
    member = ctx.caller.get("member") or {}
    role_id = (member.get("securityRole") or {}).get("id")
    views = [{"id": item["id"], "customizeIdentifier": item["customizeIdentifier"], "itemIdentifier": item["itemIdentifier"]}
             for item in ctx.tenant.tables["customizeItems"].values() if item["roleId"] == role_id]
    return _list_reply(ctx, views, CUSTOMIZE)


# -- API keys (extended surface; a project invention, see the README) ---------------------------

API_KEYS = res.Resource("apiKey", "apiKeys", cat.MEMBER_MAINTENANCE, {"description": (res.STR, 100, "r")},
                        extra_fields=("publicKey", "member"))


def key_view(tenant, record):
    return {"id": record["id"], "description": record["description"], "publicKey": record["publicKey"],
            "member": res.render_ref(tenant, "members", {"id": record["memberId"]}), "_info": record["_info"]}


def issue_key(tenant, member, body, actor):
    """Create an API key as the UI would; returns the view with the private key (shown this once)."""
    clean = API_KEYS.validate(tenant, body, None)
    record, private_key = tenant.add_key(member, clean["description"], actor)
    view = key_view(tenant, record)
    view["privateKey"] = private_key
    return view


def _api_member(ctx):
    record = API_MEMBERS.find(ctx.tenant, ctx.int_param("id"))
    ctx.require_own(record)
    return record


def keys_list(ctx):
    member = _api_member(ctx)
    views = [key_view(ctx.tenant, k) for k in ctx.tenant.tables["apiKeys"].values()
             if k["memberId"] == member["id"] and k["kind"] == "apiKey"]
    text = ctx.query.get("conditions")
    if text:
        from .conditions import evaluate  # pylint: disable=import-outside-toplevel
        node = query.parse_conditions(text, API_KEYS)
        views = [v for v in views if evaluate(node, v)]
    return _list_reply(ctx, views, API_KEYS)


def keys_post(ctx):
    return Reply(201, issue_key(ctx.tenant, _api_member(ctx), ctx.load_body(), ctx.caller))


def keys_delete(ctx):
    member = _api_member(ctx)
    key = ctx.tenant.get("apiKeys", ctx.int_param("keyId"))
    if key is None or key["memberId"] != member["id"] or key["kind"] != "apiKey":
        raise errors.not_found("apiKey", ctx.params["keyId"])
    ctx.tenant.delete("apiKeys", key)
    return Reply(204)


# -- route table ----------------------------------------------------------------------------------

class Route:
    __slots__ = ("method", "template", "handler", "owner", "verb", "regex", "extended", "write")

    def __init__(self, method, template, handler, owner, verb=None, extended=False):
        self.method = method
        self.template = template
        self.handler = handler
        self.owner = owner
        self.verb = verb or VERB_FOR_METHOD[method]
        self.extended = extended
        self.write = method != "GET"
        pattern = re.sub(r"\{(id|parentId|keyId)\}", r"(?P<\1>[0-9]+)", template)
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
        self.regex = re.compile("^" + pattern + "$", re.IGNORECASE)


def _crud(base, resource, verbs):
    routes = []
    if "list" in verbs:
        routes.append(Route("GET", base, list_handler(resource), resource.owner))
        routes.append(Route("GET", base + "/count", count_handler(resource), resource.owner))
        routes.append(Route("GET", base + "/{id}", get_handler(resource), resource.owner))
    for verb, method, template, factory in (("post", "POST", base, post_handler), ("put", "PUT", base + "/{id}", put_handler),
                                            ("patch", "PATCH", base + "/{id}", patch_handler),
                                            ("delete", "DELETE", base + "/{id}", delete_handler)):
        if verb in verbs:
            routes.append(Route(method, template, factory(resource), resource.owner))
    return routes


def build_routes():
    routes = [Route("GET", "/system/info", system_info, PUBLIC)]
    routes += _crud("/system/apiMembers", API_MEMBERS, ("list", "post", "put", "patch"))
    routes += [
        Route("GET", "/system/apiMembers/{id}/apiKeys", keys_list, cat.MEMBER_MAINTENANCE, extended=True),
        Route("POST", "/system/apiMembers/{id}/apiKeys", keys_post, cat.MEMBER_MAINTENANCE, extended=True),
        Route("DELETE", "/system/apiMembers/{id}/apiKeys/{keyId}", keys_delete, cat.MEMBER_MAINTENANCE, extended=True),
    ]
    routes += _crud("/system/members", MEMBERS, ("list", "post", "put", "patch"))
    routes.append(Route("POST", "/system/members/{identifier}/tokens", create_token, cat.MEMBER_MAINTENANCE, "add"))
    routes += _crud("/system/securityroles", ROLES, ("list", "post", "delete"))
    routes += [
        Route("GET", "/system/securityroles/info", list_handler(ROLE_INFO), cat.SECURITY_ROLES),
        Route("GET", "/system/securityroles/info/count", count_handler(ROLE_INFO), cat.SECURITY_ROLES),
        Route("GET", "/system/securityroles/{id}/info", get_handler(ROLE_INFO), cat.SECURITY_ROLES),
    ]
    routes += [
        Route("GET", "/system/securityRoles/{parentId}/settings", settings_list, cat.SECURITY_ROLES),
        Route("GET", "/system/securityRoles/{parentId}/settings/count", settings_count, cat.SECURITY_ROLES),
        Route("GET", "/system/securityRoles/{parentId}/settings/{id}", settings_get, cat.SECURITY_ROLES),
        Route("PUT", "/system/securityRoles/{parentId}/settings/{id}", settings_put, cat.SECURITY_ROLES, extended=True),
        Route("PATCH", "/system/securityRoles/{parentId}/settings/{id}", settings_patch, cat.SECURITY_ROLES, extended=True),
        Route("GET", "/system/mySecurity", my_security, PUBLIC),
        Route("GET", "/system/mySecurity/customizeItems", my_customize_items, PUBLIC),
    ]
    routes += _crud("/system/integratorlogins", INTEGRATORS, ("list", "post", "put", "patch", "delete"))
    routes += _crud("/procurement/catalog", CATALOG, ("list", "post", "put", "patch", "delete"))
    for base, resource in READ_ONLY:
        routes += _crud(base, resource, ("list",))
    return routes


class Router:
    """Matches a path below ``apis/3.0`` case-insensitively; per surface, extended routes are absent."""

    def __init__(self, routes):
        self.by_surface = {
            "published": self._group([r for r in routes if not r.extended]),
            "extended": self._group(routes),
        }

    @staticmethod
    def _group(routes):
        groups = {}
        for route in routes:
            groups.setdefault(route.template.count("/"), []).append(route)
        return groups

    def match(self, surface, method, path):
        """Return (route, params) or raise 404 (no such route) / 405 (route without this verb)."""
        path = path.rstrip("/") or "/"
        allowed = set()
        for route in self.by_surface[surface].get(path.count("/"), ()):
            found = route.regex.match(path)
            if found:
                if route.method == method:
                    return route, found.groupdict()
                allowed.add(route.method)
        if allowed:
            raise errors.bad_method(method, allowed)
        raise errors.no_route(path)


ROUTER = Router(build_routes())


def check_permission(tenant, caller, route, ctx):
    """Raise 403 unless the caller may use ``route``; sets ctx.scope for ``My`` levels."""
    if route.owner == PUBLIC:
        return
    member = caller.get("member")
    if member is None:
        _check_integrator(caller["integrator"], route, ctx)
        return
    level = tenant.levels_for(member, route.owner)[VERB_INDEX[route.verb]]
    if level == "None":
        raise forbidden(route.owner, route.verb, level)
    ctx.scope = level


_INTEGRATOR_FLAGS = {"company": "companyApiFlag", "finance": "agreementApiFlag", "procurement": "productApiFlag",
                     "service": "serviceTicketApiFlag", "system": "systemApiFlag"}


def _check_integrator(login, route, ctx):
    area = route.template.split("/")[1].lower()
    flag = "reportingApiFlag" if route.template.lower().startswith("/system/reports") else _INTEGRATOR_FLAGS.get(area)
    if not (login.get("canAccessAllApisFlag") or (flag and login.get(flag))):
        message = "The integrator login %s has no access to the %s API (%s is false)." % (login["username"], area, flag)
        raise errors.ApiError(403, "Forbidden", message,
                              [errors.field_error("InsufficientPermission", message, "integratorLogin", flag)])
    ctx.scope = "All" if login.get("canAccessAllRecordsFlag") else "My"
