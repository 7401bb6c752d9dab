"""Resource models: field limits (from the 2025.1 schema), validation, PUT/PATCH semantics, rendering."""

import contextvars

from . import errors
from .conditions import parse_datetime
from .store import iso, utcnow

STR, BOOL, INT, NUM, DATE, ENUM, REF, INTLIST = "str", "bool", "int", "num", "date", "enum", "ref", "intlist"

# table -> fields a reference to it carries besides id
_REF_SHAPES = {
    "roles": ("name",), "levels": ("name",), "locations": ("name",), "departments": ("identifier", "name"),
    "timeZones": ("name",), "boards": ("name",), "members": ("identifier", "name"), "companies": ("identifier", "name"),
    "productTypes": ("name",), "productSubcategories": ("name",), "productCategories": ("name",),
}
_HREF = {
    "roles": "system/securityroles", "levels": "system/myCompany/corporateStructureLevels",
    "locations": "system/locations", "departments": "system/departments", "timeZones": "system/timeZoneSetups",
    "boards": "service/boards", "members": "system/members", "companies": "company/companies",
    "productTypes": "procurement/types", "productSubcategories": "procurement/subcategories",
    "productCategories": "procurement/categories",
}
_HREF_KEY = {"roles": "securityRole", "members": "member", "companies": "company", "timeZones": "timeZoneSetup"}

# "scheme://host/{codebase}apis/3.0" of the request being answered: hrefs point back at the server that was asked
API_BASE = contextvars.ContextVar("cwsim_api_base", default=None)


def set_api_base(scheme, host, codebase):
    """Make every href rendered while answering this request start with the request's own base."""
    API_BASE.set("%s://%s/%sapis/3.0" % (scheme, host, codebase))


def api_base(tenant):
    # outside a request (nothing renders there today) the tenant's own site, never a fixed cloud host
    return API_BASE.get() or "https://%s/%sapis/3.0" % (tenant.spec.get("site_url") or "localhost", tenant.codebase)


def member_name(record):
    return " ".join(part for part in (record.get("firstName"), record.get("lastName")) if part)


def render_ref(tenant, table, value):
    """Expand a stored ``{"id": N}`` into the reference object the API returns."""
    target = tenant.tables[table].get(value.get("id"))
    out = {"id": value.get("id")}
    if target is not None:
        for key in _REF_SHAPES.get(table, ("name",)):
            out[key] = member_name(target) if (table == "members" and key == "name") else target.get(key)
    out["_info"] = {"%s_href" % _HREF_KEY.get(table, table.rstrip("s")): "%s/%s/%s" % (
        api_base(tenant), _HREF.get(table, table), value.get("id"))}
    return out


