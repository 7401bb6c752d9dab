#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

DOCUMENTATION = r"""
module: cw_integrator_login_info
short_description: Read ConnectWise Manage integrator logins
version_added: 0.1.0
description:
  - Lists integrator logins (System > Setup Tables > Integrator Login). Passwords are never returned; the server does not
    return them either.
  - All calls of this module use the documented C(GET /system/integratorlogins) endpoint.
author:
  - msp.connectwise maintainers (!UNKNOWN)
options:
  username:
    description:
      - Only the login with this username (case-insensitive).
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
- name: Does the integrator login the Sophos page asks about exist?
  msp.connectwise.cw_integrator_login_info:
    username: sophos
  register: logins
"""

RETURN = r"""
integrator_logins:
  description: The matching logins, without passwords and C(_info) blocks.
  returned: always
  type: list
  elements: dict
  sample: [{id: 3, username: sophos, inactiveFlag: false, canAccessAllRecordsFlag: true}]
exists:
  description: Whether at least one login matched.
  returned: always
  type: bool
codebase:
  description:
    - The codebase the call used (given or discovered), for example V(v4_6_release/). Pass it as O(codebase) to later
      tasks so they skip discovery. Every module of the collection returns it once it has talked to the server.
  returned: success
  type: str
  sample: v4_6_release/
"""

from ansible_collections.msp.connectwise.plugins.module_utils._module import CWModule, condition, strip_info


def run(module):
    p = module.params
    rows = module.client.list("system/integratorlogins", conditions_=condition("username", p["username"]) if p["username"] else None,
                              order_by="username asc")
    rows = [dict((k, v) for k, v in r.items() if k != "password") for r in strip_info(rows)]
    module.finish(integrator_logins=rows, exists=bool(rows))


def main():
    module = CWModule(argument_spec=dict(username=dict(type="str")))
    module.run(lambda: run(module))


if __name__ == "__main__":
    main()
