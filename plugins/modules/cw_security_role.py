#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

DOCUMENTATION = r"""
module: cw_security_role
short_description: Manage a ConnectWise Manage security role and its permission levels
version_added: 0.1.0
description:
  - Create or delete a system security role and bring its permission cells (Add, Edit, Delete and Inquire levels
    per module function) to the wanted levels.
  - Creating, reading and deleting roles and reading their settings use documented endpoints
    (C(/system/securityroles), C(/system/securityRoles/{id}/settings)).
  - B(Undocumented endpoint:) ConnectWise's published API cannot change a system role's levels. The module tries
    C(PATCH /system/securityRoles/{id}/settings/{settingId}) (shaped like the documented, writable project security
    role settings) only when a cell needs changing. When the server answers 404 or 405 nothing has been changed and
    the module switches to I(guided mode) - it returns the exact drift and a click-by-click checklist for
    System > Security Roles and fails (O(on_unsupported=fail)) or warns (O(on_unsupported=warn)). Once a person has
    made the clicks, the next run verifies the role and reports no change.
  - Module and function names are matched case-insensitively against the role's settings (name, description or
    identifier; C(and) and C(&) are the same). An unknown name or level fails before anything is written, with the
    closest matches.
author:
  - msp.connectwise maintainers (!UNKNOWN)
options:
  name:
    description:
      - Name of the security role, at most 30 characters; matched case-insensitively.
    type: str
    required: true
  role_type:
    description:
      - The role's C(roleType), set when the role is created. The Sophos Central setup page asks to "set Member as
        the security permission", which this collection reads as O(role_type=Member).
      - ConnectWise cannot change the type of an existing role through the API; a different type on an existing role
        is reported as a warning.
    type: str
  permissions:
    description:
      - The permission cells to enforce.
      - Each level is V(All), V(My) or V(None) (case-insensitive). A verb left out is not touched in O(mode=merge) and
        is V(None) in O(mode=exact).
    type: list
    elements: dict
    default: []
    suboptions:
      module:
        description: Security module, for example V(Procurement).
        type: str
        required: true
      function:
        description: Module function, for example V(Product Catalog).
        type: str
        required: true
      add:
        description: Add level (V(All), V(My) or V(None)).
        type: str
      edit:
        description: Edit level (V(All), V(My) or V(None)).
        type: str
      delete:
        description: Delete level (V(All), V(My) or V(None)).
        type: str
      inquire:
        description: Inquire level (V(All), V(My) or V(None)).
        type: str
  mode:
    description:
      - V(merge) changes only the listed cells.
      - V(exact) also sets every cell that is not listed to V(None), so the role grants nothing else.
    type: str
    choices: [merge, exact]
    default: merge
  on_unsupported:
    description:
      - What to do when the server cannot write permission levels (guided mode).
      - V(fail) fails the task with the drift and the checklist; V(warn) returns them with a warning and does not fail.
    type: str
    choices: [fail, warn]
    default: fail
  state:
    description:
      - V(present) creates the role if needed and enforces O(permissions); V(absent) deletes the role.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - msp.connectwise.connectwise
  - msp.connectwise.connectwise.action_group
attributes:
  check_mode:
    support: full
    details:
      - Nothing is written. For a role that does not exist yet the drift is predicted from a new role whose cells
        all start at V(None), using the function catalogue of an existing role.
      - Check mode cannot know whether the server accepts level writes, so it reports the drift without failing.
  diff_mode:
    support: full
    details: The diff shows the role's name, type and every cell that is listed or changed.
  platform:
    platforms: posix
"""

EXAMPLES = r"""
- name: Sophos Central role, exactly the cells the vendor lists
  msp.connectwise.cw_security_role:
    name: Sophos Central Integration
    role_type: Member
    mode: exact
    permissions:
      - {module: Companies, function: Company Maintenance, inquire: All}
      - {module: Finance, function: Agreements, add: All, edit: All, inquire: All}
      - {module: Procurement, function: Product Catalog, add: All, edit: All, inquire: All}
      - {module: System, function: Table Setup, add: All, edit: All, inquire: All}
      - {module: System, function: Member Maintenance, inquire: All}
      - {module: Service Desk, function: Close Service Tickets, add: All, edit: All, inquire: All}
      - {module: Service Desk, function: Service Tickets, add: All, edit: All, inquire: All}
      - {module: System, function: API Reports, inquire: All}
    on_unsupported: warn
  register: role

- name: Show what a person has to click when the server cannot write levels
  ansible.builtin.debug:
    var: role.checklist
  when: role.guided

- name: Remove the role
  msp.connectwise.cw_security_role:
    name: Old Integration
    state: absent
"""

