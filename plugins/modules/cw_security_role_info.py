#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

DOCUMENTATION = r"""
module: cw_security_role_info
short_description: Read ConnectWise Manage security roles and their permission settings
version_added: 0.1.0
description:
  - Lists system security roles and, optionally, their settings (one row per module function with the Add, Edit,
    Delete and Inquire levels).
  - All calls of this module use documented ConnectWise endpoints (C(/system/securityroles) and
    C(/system/securityRoles/{id}/settings)).
author:
  - msp.connectwise maintainers (!UNKNOWN)
options:
  name:
    description:
      - Only the role with this name (case-insensitive).
    type: str
  include_settings:
    description:
      - Also read each role's settings. One extra request per role.
    type: bool
    default: true
  only_granted:
    description:
      - In RV(roles[].permissions), keep only rows where at least one level is not V(None).
    type: bool
    default: false
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - msp.connectwise.connectwise
  - msp.connectwise.connectwise.action_group
  - msp.connectwise.connectwise.info_module
attributes:
  platform:
    platforms: posix
"""

EXAMPLES = r"""
- name: The Sophos role with the cells it grants
  msp.connectwise.cw_security_role_info:
    name: Sophos Central Integration
    only_granted: true
  register: role_info
"""

RETURN = r"""
roles:
  description: The matching roles.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Role id.
      type: int
    name:
      description: Role name.
      type: str
    roleType:
      description: Role type.
      type: str
    permissions:
      description: Levels keyed by C(Module > Function) (when O(include_settings=true)).
      type: dict
      sample: {"Procurement > Product Catalog": {add: All, edit: All, delete: None, inquire: All}}
    settings:
      description: The raw setting rows without C(_info) (when O(include_settings=true)).
      type: list
      elements: dict
"""

from ansible_collections.msp.connectwise.plugins.module_utils._module import CWModule, condition, strip_info
from ansible_collections.msp.connectwise.plugins.module_utils import _permissions as perms


def run(module):
    p = module.params
    rows = module.client.list("system/securityroles", conditions_=condition("name", p["name"]) if p["name"] else None, order_by="name asc")
    if p["name"]:
        rows = [r for r in rows if str(r.get("name", "")).lower() == p["name"].lower()]
    roles = []
    for row in rows:
        role = strip_info(row)
        if p["include_settings"]:
            settings = module.client.list("system/securityRoles/%s/settings" % row["id"])
            if p["only_granted"]:
                settings = [s for s in settings if any(v != "None" for v in perms.cells(s).values())]
            role["permissions"] = perms.table(settings)
            role["settings"] = strip_info(settings)
        roles.append(role)
    module.finish(roles=roles)


def main():
    module = CWModule(
        argument_spec=dict(
            name=dict(type="str"),
            include_settings=dict(type="bool", default=True),
            only_granted=dict(type="bool", default=False),
        ),
    )
    module.run(lambda: run(module))


if __name__ == "__main__":
    main()
