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
  include_keys:
    description:
      - Also list each returned member's API keys (metadata only - never a private key) in its C(api_keys), one
        request per member, through the same undocumented key endpoint as M(msp.connectwise.cw_api_key_info).
      - On a server without that endpoint every C(api_keys) is V(null) and RV(key_endpoint) is V(false).
    type: bool
    default: false
    version_added: 0.2.0
  resolve:
    description:
      - Member references to look up by name or id, the way M(msp.connectwise.cw_api_member) does when it writes
        (server-side C(conditions), never a full listing). An unknown or ambiguous name fails with close matches, so a
        play can vet these before its first write; the ids are returned in RV(resolved).
    type: dict
    default: {}
    suboptions:
      level:
        description: Member level, for example V(Corporate).
        type: str
      location:
        description: Location.
        type: str
      department:
        description: Department (name or identifier).
        type: str
      default_territory:
        description: Default territory (a location).
        type: str
      time_zone:
        description: Time zone.
        type: str
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

- name: Vet the placement of a member before anything is written
  msp.connectwise.cw_api_member_info:
    identifier: sophos-central
    resolve:
      level: Corporate
      time_zone: Eastern Standard Time
  register: placement
"""

RETURN = r"""
api_members:
  description:
    - The matching API members, without C(_info) blocks.
    - With O(include_keys), each has C(api_keys) - its keys' metadata (id, description, public key, C(dateEntered) where
      the server tells it).
  returned: always
  type: list
  elements: dict
  sample: [{id: 181, identifier: sophos-central, name: Sophos Central, inactiveFlag: false}]
key_endpoint:
  description: With O(include_keys), whether the server answered the key endpoint.
  returned: when O(include_keys=true)
  type: bool
resolved:
  description: The id of each reference given in O(resolve); V(null) for those not given.
  returned: always
  type: dict
  sample: {level: 1, location: null, department: null, default_territory: null, time_zone: 5}
"""

from ansible_collections.msp.connectwise.plugins.module_utils._module import MEMBER_REFERENCES, CWModule, condition, strip_info
from ansible_collections.msp.connectwise.plugins.module_utils import _keys as keys


def run(module):
    p = module.params
    resolved = {}
    for option in sorted(MEMBER_REFERENCES):
        ref = module.resolve_member_reference(option, (p["resolve"] or {}).get(option) or None)
        resolved[option] = ref["id"] if ref else None
    terms = []
    if p["identifier"]:
        terms.append(condition("identifier", p["identifier"]))
    if p["name"]:
        terms.append(condition("name", p["name"], "contains"))
    if not p["include_inactive"]:
        terms.append(condition("inactiveFlag", False))
    rows = module.client.list("system/apiMembers", conditions_=" and ".join(terms) or None, order_by="identifier asc")
    members = strip_info(rows)
    extra = {}
    if p["include_keys"]:
        extra["key_endpoint"] = True
        for member in members:
            found = keys.list_keys(module.client, member["id"])
            member["api_keys"] = [keys.key_meta(row) for row in found] if found is not None else None
            extra["key_endpoint"] = extra["key_endpoint"] and found is not None
    module.finish(api_members=members, resolved=resolved, **extra)


def main():
    module = CWModule(
        argument_spec=dict(
            identifier=dict(type="str"),
            name=dict(type="str"),
            include_inactive=dict(type="bool", default=True),
            include_keys=dict(type="bool", default=False),
            resolve=dict(type="dict", default={}, options=dict((option, dict(type="str")) for option in MEMBER_REFERENCES)),
        ),
    )
    module.run(lambda: run(module))


if __name__ == "__main__":
    main()
