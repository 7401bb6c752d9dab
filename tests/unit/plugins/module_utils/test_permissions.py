# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Permission matching, drift, checklists and effective-permission comparison."""

from __future__ import annotations

import pytest

from ansible_collections.msp.connectwise.plugins.module_utils import _permissions as perms
from ansible_collections.msp.connectwise.plugins.module_utils._client import CWError


def row(sid, module, function, add="None", edit="None", delete="None", inquire="None", **extra):
    data = {"id": sid, "moduleName": module, "moduleIdentifier": "SIM_" + module[:2].upper(), "moduleFunctionName": function,
            "moduleFunctionDescription": function, "moduleFunctionIdentifier": "S%d" % sid,
            "addLevel": add, "editLevel": edit, "deleteLevel": delete, "inquireLevel": inquire}
    data.update(extra)
    return data


SETTINGS = [
    row(101, "Companies", "Company Maintenance"),
    row(103, "Companies", "Configuration - Display Passwords"),
    row(204, "Finance", "Agreements", inquire="My"),
    row(403, "Procurement", "Product Catalog"),
    row(901, "Time & Expense", "Time Entry", add="All"),
]


def wanted(*items):
    return perms.normalize_permissions(list(items))


@pytest.mark.parametrize("raw, level", [("all", "All"), ("ALL", "All"), (" my ", "My"), ("none", "None")])
def test_levels_case_insensitive(raw, level):
    assert perms.normalize_level(raw, "x") == level


@pytest.mark.parametrize("raw, hint", [("Mine", "'My'"), ("Al", "'All'"), ("Non", "'None'"), ("everything", "All, My or None")])
def test_bad_levels_suggest(raw, hint):
    with pytest.raises(CWError) as info:
        perms.normalize_level(raw, "permissions[0] inquire")
    assert hint in str(info.value)


def test_match_case_insensitive_and_and_ampersand():
    pairs = perms.match(SETTINGS, wanted({"module": "procurement", "function": "PRODUCT CATALOG", "inquire": "All"},
                                         {"module": "Time and Expense", "function": "time entry", "add": "All"}))
    assert [r["id"] for _i, r in pairs] == [403, 901]


@pytest.mark.parametrize("dash", ["\u2013", "\u2014", "\u2212", "-"], ids=["en-dash", "em-dash", "minus", "hyphen"])
def test_match_folds_typographic_dashes(dash):
    # vendor pages print "Configuration \u2013 Display Passwords"; ConnectWise's name has a hyphen
    pairs = perms.match(SETTINGS, wanted({"module": "Companies", "function": "Configuration %s Display Passwords" % dash,
                                          "inquire": "All"}))
    assert [r["id"] for _i, r in pairs] == [103]


def test_match_by_identifier():
    pairs = perms.match(SETTINGS, wanted({"module": "SIM_PR", "function": "S403", "inquire": "All"}))
    assert pairs[0][1]["id"] == 403


def test_unknown_module_suggests():
    with pytest.raises(CWError) as info:
        perms.match(SETTINGS, wanted({"module": "Procurment", "function": "Product Catalog"}))
    assert "Procurement" in str(info.value) and "Did you mean" in str(info.value)


def test_unknown_function_suggests():
    with pytest.raises(CWError) as info:
        perms.match(SETTINGS, wanted({"module": "Procurement", "function": "Product Catalogue"}))
    assert "'Product Catalog'" in str(info.value)


def test_duplicate_row_rejected():
    with pytest.raises(CWError):
        perms.match(SETTINGS, wanted({"module": "Finance", "function": "Agreements"}, {"module": "finance", "function": "agreements"}))


def test_merge_touches_only_listed_cells():
    pairs = perms.match(SETTINGS, wanted({"module": "Procurement", "function": "Product Catalog", "inquire": "All"}))
    target = perms.desired_cells(SETTINGS, pairs, "merge")
    assert target == {403: {"inquire": "All"}}
    assert perms.drift_lines(perms.drift(SETTINGS, target)) == ["Procurement > Product Catalog > inquire: None -> All"]


def test_exact_clears_everything_else():
    pairs = perms.match(SETTINGS, wanted({"module": "Procurement", "function": "Product Catalog", "inquire": "All"}))
    items = perms.drift(SETTINGS, perms.desired_cells(SETTINGS, pairs, "exact"))
    assert perms.drift_lines(items) == [
        "Finance > Agreements > inquire: My -> None",
        "Procurement > Product Catalog > inquire: None -> All",
        "Time & Expense > Time Entry > add: All -> None",
    ]
    ops = perms.operations_by_setting(items)
    assert ops[204] == [{"op": "replace", "path": "inquireLevel", "value": "None"}]
    after = perms.apply_drift(SETTINGS, items)
    assert perms.drift(after, perms.desired_cells(after, pairs, "exact")) == []


def test_checklist_is_click_by_click():
    items = [{"setting_id": 403, "module": "Procurement", "function": "Product Catalog", "verb": "inquire", "current": "None", "wanted": "All"},
             {"setting_id": 403, "module": "Procurement", "function": "Product Catalog", "verb": "add", "current": "None", "wanted": "All"}]
    steps = perms.checklist("Sophos", items)
    assert steps[0].startswith("1. ") and "System > Security Roles" in steps[1] and "'Sophos'" in steps[1]
    assert any("Expand the module 'Procurement'" in s for s in steps)
    assert any("Inquire Level from 'None' to 'All'" in s for s in steps)
    assert "Save" in steps[-1]
    assert perms.checklist("x", []) == []


def test_compare_effective_my_satisfied_by_all():
    effective = [row(204, "Finance", "Agreements", inquire="All"), row(403, "Procurement", "Product Catalog", inquire="My")]
    _pairs, missing, extra = perms.compare_effective(effective, wanted(
        {"module": "Finance", "function": "Agreements", "inquire": "My"},
        {"module": "Procurement", "function": "Product Catalog", "inquire": "All", "add": "None"}), exact=True)
    assert missing == ["Procurement > Product Catalog > inquire: has My, needs All"]
    assert extra == ["Finance > Agreements > inquire: has All, profile allows My"]


def test_probe_paths():
    assert perms.probe_path(row(1, "Procurement", "Product Catalog")) == "procurement/catalog"
    assert perms.probe_path(row(1, "Service Desk", "Close Service Tickets")) is None


def test_function_label_prefers_human_text():
    assert perms.function_label({"moduleFunctionName": "PRDCAT", "moduleFunctionDescription": "Product Catalog"}) == "Product Catalog"
    assert perms.function_label({"moduleFunctionName": "Product Catalog", "moduleFunctionDescription": "Allows access"}) == "Product Catalog"


@pytest.mark.parametrize("rows, found", [
    ([{"module": "System", "function": "Member Maintenance", "inquire": "All"}], []),
    ([{"module": "System", "function": "Member Maintenance", "edit": "My", "inquire": "All"}], ["System > Member Maintenance edit"]),
    ([{"module": "system", "function": "security  roles", "add": "All", "delete": "All"}],
     ["system > security  roles add", "system > security  roles delete"]),
    ([{"module": "Procurement", "function": "Product Catalog", "add": "All", "edit": "All"}], []),
])
def test_cells_that_allow_privilege_escalation(rows, found):
    assert perms.escalation_cells(perms.normalize_permissions(rows)) == found