class Resource:
    """A table exposed through the API. ``schema`` maps field -> (kind, arg, flags).

    Flags: ``r`` required, ``u`` required on updates (PUT/PATCH), ``w`` write-only (never rendered).
    """

    def __init__(self, name, table, owner, schema, unique=None, extra_fields=()):
        self.name = name
        self.table = table
        self.owner = owner
        self.schema = schema
        self.unique = unique
        self.refs = {field: arg for field, (kind, arg, _flags) in schema.items() if kind == REF}
        self.fields = {"id", "_info"} | set(schema) | set(extra_fields)
        self.lower_fields = {field.lower(): field for field in self.fields}

    def rows(self, tenant):
        return tenant.tables[self.table].values()

    def find(self, tenant, record_id):
        record = tenant.tables[self.table].get(record_id)
        if record is None or not self.accepts(record):
            raise errors.not_found(self.name, record_id)
        return record

    def accepts(self, _record):
        return True

    def index_lookup(self, _tenant, _path, _literal):
        """Rows for ``field = literal`` from an index, or None to fall back to a scan."""
        return None

    def render(self, tenant, record):
        # views hold hrefs, so they are cached per base URL as well as per record
        key = (self.name, record["id"], API_BASE.get())
        view = tenant.view_cache.get(key)
        if view is None:
            view = self._render(tenant, record)
            tenant.view_cache[key] = view
        return view

    def _render(self, tenant, record):
        out = {"id": record["id"]}
        for key, value in record.items():
            if value is None or key in ("id", "_info") or key.startswith("__"):
                continue
            spec = self.schema.get(key)
            if spec and "w" in spec[2]:
                continue
            if key in self.refs and isinstance(value, dict):
                value = render_ref(tenant, self.refs[key], value)
            out[key] = value
        out["_info"] = record.get("_info")
        return out

    # -- writes ---------------------------------------------------------------------------------
    def validate(self, tenant, body, existing):
        """Check a full body against the schema; return {field: value} for every schema field."""
        if not isinstance(body, dict):
            raise errors.invalid(self.name, [errors.field_error("InvalidObject", "The body must be a JSON object.",
                                                                self.name, None)])
        problems, clean = [], {}
        for field, (kind, arg, flags) in self.schema.items():
            value = body.get(field)
            if value is None:
                if "w" in flags and existing is not None:
                    continue
                if "r" in flags or ("u" in flags and existing is not None):
                    problems.append(errors.field_error("NullValue", "The %s field is required." % field, self.name, field))
                clean[field] = None
                continue
            value, problem = _check(tenant, field, kind, arg, value)
            if problem:
                problems.append(errors.field_error(problem[0], problem[1], self.name, field))
            clean[field] = value
        if self.unique and clean.get(self.unique) is not None:
            self.check_unique(tenant, clean[self.unique], existing, problems)
        if problems:
            raise errors.invalid(self.name, problems)
        return clean

    def check_unique(self, tenant, value, existing, problems):
        wanted = str(value).lower()
        for record in tenant.tables[self.table].values():
            if str(record.get(self.unique, "")).lower() == wanted and (existing is None or record["id"] != existing["id"]):
                problems.append(errors.field_error("ObjectExists", "The %s is already in use." % self.unique,
                                                   self.name, self.unique))
                return

    def to_record(self, clean, _existing):
        """Turn validated API fields into stored fields (identity for most resources)."""
        return {key: value for key, value in clean.items() if "w" not in self.schema[key][2]}

    def create(self, tenant, body, actor):
        clean = self.validate(tenant, body, None)
        record = self.to_record(clean, None)
        self.before_write(tenant, record, clean, None)
        return tenant.insert(self.table, record, actor)

    def replace(self, tenant, record, body, actor):
        clean = self.validate(tenant, body, record)
        changes = self.to_record(clean, record)
        self.before_write(tenant, changes, clean, record)
        return tenant.update(self.table, record, changes, actor)

    def patch(self, tenant, record, operations, actor):
        view = apply_patch(self, dict(self.render(tenant, record)), operations)
        return self.replace(tenant, record, view, actor)

    def before_write(self, tenant, record, clean, existing):
        """Hook for side effects of a write (write-only secrets, derived fields)."""

    def remove(self, tenant, record, _actor):
        tenant.delete(self.table, record)


def _check(tenant, field, kind, arg, value):
    """Return (normalised value, None) or (value, (code, message))."""
    if kind == STR:
        if not isinstance(value, str):
            return value, ("InvalidField", "%s must be a string." % field)
        if arg and len(value) > arg:
            return value, ("InvalidField", "%s must be at most %d characters (got %d)." % (field, arg, len(value)))
        return value, None
    if kind == BOOL:
        return value, None if isinstance(value, bool) else ("InvalidField", "%s must be true or false." % field)
    if kind in (INT, NUM):
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool) and (kind == NUM or isinstance(value, int))
        return value, None if numeric else ("InvalidField", "%s must be a number." % field)
    if kind == DATE:
        try:
            return iso(parse_datetime(value)), None
        except (TypeError, ValueError, AttributeError):
            return value, ("InvalidField", "%s must be an ISO-8601 date-time." % field)
    if kind == ENUM:
        return value, None if value in arg else ("InvalidField", "%s must be one of %s." % (field, ", ".join(arg)))
    if kind == INTLIST:
        good = isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        return value, None if good else ("InvalidField", "%s must be a list of integers." % field)
    # REF: {"id": N}; a bare integer is accepted too, as the real service is lenient with PATCH values
    ref_id = value.get("id") if isinstance(value, dict) else value
    if not isinstance(ref_id, int) or isinstance(ref_id, bool):
        return value, ("InvalidField", "%s must be a reference object with an integer id." % field)
    if ref_id not in tenant.tables[arg]:
        return value, ("NotFound", "%s id %d was not found." % (field, ref_id))
    return {"id": ref_id}, None


