"""Realistic starting data for a tenant. Everything is deterministic for a given spec."""

import datetime

from . import catalogue as cat
from .store import Tenant

# name, adminFlag, roleType, levels by function ({function: {verb: level}}), default level
_ROLES = (
    ("Admin", True, "Admin", None, "All"),
    ("Employee", False, "Member", {
        cat.COMPANY_MAINTENANCE: {"inquire": "All"},
        cat.SERVICE_TICKETS: {"add": "My", "edit": "My", "inquire": "My"},
        cat.MEMBER_MAINTENANCE: {"inquire": "My"},
        803: {"edit": "My", "inquire": "My"},
    }, "None"),
    ("Technician", False, "Member", {
        cat.COMPANY_MAINTENANCE: {"inquire": "All"},
        105: {"add": "All", "edit": "All", "inquire": "All"},
        104: {"add": "All", "edit": "All", "inquire": "All"},
        cat.SERVICE_TICKETS: {"add": "All", "edit": "All", "inquire": "All"},
        cat.CLOSE_SERVICE_TICKETS: {"edit": "All", "inquire": "All"},
        cat.TABLE_SETUP: {"inquire": "All"},
        cat.MEMBER_MAINTENANCE: {"inquire": "All"},
    }, "None"),
    ("Finance", False, "Member", {
        cat.COMPANY_MAINTENANCE: {"inquire": "All"},
        cat.AGREEMENTS: {"add": "All", "edit": "All", "delete": "All", "inquire": "All"},
        212: {"add": "All", "edit": "All", "inquire": "All"},
        cat.PRODUCT_CATALOG: {"inquire": "All"},
        cat.API_REPORTS: {"inquire": "All"},
    }, "None"),
    ("Read Only", False, "Member", None, "None"),
)

_LEVELS = (("Corporate", 1), ("Region", 2), ("Location", 3), ("Business Unit", 4))
_LOCATIONS = ("Main Office", "Remote", "Tampa Office")
_DEPARTMENTS = (("SVC", "Services"), ("SLS", "Sales"), ("ADM", "Administration"), ("PS", "Professional Services"))
_TIME_ZONES = (("Eastern", -5.0), ("Central", -6.0), ("Mountain", -7.0), ("Pacific", -8.0), ("GMT", 0.0),
               ("Central European", 1.0))
_BOARDS = ("Help Desk", "Professional Services", "Alerts")
_COMPANIES = (("Contoso", "Contoso Ltd"), ("Fabrikam", "Fabrikam Inc"), ("Northwind", "Northwind Traders"),
              ("Tailspin", "Tailspin Toys"), ("WideWorld", "Wide World Importers"))
_REPORTS = ("Member", "Company", "Agreement", "Service", "Time")
_FIRST = ("Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea", "Max", "Nia",
          "Oli", "Pia", "Quin", "Rae", "Sam", "Tia")
_LAST = ("Adams", "Baker", "Chen", "Diaz", "Evans", "Fox", "Garcia", "Hill", "Ito", "Jones", "Khan", "Lopez",
         "Meyer", "Novak", "Ortiz", "Park", "Quinn", "Rossi", "Singh", "Tanaka")
_PRODUCT_TYPES = ("Service", "Hardware", "Software", "Subscription")
_CATEGORIES = ("Security", "Hardware")
_SUBCATEGORIES = (("Endpoint Protection", 1), ("Firewalls", 2), ("Email Security", 1))
_CATALOG = (
    ("SEC-EDR-STD", "Endpoint detection and response", 1, 4, 12.5),
    ("SEC-MAIL", "Email security per mailbox", 3, 4, 3.0),
    ("FW-XG-115", "Firewall appliance XG 115", 2, 2, 750.0),
)
_CUSTOMIZE = (("TableSetup", "Service / Service Board"), ("TableSetup", "Company / Company Status"),
              ("TableSetup", "General / Manage Hosted API"), ("Configurations", "Managed Workstation"))


def ref(record_id):
    return {"id": record_id}


