#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

DOCUMENTATION = r"""
module: cw_credential_check
short_description: Verify what a ConnectWise Manage key pair is and what it may do
version_added: 0.1.0
description:
  - Authenticates with the key pair in O(public_key) and O(private_key), reports whose key it is and its effective
    permissions (C(GET /system/mySecurity)), compares them with O(required_permissions), and probes one read endpoint
    per required row (for example C(GET /procurement/catalog) for Procurement > Product Catalog).
  - Fails naming the missing rows, or (with O(exact=true)) the cells granted beyond the requirement.
  - All calls of this module use documented ConnectWise endpoints.
  - Probed endpoints - Companies > Company Maintenance C(/company/companies), Finance > Agreements C(/finance/agreements),
    Procurement > Product Catalog C(/procurement/catalog), Service Desk > Service Tickets C(/service/tickets),
    System > Member Maintenance C(/system/members), System > API Reports C(/system/reports), System > Table Setup
    C(/system/locations). Other rows are compared but not probed.
author:
  - msp.connectwise maintainers (!UNKNOWN)
options:
  required_permissions:
    description:
      - The cells the key must have, in the same shape as the O(msp.connectwise.cw_security_role#module:permissions)
        option of M(msp.connectwise.cw_security_role). A required V(My) is met by V(My) or V(All).
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
        description: Required Add level (V(All), V(My) or V(None)).
        type: str
      edit:
        description: Required Edit level.
        type: str
      delete:
        description: Required Delete level.
        type: str
      inquire:
        description: Required Inquire level.
        type: str
  expected_member:
    description:
      - Identifier (or id) of the member the key must belong to.
    type: str
  exact:
    description:
      - Also fail when the key has cells above O(required_permissions) (nothing else may be granted).
    type: bool
    default: false
  probe:
    description:
      - Call one read endpoint per required row with inquire rights to prove the permission works in practice, and
        each of O(probe_paths).
    type: bool
    default: true
  probe_paths:
    description:
      - Further read endpoints to call with the key when O(probe=true), for example the C(verify) list of an
        integration role permission profile (see P(msp.connectwise.cw_validate_profile#filter)). A path already probed for a required row is not asked twice.
      - An answer of 403 counts as a missing permission; other errors fail the task.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: API path below the codebase, starting with C(/), for example V(/procurement/catalog).
        type: str
        required: true
      params:
        description: Query parameters, for example V(pageSize=1) written as a mapping.
        type: dict
        default: {}
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - msp.connectwise.connectwise
  - msp.connectwise.connectwise.action_group
attributes:
  check_mode:
    support: full
    details: This module only reads.
  diff_mode:
    support: none
  platform:
    platforms: posix
"""

EXAMPLES = r"""
- name: The new Sophos key can read the product catalog and has exactly the Sophos cells
  msp.connectwise.cw_credential_check:
    public_key: "{{ sophos_key.public_key }}"
    private_key: "{{ sophos_private_key }}"
    expected_member: sophos-central
    exact: true
    required_permissions:
      - {module: Procurement, function: Product Catalog, add: All, edit: All, inquire: All}
      - {module: Companies, function: Company Maintenance, inquire: All}
"""

RETURN = r"""
member:
  description: The member the key belongs to (from C(/system/mySecurity)).
  returned: success
  type: dict
  sample: {id: 181, identifier: sophos-central, name: Sophos Central}
permissions:
  description: Effective cells that are not all V(None), keyed by C(Module > Function).
  returned: success
  type: dict
missing:
  description: Required cells the key lacks, and probes that were refused.
  returned: always
  type: list
  elements: str
  sample: ["Procurement > Product Catalog > inquire: has None, needs All"]
extra:
  description: Cells granted beyond the requirement (only computed with O(exact=true)).
  returned: always
  type: list
  elements: str
probes:
  description: One entry per probed row - the row, the path, the HTTP status and whether it passed.
  returned: always
  type: list
  elements: dict
  sample: [{row: Procurement > Product Catalog, path: /procurement/catalog, status: 200, ok: true}]
"""

from ansible_collections.msp.connectwise.plugins.module_utils._module import CWError, CWModule
from ansible_collections.msp.connectwise.plugins.module_utils import _keys as keys
from ansible_collections.msp.connectwise.plugins.module_utils import _permissions as perms


def probe(module, pairs):
    wanted = []
    for item, row in pairs:
        path = perms.probe_path(row) if item["levels"].get("inquire", "None") != "None" else None
        if path:
            wanted.append((perms.row_title(row), path, {"pageSize": 1, "fields": "id"}))
    for index, extra in enumerate(module.params["probe_paths"]):
        wanted.append(("probe_paths[%d]" % index, extra["path"], extra["params"] or {}))
    return perms.run_probes(module.client, wanted)


def run(module):
    p = module.params
    for index, extra in enumerate(p["probe_paths"]):
        problem = perms.probe_path_problem(extra["path"])
        if problem:
            raise CWError("probe_paths[%d]: %s" % (index, problem))
    wanted = perms.normalize_permissions(p["required_permissions"])
    rows = module.client.list("system/mySecurity")
    owner = keys.member_of(rows) or {}
    member = dict((k, owner.get(k)) for k in ("id", "identifier", "name") if k in owner)
    granted = [r for r in rows if any(v != "None" for v in perms.cells(r).values())]
    result = dict(member=member, permissions=perms.table(granted), missing=[], extra=[], probes=[])
    if p["expected_member"]:
        expected = p["expected_member"].strip()
        if not keys.is_member(owner, expected):
            module.fail("Public key %r belongs to member %r, not to %r." % (p["public_key"], owner.get("identifier"), expected), **result)
    pairs, missing, extra = perms.compare_effective(rows, wanted, exact=p["exact"])
    if p["probe"]:
        result["probes"] = probe(module, pairs)
        missing += ["%s: GET %s answered %s" % (e["row"], e["path"], e["status"]) for e in result["probes"] if not e["ok"]]
    result.update(missing=missing, extra=extra)
    problems = []
    if missing:
        problems.append("lacks %s" % "; ".join(missing))
    if extra:
        problems.append("has more than required: %s" % "; ".join(extra))
    if problems:
        module.fail("Key %r of member %r %s." % (p["public_key"], owner.get("identifier"), " and ".join(problems)), **result)
    module.finish(msg="Key %r of member %r authenticates and has every required permission." % (p["public_key"], owner.get("identifier")),
                  **result)


def main():
    module = CWModule(
        argument_spec=dict(
            required_permissions=dict(type="list", elements="dict", default=[], options=perms.PERMISSION_OPTIONS),
            expected_member=dict(type="str"),
            exact=dict(type="bool", default=False),
            probe=dict(type="bool", default=True),
            probe_paths=dict(type="list", elements="dict", default=[], options=dict(
                path=dict(type="str", required=True),
                params=dict(type="dict", default={}),
            )),
        ),
    )
    module.run(lambda: run(module))


if __name__ == "__main__":
    main()