_PATCH_OPS = ("add", "replace", "remove")


def apply_patch(resource, view, operations):
    """Apply a list of ``{op, path, value}`` to a rendered view (nested ``a/b`` paths, leading / allowed)."""
    def fail(message, field=None):
        raise errors.invalid(resource.name, [errors.field_error("InvalidPatch", message, resource.name, field)])

    if not isinstance(operations, list) or not operations:
        fail("The body must be a non-empty list of {op, path, value} operations.")
    for operation in operations:
        if not isinstance(operation, dict) or not isinstance(operation.get("path"), str):
            fail("Each operation needs an op and a path.")
        op = str(operation.get("op", "")).lower()
        if op not in _PATCH_OPS:
            fail("Unknown patch op %r (use add, replace or remove)." % operation.get("op"), operation["path"])
        parts = [part for part in operation["path"].strip("/").split("/") if part]
        field = resource.lower_fields.get(parts[0].lower()) if parts else None
        if field is None or field in ("id", "_info") or field not in resource.schema:
            fail("Path %r is not a writable field of %s." % (operation["path"], resource.name), operation["path"])
        value = None if op == "remove" else operation.get("value")
        if len(parts) == 1:
            view[field] = value
        elif field in resource.refs and parts[1].lower() == "id" and len(parts) == 2:
            view[field] = None if value is None else {"id": value}
        else:
            container = dict(view.get(field) or {})
            container[parts[1]] = value
            view[field] = container
    return view


def _now():
    return iso(utcnow())


# -- concrete resources ---------------------------------------------------------------------------

ROLE_SCHEMA = {"name": (STR, 30, "r"), "roleType": (STR, 30, ""), "adminFlag": (BOOL, None, ""),
               "inactiveFlag": (BOOL, None, "")}


class RoleResource(Resource):
    def create(self, tenant, body, actor):
        # a new role starts with one row per catalogue function, every level None (vendor walkthroughs)
        record = super().create(tenant, body, actor)
        tenant.create_role_settings(record["id"], "None")
        return record

    def to_record(self, clean, existing):
        record = super().to_record(clean, existing)
        # adminFlag is the built-in role's privilege; a role created through the API never gets it
        record["adminFlag"] = bool(existing and existing.get("adminFlag"))
        return record

    def remove(self, tenant, record, actor):
        if record.get("adminFlag"):
            raise errors.invalid(self.name, [errors.field_error("InvalidObject", "The built-in Admin role cannot be deleted.",
                                                                self.name, "id")])
        if any((m.get("securityRole") or {}).get("id") == record["id"] for m in tenant.tables["members"].values()):
            raise errors.invalid(self.name, [errors.field_error("InUse", "The security role is assigned to members.",
                                                                self.name, "id")])
        for item in [i for i in tenant.tables["customizeItems"].values() if i["roleId"] == record["id"]]:
            tenant.delete("customizeItems", item)
        super().remove(tenant, record, actor)


class RoleInfoResource(Resource):
    """``SecurityRoleInfo``: the lightweight row of a role (id, name, roleType, inactiveFlag, _info)."""

    def _render(self, tenant, record):
        out = {"id": record["id"]}
        out.update({key: record[key] for key in self.schema if record.get(key) is not None})
        out["_info"] = record.get("_info")
        return out


API_MEMBER_SCHEMA = {
    "identifier": (STR, 15, "r"), "name": (STR, 30, "u"), "emailAddress": (STR, 250, ""), "inactiveFlag": (BOOL, None, ""),
    "inactiveDate": (DATE, None, ""), "timeZone": (REF, "timeZones", ""), "securityRole": (REF, "roles", ""),
    "structureLevel": (REF, "levels", ""), "securityLocation": (REF, "locations", ""),
    "defaultLocation": (REF, "locations", ""), "defaultDepartment": (REF, "departments", ""),
    "salesDefaultLocation": (REF, "locations", ""), "serviceDefaultBoard": (REF, "boards", ""), "notes": (STR, None, ""),
    "excludedServiceBoardIds": (INTLIST, None, ""), "blockPriceFlag": (BOOL, None, ""), "blockCostFlag": (BOOL, None, ""),
}
_MEMBER_REFS = ("timeZone", "securityRole", "structureLevel", "securityLocation", "defaultLocation", "defaultDepartment",
                "salesDefaultLocation", "serviceDefaultBoard")