def build(spec):
    """Create and populate a Tenant from a normalised spec (see config.normalise_tenant)."""
    tenant = Tenant(spec)
    for name, admin, role_type, levels, default in _ROLES:
        role = tenant.insert("roles", {"name": name, "roleType": role_type, "adminFlag": admin, "inactiveFlag": False})
        tenant.create_role_settings(role["id"], default, levels)
    admin_role = 1
    for name, number in _LEVELS:
        tenant.insert("levels", {"name": name, "levelNumber": number})
    for name in _LOCATIONS:
        tenant.insert("locations", {"name": name, "where": "In-house", "structureLevel": ref(1)})
    for ident, name in _DEPARTMENTS:
        tenant.insert("departments", {"identifier": ident, "name": name, "inactiveFlag": False})
    for name, offset in _TIME_ZONES:
        tenant.insert("timeZones", {"name": name, "offset": offset, "defaultFlag": name == "Eastern",
                                    "daylightSavingsFlag": offset < 0})
    for name in _BOARDS:
        tenant.insert("boards", {"name": name, "location": ref(1), "department": ref(1), "inactiveFlag": False})
    tenant.insert("companies", {"identifier": spec["company_id"], "name": spec["company_name"],
                                "status": {"id": 1, "name": "Active"}, "type": {"id": 1, "name": "Owner"}})
    for ident, name in _COMPANIES:
        tenant.insert("companies", {"identifier": ident, "name": name, "status": {"id": 1, "name": "Active"},
                                    "type": {"id": 2, "name": "Client"}})
    for number in range(2, len(_COMPANIES) + 2):
        tenant.insert("agreements", {"name": "Managed Services %d" % number, "type": {"id": 1, "name": "MSP"},
                                     "company": ref(number), "agreementStatus": "Active",
                                     "startDate": "2024-01-01T00:00:00Z", "cancelledFlag": False})
        tenant.insert("configurations", {"name": "WS-%03d" % number, "type": {"id": 1, "name": "Managed Workstation"},
                                         "company": ref(number), "status": {"id": 1, "name": "Active"}, "activeFlag": True})
        tenant.insert("timeEntries", {"company": ref(number), "member": ref(1), "chargeToType": "ServiceTicket",
                                      "timeStart": "2024-02-01T14:00:00Z", "actualHours": 0.5,
                                      "notes": "Remote session at company %d" % number})
        tenant.insert("tickets", {"summary": "Workstation offline at company %d" % number, "board": ref(1),
                                  "company": ref(number), "status": {"id": 1, "name": "New"},
                                  "priority": {"id": 3, "name": "Priority 3 - Normal"}, "closedFlag": False})
    for name in _REPORTS:
        tenant.insert("reports", {"name": name})
    for name in _PRODUCT_TYPES:
        tenant.insert("productTypes", {"name": name})
    for name in _CATEGORIES:
        tenant.insert("productCategories", {"name": name, "inactiveFlag": False})
    for name, category in _SUBCATEGORIES:
        tenant.insert("productSubcategories", {"name": name, "category": ref(category), "inactiveFlag": False})
    for ident, description, subcategory, product_type, price in _CATALOG:
        tenant.insert("catalog", {"identifier": ident, "description": description, "subcategory": ref(subcategory),
                                  "type": ref(product_type), "customerDescription": description,
                                  "productClass": "NonInventory", "price": price, "cost": round(price * 0.6, 2),
                                  "inactiveFlag": False, "taxableFlag": True})
    for customize, item in _CUSTOMIZE:
        tenant.insert("customizeItems", {"roleId": admin_role, "customizeIdentifier": customize, "itemIdentifier": item})
    _seed_members(tenant, spec, admin_role)
    login = spec.get("integrator_login")
    if login:
        record = {"username": login["username"], "canAccessAllRecordsFlag": True, "canAccessAllApisFlag": False,
                  "inactiveFlag": False, "__password": login["secret"]}
        record.update({flag: True for flag in ("companyApiFlag", "productApiFlag", "agreementApiFlag",
                                               "serviceTicketApiFlag", "systemApiFlag", "reportingApiFlag")})
        tenant.insert("integratorLogins", record)
    tenant.touch()
    return tenant


def _member(identifier, first, last, license_class, role, hire):
    return {
        "identifier": identifier, "licenseClass": license_class, "firstName": first, "lastName": last,
        "officeEmail": "%s@example.invalid" % identifier.lower(), "defaultEmail": "Office", "defaultPhone": "Office",
        "inactiveFlag": False, "securityRole": ref(role), "structureLevel": ref(1), "securityLocation": ref(1),
        "defaultLocation": ref(1), "salesDefaultLocation": ref(1), "defaultDepartment": ref(1), "timeZone": ref(1),
        "hireDate": hire,
    }


def _seed_members(tenant, spec, admin_role):
    hire = "2020-01-06T00:00:00Z"
    tenant.insert("members", _member("admin", "Site", "Administrator", "F", admin_role, hire))
    for number in range(1, spec["members"] + 1):
        first = _FIRST[number % len(_FIRST)]
        last = _LAST[(number // len(_FIRST)) % len(_LAST)]
        day = datetime.date(2015, 1, 1) + datetime.timedelta(days=number % 3000)
        role = 2 if number % 3 else 3
        member = _member("u%05d" % number, first, last, "F", role, day.isoformat() + "T00:00:00Z")
        member.update({"reportsTo": ref(1), "timeApprover": ref(1), "expenseApprover": ref(1),
                       "title": "Service Technician" if role == 3 else "Account Manager"})
        tenant.insert("members", member)
    # API members have one name (their first name) and an empty last name
    old = _member("svc-old", "Retired integration", "", "A", 5, hire)
    old.update({"inactiveFlag": True, "inactiveDate": "2023-06-30T00:00:00Z"})
    tenant.insert("members", old)
    boot = spec.get("bootstrap")
    if boot:
        member = _member(boot["identifier"], "Bootstrap API member", "", "A", admin_role, hire)
        tenant.insert("members", member)
        tenant.add_key(member, "Bootstrap key", public_key=boot["public_key"], secret=boot["secret"])