RETURN = r"""
role:
  description: The security role (predicted in check mode); empty when absent.
  returned: always
  type: dict
  sample: {id: 12, name: Sophos Central Integration, roleType: Member}
permissions:
  description: The listed (and, in exact mode, changed) cells after the task, keyed by C(Module > Function).
  returned: when O(state=present)
  type: dict
  sample: {"Procurement > Product Catalog": {add: All, edit: All, delete: None, inquire: All}}
drift:
  description:
    - "Cells that differed from the wanted levels, as C(Module > Function > verb: current -> wanted)."
    - After a successful write these were fixed; in guided mode they are still there.
  returned: when O(state=present)
  type: list
  elements: str
  sample: ["Procurement > Product Catalog > inquire: None -> All"]
drift_cells:
  description: The same drift as structured items.
  returned: when O(state=present)
  type: list
  elements: dict
  sample: [{module: Procurement, function: Product Catalog, verb: inquire, current: None, wanted: All, setting_id: 403}]
guided:
  description: True when the server could not write levels and a person has to make the changes.
  returned: when O(state=present)
  type: bool
checklist:
  description: Click-by-click steps for System > Security Roles that remove the drift (guided mode), else empty.
  returned: when O(state=present)
  type: list
  elements: str
  sample: ["1. Sign in to ConnectWise Manage ...", "2. Open System > Security Roles and click the role 'Sophos'."]
write_method:
  description: How the levels were brought in line - V(api) (written through the settings endpoint), V(guided), or V(none)
    (nothing to change, or check mode).
  returned: when O(state=present)
  type: str
msg:
  description: What happened.
  returned: always
  type: str
"""

from ansible_collections.msp.connectwise.plugins.module_utils._module import CWError, CWModule, condition, strip_info
from ansible_collections.msp.connectwise.plugins.module_utils import _permissions as perms

PATH = "system/securityroles"


def settings_path(role_id):
    return "system/securityRoles/%s/settings" % role_id


def find_role(module, name):
    rows = module.client.list(PATH, conditions_=condition("name", name), limit=10)
    exact = [r for r in rows if str(r.get("name", "")).lower() == name.lower()]
    return exact[0] if exact else None


def template_settings(module):
    """Settings a brand-new role would have: the catalogue of modules and functions with every level None.

    The caller's own effective settings (/system/mySecurity, the same fields as a role's settings) are the catalogue
    in one read; a caller without a member (an integrator login) reads an existing role's settings instead."""
    rows = [dict((k, v) for k, v in row.items() if k != "member") for row in module.client.list("system/mySecurity")]
    if not rows:
        roles = module.client.list(PATH, limit=1)
        rows = module.client.list(settings_path(roles[0]["id"])) if roles else []
    return [dict(row, addLevel="None", editLevel="None", deleteLevel="None", inquireLevel="None") for row in rows]


def role_view(role, settings, ids):
    return {"name": role.get("name"), "roleType": role.get("roleType"), "permissions": perms.table(settings, ids)}