# The 2025.1 Member model, field by field in the schema's order. Left out: references to tables the simulator does
# not keep (country, photo, office365, ldapConfiguration, directionalSync, ssoSettings, reportCard, type, workRole,
# workType, projectDefaultBoard, serviceLocation, calendar, warehouse, warehouseBin) and customFields: accepted in a
# body and ignored, never rendered. Write-only: password and the create-from-member ids.
_FLAG = (BOOL, None, "")
_LOCATION, _DEPARTMENT, _IDS = (REF, "locations", ""), (REF, "departments", ""), (INTLIST, None, "")
_CHANNEL = (ENUM, ("Office", "Mobile", "Home"), "r")
_TAB_FORMAT, _DISPLAY = (ENUM, ("SummaryList", "DetailList"), ""), (ENUM, ("RemainOnInvoicingScreen", "ShowRecentInvoices"), "")
MEMBER_SCHEMA = {
    "identifier": (STR, 15, "r"), "password": (STR, 60, "w"), "disableOnlineFlag": _FLAG,
    "licenseClass": (ENUM, ("A", "C", "F", "X"), "r"), "notes": (STR, None, ""), "employeeIdentifer": (STR, 10, ""),
    "vendorNumber": (STR, None, ""), "enableMobileGpsFlag": _FLAG, "inactiveDate": (DATE, None, ""), "inactiveFlag": _FLAG,
    "firstName": (STR, 30, "r"), "middleInitial": (STR, 1, ""), "lastName": (STR, 30, "r"), "hireDate": (DATE, None, "r"),
    "officeEmail": (STR, 250, ""), "mobileEmail": (STR, 250, ""), "homeEmail": (STR, 250, ""), "defaultEmail": _CHANNEL,
    "officePhone": (STR, 15, ""), "officeExtension": (STR, 10, ""), "mobilePhone": (STR, 15, ""),
    "mobileExtension": (STR, 10, ""), "homePhone": (STR, 15, ""), "homeExtension": (STR, 10, ""), "defaultPhone": _CHANNEL,
    "securityRole": (REF, "roles", "r"), "mapiName": (STR, None, ""), "calendarSyncIntegrationFlag": _FLAG,
    "authenticationServiceType": (ENUM, ("AuthAnvil", "GoogleAuthenticator", "Email"), ""),
    "timebasedOneTimePasswordActivated": _FLAG, "enableLdapAuthenticationFlag": _FLAG, "ldapUserName": (STR, 50, ""),
    "signature": (STR, None, ""), "phoneIntegrationType": (ENUM, ("TAPI", "SKYPE", "TEL", "CALLTO", "NONE"), ""),
    "useBrowserLanguageFlag": _FLAG, "title": (STR, None, ""), "enableMobileFlag": _FLAG,
    "timeZone": (REF, "timeZones", ""), "partnerPortalFlag": _FLAG, "toastNotificationFlag": _FLAG, "memberPersonas": _IDS,
    "structureLevel": (REF, "levels", ""), "securityLocation": _LOCATION, "defaultLocation": _LOCATION,
    "defaultDepartment": _DEPARTMENT, "reportsTo": (REF, "members", ""), "restrictLocationFlag": _FLAG,
    "restrictDepartmentFlag": _FLAG, "timeApprover": (REF, "members", ""), "expenseApprover": (REF, "members", ""),
    "billableForecast": (NUM, None, ""), "dailyCapacity": (NUM, None, ""), "hourlyCost": (NUM, None, ""),
    "hourlyRate": (NUM, None, ""), "includeInUtilizationReportingFlag": _FLAG, "requireExpenseEntryFlag": _FLAG,
    "requireTimeSheetEntryFlag": _FLAG, "requireStartAndEndTimeOnTimeEntryFlag": _FLAG,
    "allowInCellEntryOnTimeSheet": _FLAG, "enterTimeAgainstCompanyFlag": _FLAG,
    "allowExpensesEnteredAgainstCompaniesFlag": _FLAG, "timeReminderEmailFlag": _FLAG, "daysTolerance": (INT, None, ""),
    "minimumHours": (NUM, None, ""), "timeSheetStartDate": (STR, None, ""), "serviceDefaultLocation": _LOCATION,
    "serviceDefaultDepartment": _DEPARTMENT, "serviceDefaultBoard": (REF, "boards", ""),
    "restrictServiceDefaultLocationFlag": _FLAG, "restrictServiceDefaultDepartmentFlag": _FLAG,
    "excludedServiceBoardIds": _IDS, "teams": _IDS, "serviceBoardTeamIds": _IDS, "projectDefaultLocation": _LOCATION,
    "projectDefaultDepartment": _DEPARTMENT, "restrictProjectDefaultLocationFlag": _FLAG,
    "restrictProjectDefaultDepartmentFlag": _FLAG, "excludedProjectBoardIds": _IDS, "scheduleDefaultLocation": _LOCATION,
    "scheduleDefaultDepartment": _DEPARTMENT, "scheduleCapacity": (NUM, None, ""), "restrictScheduleFlag": _FLAG,
    "hideMemberInDispatchPortalFlag": _FLAG, "salesDefaultLocation": _LOCATION, "restrictDefaultSalesTerritoryFlag": _FLAG,
    "restrictDefaultWarehouseFlag": _FLAG, "restrictDefaultWarehouseBinFlag": _FLAG, "companyActivityTabFormat": _TAB_FORMAT,
    "invoiceTimeTabFormat": _TAB_FORMAT,
    "invoiceScreenDefaultTabFormat": (ENUM, ("ShowInvoicingTab", "ShowAgreementInvoicingTab"), ""),
    "invoicingDisplayOptions": _DISPLAY, "agreementInvoicingDisplayOptions": _DISPLAY, "autoStartStopwatch": _FLAG,
    "autoPopupQuickNotesWithStopwatch": _FLAG,
    "globalSearchDefaultTicketFilter": (ENUM, ("OpenRecords", "ClosedRecords", "AllRecords"), ""),
    "globalSearchDefaultSort": (ENUM, ("None", "LastUpdatedDesc", "LastUpdatedAsc", "CreatedDesc", "CreatedAsc"), ""),
    "phoneSource": (STR, None, ""), "copyPodLayouts": _FLAG, "copySharedDefaultViews": _FLAG,
    "copyColumnLayoutsAndFilters": _FLAG, "fromMemberRecId": (INT, None, "w"), "fromMemberTemplateRecId": (INT, None, "w"),
}
# rendered when stored (set by the service, not by a client); adminFlag and primaryEmail are derived
MEMBER_READ_ONLY = ("adminFlag", "primaryEmail", "lastLogin", "clientId", "stsUserAdminUrl")

