#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

DOCUMENTATION = r"""
module: cw_api_key_info
short_description: Read the API keys of a ConnectWise Manage API member (metadata only)
version_added: 0.1.0
description:
  - Lists the keys of an API member - id, description, public key and dates. Private keys are never returned; the
    server does not hand them out after creation anyway.
  - B(Undocumented endpoint:) uses C(GET /system/apiMembers/{id}/apiKeys), which ConnectWise's published API does not
    have. Where the server answers 404 or 405 the module does not fail; it returns RV(key_endpoint=false) and no keys.
  - The member lookup uses the documented C(/system/apiMembers) endpoint.
author:
  - msp.connectwise maintainers (!UNKNOWN)
options:
  member:
    description:
      - The API member, by identifier or id.
    type: str
    required: true
  description:
    description:
      - Only keys with this description (case-insensitive).
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
- name: Keys of the Sophos member
  msp.connectwise.cw_api_key_info:
    member: sophos-central
    description: Sophos Central Integration
  register: sophos_keys
"""

RETURN = r"""
api_keys:
  description: Key metadata (never a private key).
  returned: always
  type: list
  elements: dict
  sample: [{id: 7, description: Sophos Central Integration, publicKey: AbCdEf123456}]
key_endpoint:
  description: Whether the server answers the undocumented key endpoint.
  returned: always
  type: bool
member:
  description: The API member (id, identifier, name).
  returned: always
  type: dict
"""

from ansible_collections.msp.connectwise.plugins.module_utils._module import CWModule
from ansible_collections.msp.connectwise.plugins.module_utils import _keys as keys


def run(module):
    p = module.params
    member = keys.find_member(module.client, p["member"])
    rows = keys.list_keys(module.client, member["id"], p["description"])
    module.finish(api_keys=[keys.key_meta(r) for r in rows or []], key_endpoint=rows is not None,
                  member=dict((k, member.get(k)) for k in ("id", "identifier", "name")))


def main():
    module = CWModule(argument_spec=dict(member=dict(type="str", required=True), description=dict(type="str")))
    module.run(lambda: run(module))


if __name__ == "__main__":
    main()