def ensure(module):
    p = module.params
    module.check_field("role_name", p["name"] or "", "name")
    module.check_field("role_type", p["role_type"] or None, "role_type")
    name = p["name"]
    wanted = perms.normalize_permissions(p["permissions"])
    role = find_role(module, name)

    if p["state"] == "absent":
        if role is None:
            module.finish(msg="There is no security role %r; nothing to delete." % name, role={})
        module.write("DELETE", "%s/%s" % (PATH, role["id"]))
        module.record(before={"name": role.get("name"), "roleType": role.get("roleType")}, after={})
        module.finish(msg="Security role %r deleted." % name, role={})

    warnings = []
    escalation = perms.escalation_cells(wanted)
    if escalation:
        warnings.append("Security role %r grants %s: a key of a member with this role can give its own member any security "
                        "role, Admin included. Grant it only when the vendor really needs it." % (name, ", ".join(escalation)))
    created = role is None
    if created:
        # Module and function names are checked against the catalogue (an existing role's settings, read only)
        # before the role is created, so that a bad permission row leaves no half-made role behind.
        catalogue = template_settings(module) if wanted or module.check_mode else []
        if wanted and catalogue:
            perms.match(catalogue, wanted)
        body = {"name": name}
        if p["role_type"]:
            body["roleType"] = p["role_type"]
        role = module.write("POST", PATH, body, predicted=dict(body, id=None), lookup=lambda: find_role(module, name))
        settings = catalogue if module.check_mode else module.client.list(settings_path(role["id"]))
        before_role = {}
    else:
        if p["role_type"] and str(role.get("roleType") or "").lower() != p["role_type"].lower():
            warnings.append("Security role %r has roleType %r, not %r; ConnectWise cannot change a role's type through the API "
                            "(delete and recreate the role, or change it in System > Security Roles)."
                            % (name, role.get("roleType"), p["role_type"]))
        settings = module.client.list(settings_path(role["id"]))
        before_role = role

    pairs = perms.match(settings, wanted)
    target = perms.desired_cells(settings, pairs, p["mode"])
    items = perms.drift(settings, target)
    ids = set(row["id"] for _item, row in pairs) | set(d["setting_id"] for d in items)
    before = role_view(before_role, settings, ids) if before_role else {}
    result = dict(role=strip_info(role), drift=perms.drift_lines(items), drift_cells=items, guided=False, checklist=[], write_method="none")

    after_settings = write_levels(module, role, settings, items) if items else settings
    if after_settings is None:
        result.update(guided=True, write_method="guided", checklist=perms.checklist(name, items))
        after_settings = settings
    elif items and not module.check_mode:
        result["write_method"] = "api"

    module.record(before=before, after=role_view(role, after_settings, ids))
    result["permissions"] = perms.table(after_settings, set(row["id"] for _item, row in pairs) | set(d["setting_id"] for d in items))
    if result["guided"]:
        text = ("ConnectWise does not accept security-role level writes (undocumented endpoint PATCH %s/{id} is not available); "
                "%d cell(s) of role %r must be changed by hand: %s. Follow the checklist, then run again."
                % (settings_path(role["id"]), len(items), name, "; ".join(result["drift"][:5]) + (" and %d more" % (len(items) - 5) if len(items) > 5 else "")))
        if p["on_unsupported"] == "fail":
            module.fail(text, **result)
        warnings.append(text)
    if created:
        msg = "Security role %r created" % name
    else:
        msg = "Security role %r exists" % name
    if items and result["write_method"] == "api":
        msg += "; %d cell(s) changed" % len(items)
    elif items and module.check_mode:
        msg += "; %d cell(s) would change" % len(items)
    elif not items:
        msg += "; permissions are as wanted"
    module.finish(msg=msg + ".", warnings=warnings, **result)


def write_levels(module, role, settings, items):
    """PATCH each drifting setting and return the settings after it; None when the server has no such endpoint
    (its refusal of the first write means nothing was written). Check mode predicts the settings.

    The settings after are the server's answers to the PATCHes (the rows as it stored them); only when an answer is
    not a setting row are they read again."""
    settings_by_op = perms.operations_by_setting(items)
    answers = {}
    for position, setting_id in enumerate(sorted(settings_by_op)):
        try:
            answers[setting_id] = module.write("PATCH", "%s/%s" % (settings_path(role["id"]), setting_id), settings_by_op[setting_id])
        except CWError as exc:
            if position == 0 and exc.unsupported:
                return None
            raise
    if module.check_mode:
        return perms.apply_drift(settings, items)
    if all(isinstance(answer, dict) and answer.get("id") == setting_id for setting_id, answer in answers.items()):
        return [answers.get(row.get("id"), row) for row in settings]
    return module.client.list(settings_path(role["id"]))


def main():
    module = CWModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            role_type=dict(type="str"),
            permissions=dict(type="list", elements="dict", default=[], options=perms.PERMISSION_OPTIONS),
            mode=dict(type="str", default="merge", choices=["merge", "exact"]),
            on_unsupported=dict(type="str", default="fail", choices=["fail", "warn"]),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
    )
    module.run(lambda: ensure(module))


if __name__ == "__main__":
    main()