# What a member row shows for a field nobody set: what a new member gets in the UI. Strings and references
# nobody set are left out of the row, as ConnectWise leaves out empty values; nothing is null.
MEMBER_DEFAULTS = {field: False for field, spec in MEMBER_SCHEMA.items() if spec is _FLAG}
MEMBER_DEFAULTS.update({field: () for field, spec in MEMBER_SCHEMA.items() if spec is _IDS})
MEMBER_DEFAULTS.update({
    "phoneIntegrationType": "NONE", "companyActivityTabFormat": "SummaryList", "invoiceTimeTabFormat": "SummaryList",
    "invoiceScreenDefaultTabFormat": "ShowInvoicingTab", "invoicingDisplayOptions": "RemainOnInvoicingScreen",
    "agreementInvoicingDisplayOptions": "RemainOnInvoicingScreen", "globalSearchDefaultTicketFilter": "OpenRecords",
    "globalSearchDefaultSort": "None", "billableForecast": 0.0, "dailyCapacity": 8.0, "hourlyCost": 0.0, "hourlyRate": 0.0,
    "daysTolerance": 0, "minimumHours": 0.0, "scheduleCapacity": 8.0,
})
_EMAIL_FIELD = {"Office": "officeEmail", "Mobile": "mobileEmail", "Home": "homeEmail"}


def _inactive_date(clean, existing):
    """An inactive member keeps the date it became inactive (or the one given); an active one has none."""
    if not clean["inactiveFlag"]:
        return None
    return clean["inactiveDate"] or (existing or {}).get("inactiveDate") or _now()


