#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

DOCUMENTATION = r"""
module: cw_api_member_info
short_description: Read ConnectWise Manage API members
version_added: 0.1.0
description:
  - Lists API members (members with license class C(A)) through the documented C(GET /system/apiMembers), filtered on
    the server with C(conditions).
  - All calls of this module use documented ConnectWise endpoints.
author:
  - msp.connectwise maintainers (!UNKNOWN)
options:
  identifier:
    description:
      - Only the API member with this identifier (case-insensitive).
    type: str
  name:
    description:
      - Only API members whose name contains this text.
    type: str
  include_inactive:
    description:
      - Also return inactive API members.
    type: bool
    default: true
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
- name: Is the Sophos member there?
  msp.connectwise.cw_api_member_info:
    identifier: sophos-central
  register: found

- name: Every active API member
  msp.connectwise.cw_api_member_info:
    include_inactive: false
"""

RETURN = r"""
api_members:
  description: The matching API members, without C(_info) blocks.
  returned: always
  type: list
  elements: dict
  sample: [{id: 181, identifier: sophos-central, name: Sophos Central, inactiveFlag: false}]
"""

from ansible_collections.msp.connectwise.plugins.module_utils._module import CWModule, condition, strip_info


def run(module):
    p = module.params
    terms = []
    if p["identifier"]:
        terms.append(condition("identifier", p["identifier"]))
    if p["name"]:
        terms.append(condition("name", p["name"], "contains"))
    if not p["include_inactive"]:
        terms.append(condition("inactiveFlag", False))
    rows = module.client.list("system/apiMembers", conditions_=" and ".join(terms) or None, order_by="identifier asc")
    module.finish(api_members=strip_info(rows))


def main():
    module = CWModule(
        argument_spec=dict(
            identifier=dict(type="str"),
            name=dict(type="str"),
            include_inactive=dict(type="bool", default=True),
        ),
    )
    module.run(lambda: run(module))


if __name__ == "__main__":
    main()
