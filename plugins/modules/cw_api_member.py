#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

DOCUMENTATION = r"""
module: cw_api_member
short_description: Manage a ConnectWise Manage API member
version_added: 0.1.0
description:
  - Create, update or deactivate an API member (System > Members > API Members) through the documented
    C(/system/apiMembers) endpoints.
  - Only the options you give are compared; only fields that differ are sent, as PATCH C(replace) operations.
  - Security role, level, location, department, default territory and time zone are given by name or by id and
    resolved with server-side C(conditions) queries.
  - All calls of this module use documented ConnectWise endpoints.
author:
  - msp.connectwise maintainers (!UNKNOWN)
options:
  identifier:
    description:
      - The member id (login name) of the API member, at most 15 characters. It identifies the member; matching is
        case-insensitive.
    type: str
    required: true
  name:
    description:
      - The member name shown in ConnectWise, at most 30 characters. Required when the member is created.
    type: str
  email:
    description:
      - The member's e-mail address.
    type: str
  security_role:
    description:
      - The security role, by name or id. Required when the member is created.
    type: str
  level:
    description:
      - The corporate structure level (UI "Level"), by name or id, for example V(Corporate).
    type: str
  location:
    description:
      - The member's location (sets both the security location and the default location), by name or id.
    type: str
  department:
    description:
      - The default department, by name, identifier or id.
    type: str
  default_territory:
    description:
      - The default territory (the C(salesDefaultLocation) location), by name or id.
    type: str
  time_zone:
    description:
      - The time zone setup, by name or id.
    type: str
  notes:
    description:
      - Free-text notes.
    type: str
  inactive:
    description:
      - Whether the member is inactive. Ignored when O(state=absent).
    type: bool
  state:
    description:
      - V(present) creates or updates the member.
      - V(absent) deactivates it. ConnectWise has no way to delete a member, so the record stays, marked inactive,
        and the result says so.
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
  diff_mode:
    support: full
  platform:
    platforms: posix
"""

EXAMPLES = r"""
- name: API member for the Sophos Central integration
  msp.connectwise.cw_api_member:
    site: na.myconnectwise.net
    company_id: examplemsp
    public_key: "{{ cw_public_key }}"
    private_key: "{{ cw_private_key }}"
    client_id: "{{ cw_client_id }}"
    identifier: sophos-central
    name: Sophos Central
    email: ops@example.com
    security_role: Sophos Central Integration
    level: Corporate
    location: Main
    department: Services
    default_territory: Main
    time_zone: Eastern Standard Time
    notes: Managed by Ansible

- name: Deactivate it (ConnectWise cannot delete members)
  msp.connectwise.cw_api_member:
    identifier: sophos-central
    state: absent
"""

RETURN = r"""
api_member:
  description: The API member after the task (predicted in check mode); empty when it does not exist.
  returned: always
  type: dict
  sample:
    id: 181
    identifier: sophos-central
    name: Sophos Central
    inactiveFlag: false
    securityRole: {id: 12, name: Sophos Central Integration}
operations:
  description: The PATCH operations that were sent (or would be sent in check mode).
  returned: always
  type: list
  elements: dict
  sample: [{op: replace, path: notes, value: Managed by Ansible}]
msg:
  description: What happened, for example that an absent member was deactivated rather than deleted.
  returned: always
  type: str
"""

from ansible_collections.msp.connectwise.plugins.module_utils._module import (
    CWError,
    CWModule,
    patch_operations,
    projection,
    strip_info,
)
from ansible_collections.msp.connectwise.plugins.module_utils import _keys as keys

PATH = keys.MEMBERS
FIELDS = ["identifier", "name", "emailAddress", "securityRole", "structureLevel", "securityLocation", "defaultLocation",
          "defaultDepartment", "salesDefaultLocation", "timeZone", "notes", "inactiveFlag"]


def desired_fields(module, current=None):
    p = module.params
    current = current or {}
    location = module.resolve_member_reference("location", p["location"], current=current.get("securityLocation"))
    desired = {
        "identifier": p["identifier"],
        "name": p["name"],
        "emailAddress": p["email"],
        "notes": p["notes"],
        "inactiveFlag": p["inactive"] if p["state"] == "present" else None,
        "securityRole": module.resolve("security role", "system/securityroles", p["security_role"], current=current.get("securityRole")),
        "structureLevel": module.resolve_member_reference("level", p["level"], current=current.get("structureLevel")),
        "securityLocation": location,
        "defaultLocation": location,
        "defaultDepartment": module.resolve_member_reference("department", p["department"], current=current.get("defaultDepartment")),
        "salesDefaultLocation": module.resolve_member_reference("default_territory", p["default_territory"],
                                                                current=current.get("salesDefaultLocation")),
        "timeZone": module.resolve_member_reference("time_zone", p["time_zone"], current=current.get("timeZone")),
    }
    return desired


def find_member(module, identifier):
    # by identifier only: this module's identifier names the member to make, never an id
    return keys.find_member(module.client, identifier, by_id=False, required=False)


def validate(module):
    p = module.params
    module.check_field("member_identifier", p["identifier"] or "", "identifier")
    module.check_field("member_name", p["name"], "name")


def ensure(module):
    p = module.params
    validate(module)
    current = find_member(module, p["identifier"])
    if p["state"] == "absent":
        if current is None:
            module.finish(msg="There is no API member %r; nothing to deactivate." % p["identifier"], api_member={}, operations=[])
        operations = patch_operations(current, {"inactiveFlag": True})
        after = module.patch("%s/%s" % (PATH, current["id"]), operations, current)
        module.record(before=projection(current, FIELDS), after=projection(after, FIELDS))
        msg = ("API member %r deactivated (ConnectWise has no way to delete members)." % p["identifier"]) if operations \
            else ("API member %r is already inactive (ConnectWise has no way to delete members)." % p["identifier"])
        module.finish(msg=msg, api_member=strip_info(after), operations=operations)

    desired = desired_fields(module, current)
    if current is None:
        if not p["name"] or not p["security_role"]:
            raise CWError("Creating API member %r needs name and security_role." % p["identifier"])
        body = dict((k, v) for k, v in desired.items() if v is not None)
        predicted = dict(body, id=None)
        created = module.write("POST", PATH, body, predicted=predicted, lookup=lambda: find_member(module, p["identifier"]))
        module.record(before={}, after=projection(created, FIELDS))
        module.finish(msg="API member %r created." % p["identifier"], api_member=strip_info(created), operations=[])

    operations = patch_operations(current, desired, case_insensitive=("identifier",))
    after = module.patch("%s/%s" % (PATH, current["id"]), operations, current)
    module.record(before=projection(current, FIELDS), after=projection(after, FIELDS))
    msg = ("API member %r updated: %s." % (p["identifier"], ", ".join(o["path"] for o in operations))) if operations \
        else "API member %r is as wanted." % p["identifier"]
    module.finish(msg=msg, api_member=strip_info(after), operations=operations)


def main():
    module = CWModule(
        argument_spec=dict(
            identifier=dict(type="str", required=True),
            name=dict(type="str"),
            email=dict(type="str"),
            security_role=dict(type="str"),
            level=dict(type="str"),
            location=dict(type="str"),
            department=dict(type="str"),
            default_territory=dict(type="str"),
            time_zone=dict(type="str"),
            notes=dict(type="str"),
            inactive=dict(type="bool"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
    )
    module.run(lambda: ensure(module))


if __name__ == "__main__":
    main()