class MemberResource(Resource):
    """Every member, full and API alike: the 2025.1 Member model."""

    def index_lookup(self, tenant, path, literal):
        if len(path) != 1 or path[0].lower() != "identifier" or not isinstance(literal, str):
            return None
        record = tenant.member_by_identifier.get(literal.lower())
        return [record] if record is not None and self.accepts(record) else []

    def check_unique(self, tenant, value, existing, problems):
        # identifiers are unique across every member, full and API alike
        other = tenant.member_by_identifier.get(str(value).lower())
        if other is not None and (existing is None or other["id"] != existing["id"]):
            problems.append(errors.field_error("ObjectExists", "The identifier is already in use.", self.name, "identifier"))

    def validate(self, tenant, body, existing):
        clean = super().validate(tenant, body, existing)
        # "ConditionallyRequired": API members get a random password, everyone else needs one to sign in
        if existing is None and not clean["password"] and clean["licenseClass"] != "A":
            raise errors.invalid(self.name, [errors.field_error(
                "NullValue", "The password field is required for a member with licenseClass %s." % clean["licenseClass"],
                self.name, "password")])
        return clean

    def to_record(self, clean, existing):
        record = super().to_record(clean, existing)
        record["inactiveFlag"] = bool(clean["inactiveFlag"])
        record["inactiveDate"] = _inactive_date(clean, existing)
        return record

    def before_write(self, tenant, record, clean, existing):
        from .credentials import hash_secret  # pylint: disable=import-outside-toplevel
        if clean.get("password"):
            record["__password"] = hash_secret(clean["password"])

    def _render(self, tenant, record):
        out = {"id": record["id"]}
        for field, (kind, _arg, flags) in self.schema.items():
            value = record.get(field)
            if value is None:
                value = MEMBER_DEFAULTS.get(field)
            if value is None or "w" in flags:
                continue
            out[field] = render_ref(tenant, self.refs[field], value) if kind == REF else \
                list(value) if kind == INTLIST else value
        # records made before these fields were kept: an API member has an empty last name, everyone a hire date
        out.setdefault("lastName", "")
        if "hireDate" not in out and (record.get("_info") or {}).get("dateEntered"):
            out["hireDate"] = record["_info"]["dateEntered"]
        primary = record.get(_EMAIL_FIELD.get(record.get("defaultEmail"), "officeEmail"))
        if primary:
            out["primaryEmail"] = primary
        role = tenant.get("roles", (record.get("securityRole") or {}).get("id"))
        out["adminFlag"] = bool(role and role.get("adminFlag"))
        out.update({field: record[field] for field in MEMBER_READ_ONLY[2:] if record.get(field) is not None})
        out["_info"] = record.get("_info")
        return out


class ApiMemberResource(MemberResource):
    """API members are members with licenseClass A; this view renames a few Member fields."""

    def accepts(self, record):
        return record.get("licenseClass") == "A"

    def rows(self, tenant):
        return (r for r in tenant.tables["members"].values() if r.get("licenseClass") == "A")

    def validate(self, tenant, body, existing):
        # the ApiMember model has no password and no licenseClass: nothing is conditionally required
        return Resource.validate(self, tenant, body, existing)

    def _render(self, tenant, record):
        out = {"id": record["id"], "identifier": record["identifier"], "name": member_name(record),
               "emailAddress": record.get("officeEmail"), "inactiveFlag": bool(record.get("inactiveFlag")),
               "inactiveDate": record.get("inactiveDate")}
        for field in _MEMBER_REFS:
            if record.get(field):
                out[field] = render_ref(tenant, self.refs[field], record[field])
        out["notes"] = record.get("notes")
        out["excludedServiceBoardIds"] = list(record.get("excludedServiceBoardIds") or ())
        out["blockPriceFlag"] = bool(record.get("blockPriceFlag"))
        out["blockCostFlag"] = bool(record.get("blockCostFlag"))
        out["_info"] = record.get("_info")
        return {k: v for k, v in out.items() if v is not None}

    def to_record(self, clean, existing):
        record = {key: clean[key] for key in _MEMBER_REFS}
        record.update({key: clean[key] for key in ("identifier", "notes", "excludedServiceBoardIds", "blockPriceFlag",
                                                   "blockCostFlag")})
        # the API member's one name field is its first name; members need a last name, API members have an empty one
        record["firstName"] = clean["name"] or clean["identifier"]
        record["lastName"] = ""
        record["officeEmail"] = clean["emailAddress"]
        record["inactiveFlag"] = bool(clean["inactiveFlag"])
        record["inactiveDate"] = _inactive_date(clean, existing)
        if existing is None:
            record.update({"licenseClass": "A", "defaultEmail": "Office", "defaultPhone": "Office", "hireDate": _now()})
        return record


