"""The security module/function catalogue every seeded security role carries.

ConnectWise publishes no list of its internal module/function codes, so the identifiers here are
invented and deliberately look fake (``SIM_...`` / ``Sxxx``); the human names are the UI labels
collected from vendor guides. Function numbers are fixed by hand (module * 100 + n) so that ids stay
stable when rows are added; never renumber an existing row.
"""

import re

MODULES = (
    # (number, UI name, invented identifier)
    (1, "Companies", "SIM_CO"),
    (2, "Finance", "SIM_FI"),
    (3, "Marketing", "SIM_MK"),
    (4, "Procurement", "SIM_PR"),
    (5, "Project", "SIM_PJ"),
    (6, "Sales", "SIM_SA"),
    (7, "Service Desk", "SIM_SD"),
    (8, "System", "SIM_SY"),
    (9, "Time & Expense", "SIM_TE"),
)

# (function number, UI name); flags below mark the few rows that differ from the defaults
FUNCTIONS = (
    (101, "Company Maintenance"), (102, "Company/Contact Group Maintenance"),
    (103, "Configuration - Display Passwords"), (104, "Configurations"), (105, "Contacts"),
    (106, "CRM/Sales Activities"), (107, "Import Contacts"), (108, "Manage Attachments"),
    (109, "Management"), (110, "Notes"), (111, "Reports"), (112, "Surveys"), (113, "Team Members"),
    (114, "Tracks"), (115, "User Scenarios"),
    (201, "Accounting Interface"), (202, "Agreement Invoicing"), (203, "Agreement Sales"), (204, "Agreements"),
    (205, "Billing Rate Maintenance"), (206, "Billing Reconciliation"), (207, "Billing View Time"),
    (208, "Company Finance"), (209, "Expense Reimbursements"), (210, "Financial Dashboard"),
    (211, "Invoice Approval"), (212, "Invoicing"), (213, "Reports"),
    (301, "ConnectWise Campaign"), (302, "Marketing Groups"), (303, "Marketing Management"), (304, "Marketing Reports"),
    (401, "Inventory Adjustments"), (402, "Inventory Transfers"), (403, "Product Catalog"), (404, "Products"),
    (405, "Product Billable Option"), (406, "Purchase Orders"),
    (501, "Close Project"), (502, "Close Project Tickets"), (503, "Project Contacts"), (504, "Project Finance"),
    (505, "Project Headers"), (506, "Project Management"), (507, "Project Notes"), (508, "Project Phase"),
    (509, "Project Product"), (510, "Project Scheduling"), (511, "Project Teams"),
    (512, "Project Ticket Dependencies"), (513, "Project Ticket Tasks"), (514, "Project Tickets"),
    (601, "Closed Opportunity"), (602, "Opportunity"), (603, "Opportunity Finance"), (604, "Sales Order Finance"),
    (605, "Sales Orders"),
    (701, "Close Service Tickets"), (702, "Merge Tickets"), (703, "Resource Scheduling"),
    (704, "Service Ticket Dependencies"), (705, "Service Tickets"), (706, "SLA Dashboard"), (707, "Ticket Templates"),
    (801, "API Reports"), (802, "Member Maintenance"), (803, "My Account"), (804, "My Company"),
    (805, "Security Roles"), (806, "Table Setup"), (807, "System Reports"),
    (901, "Time Entry"), (902, "Time Entry Billable Option"), (903, "Expense Report Entry"),
)

_REPORT_FUNCTIONS = {111, 213, 304, 801, 807}
_CUSTOMIZABLE_FUNCTIONS = {104, 204, 703, 806}
_NO_MY_ALL = {801, 804, 806}

# Other names people use for the same rows (older releases, vendor typos); the operator UI accepts them.
FUNCTION_ALIASES = {
    "product entry": 403,
    "close service ticket": 701,
    "security": 805,
    "close projects": 501,
    "project ticket": 514,
    "usercentric": 115,
    "teams members": 113,
    "expense reimbursement": 209,
}
MODULE_ALIASES = {"time & expenses": "time & expense", "time and expense": "time & expense", "time and expenses": "time & expense"}

# Endpoint owners used by the API layer
COMPANY_MAINTENANCE = 101
CONFIGURATIONS = 104
AGREEMENTS = 204
PRODUCT_CATALOG = 403
CLOSE_SERVICE_TICKETS = 701
SERVICE_TICKETS = 705
API_REPORTS = 801
MEMBER_MAINTENANCE = 802
SECURITY_ROLES = 805
TABLE_SETUP = 806
TIME_ENTRY = 901

LEVELS = ("None", "My", "All")
VERBS = ("add", "edit", "delete", "inquire")

_MODULES_BY_NUMBER = {number: (name, ident) for number, name, ident in MODULES}


def function_rows():
    """Yield one dict per module function with the static (role-independent) setting fields."""
    for sort_order, (number, name) in enumerate(FUNCTIONS, start=1):
        module_name, module_ident = _MODULES_BY_NUMBER[number // 100]
        yield {
            "function": number,
            "moduleIdentifier": module_ident,
            "moduleName": module_name,
            "moduleDescription": module_name,
            "moduleFunctionIdentifier": "S%d" % number,
            "moduleFunctionName": name,
            "moduleFunctionDescription": name,
            "myAllFlag": number not in _NO_MY_ALL,
            "reportFlag": number in _REPORT_FUNCTIONS,
            "restrictFlag": False,
            "customFlag": number in _CUSTOMIZABLE_FUNCTIONS,
            "sortOrder": sort_order,
        }


FUNCTION_ROWS = {row["function"]: row for row in function_rows()}


def label(function):
    """'Module > Function' for messages."""
    row = FUNCTION_ROWS[function]
    return "%s > %s" % (row["moduleName"], row["moduleFunctionName"])


def find_function(module, function):
    """Resolve UI names (case-insensitive, aliases allowed) or identifiers to a function number, else None."""
    module_key = (module or "").strip().lower()
    module_key = MODULE_ALIASES.get(module_key, module_key)
    # vendor pages print typographic dashes ("Configuration \u2013 Display Passwords"); the catalogue has a hyphen
    function_key = re.sub("[\u2010-\u2015\u2212]", "-", (function or "").strip().lower())
    for number, row in FUNCTION_ROWS.items():
        if module_key and module_key not in (row["moduleName"].lower(), row["moduleIdentifier"].lower()):
            continue
        if function_key in (row["moduleFunctionName"].lower(), row["moduleFunctionIdentifier"].lower()):
            return number
    number = FUNCTION_ALIASES.get(function_key)
    if number is not None and (not module_key or module_key == FUNCTION_ROWS[number]["moduleName"].lower()):
        return number
    return None