_API_FLAGS = ("serviceTicketApiFlag", "timeEntryApiFlag", "managedServicesApiFlag", "contactApiFlag", "companyApiFlag",
              "activityApiFlag", "invoiceApiFlag", "productApiFlag", "opportunityApiFlag", "opportunityConversionApiFlag",
              "memberApiFlag", "marketingApiFlag", "purchasingApiFlag", "reportingApiFlag", "systemApiFlag",
              "projectApiFlag", "configurationApiFlag", "scheduleApiFlag", "agreementApiFlag", "documentApiFlag")
_CALLBACKS = ("serviceBoard", "timeEntry", "contact", "company", "activity", "product", "opportunity", "purchasing",
              "project", "configuration", "schedule", "agreement")

INTEGRATOR_SCHEMA = {"username": (STR, 50, "r"), "password": (STR, 50, "w"), "canAccessAllRecordsFlag": (BOOL, None, ""),
                     "canAccessAllApisFlag": (BOOL, None, ""), "inactiveFlag": (BOOL, None, ""),
                     "member": (REF, "members", ""), "board": (REF, "boards", ""),
                     "managedServicesAutoChildFlag": (BOOL, None, ""), "managedServicesChildingFlag": (BOOL, None, ""),
                     "configurationAutoChildFlag": (BOOL, None, ""), "configurationChildlingFlag": (BOOL, None, "")}
INTEGRATOR_SCHEMA.update({flag: (BOOL, None, "") for flag in _API_FLAGS})
INTEGRATOR_SCHEMA.update({"%sCallbackUrl" % area: (STR, 1000, "") for area in _CALLBACKS})
INTEGRATOR_SCHEMA.update({"%sLegacyCallbackFlag" % area: (BOOL, None, "") for area in _CALLBACKS if area != "agreement"})
INTEGRATOR_SCHEMA["agreementCallbackLegacyFlag"] = (BOOL, None, "")


class IntegratorLoginResource(Resource):
    def validate(self, tenant, body, existing):
        clean = super().validate(tenant, body, existing)
        problems = []
        if existing is None and not clean.get("password"):
            problems.append(errors.field_error("NullValue", "The password field is required.", self.name, "password"))
        if clean.get("canAccessAllApisFlag"):
            for field in ("member", "board"):
                if not clean.get(field):
                    problems.append(errors.field_error("NullValue", "%s is required when canAccessAllApisFlag is true." % field,
                                                       self.name, field))
        if problems:
            raise errors.invalid(self.name, problems)
        return clean

    def before_write(self, tenant, record, clean, existing):
        from .credentials import hash_secret  # pylint: disable=import-outside-toplevel
        if clean.get("password"):
            record["__password"] = hash_secret(clean["password"])
        if clean.get("inactiveFlag") and not (existing or {}).get("inactiveFlag"):
            record["dateInactivated"] = _now()
        elif not clean.get("inactiveFlag"):
            record["dateInactivated"] = None


CATALOG_SCHEMA = {
    "identifier": (STR, 75, "r"), "description": (STR, 60, "r"), "inactiveFlag": (BOOL, None, ""),
    "subcategory": (REF, "productSubcategories", "r"), "type": (REF, "productTypes", "r"),
    "productClass": (ENUM, ("Agreement", "Bundle", "Inventory", "NonInventory", "Service"), ""),
    "customerDescription": (STR, 6000, "r"), "category": (REF, "productCategories", ""), "price": (NUM, None, ""),
    "cost": (NUM, None, ""), "taxableFlag": (BOOL, None, ""), "manufacturerPartNumber": (STR, 50, ""),
    "vendorSku": (STR, 50, ""), "notes": (STR, None, ""),
}


class CatalogResource(Resource):
    def to_record(self, clean, existing):
        record = super().to_record(clean, existing)
        record["productClass"] = record.get("productClass") or "NonInventory"
        return record


def read_only(name, table, owner, fields, refs=None):
    """A seeded lookup table that can only be read."""
    schema = {field: (REF, refs[field], "") if refs and field in refs else (STR, None, "") for field in fields}
    return Resource(name, table, owner, schema)
