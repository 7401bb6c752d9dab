# -*- coding: utf-8 -*-
# Copyright (c) msp.connectwise contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is documentation only. The work is done on the controller by the
# action plugin plugins/action/cw_integration_plan.py of the same name.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cw_integration_plan
short_description: Load an integration's permission profile and vault file, and check what a run would write
version_added: 0.2.0
description:
  - The first step of every entry point of the C(msp.connectwise.integration) role, usable on its own. It reads only
    files on the controller and talks to no server.
  - Loads the permission profile (a mapping, a file of your own or a profile shipped with the role), validates it and
    the names the run would write against ConnectWise's limits, and reads the tenant's vault-encrypted vars file.
  - Returns the names, the permission rows, the key pair the vault file holds, which role and member the vault file
    names as the integration's, the vault entries that claim them, and the context the
    C(msp.connectwise.cw_integration_report) filter takes.
  - Every problem is one sentence, and the task fails before anything is written anywhere.
  - The result holds the vault file's secrets. It is hidden from every callback (as with C(no_log)) but kept in the
    registered variable.
author:
  - msp.connectwise maintainers (!UNKNOWN)
options:
  tenant:
    description: Name of the tenant in reports (usually C(inventory_hostname)).
    type: str
    required: true
  company_id:
    description: Company id of the tenant.
    type: str
    required: true
  site:
    description: ConnectWise site of the tenant.
    type: str
    required: true
  profile:
    description: A profile given as a mapping; wins over O(profile_file) and O(profile_name).
    type: dict
    default: {}
  profile_file:
    description: Path of a profile file; relative paths are searched like C(ansible.builtin.file) searches them.
    type: str
    default: ""
  profile_name:
    description: Name of a profile shipped with the role (C(files/profiles/<name>.yml)).
    type: str
    default: ""
  role_name:
    description: Security role name; empty means the profile's.
    type: str
    default: ""
  member_identifier:
    description: API member identifier; empty means the profile's.
    type: str
    default: ""
  member_name:
    description: API member name; empty means the profile's.
    type: str
    default: ""
  key_description:
    description: API key description; empty means the profile's.
    type: str
    default: ""
  integrator_login:
    description: V(check), V(ensure) or V(skip); empty means V(check) when the profile requires a login, else V(skip).
    type: str
    choices: ["", check, ensure, skip]
    default: ""
  integrator_username:
    description: Username of the integrator login, validated when O(integrator_login=ensure).
    type: str
    default: ""
  member_references:
    description: The member's placement by name or id (V(level), V(location), V(department), V(default_territory), V(time_zone)); empty values are dropped.
    type: dict
    default: {}
  adopt_public_key:
    description: Public half of a key pair made in the ConnectWise UI; set both halves or neither.
    type: str
    default: ""
  adopt_private_key:
    description: Private half of that pair.
    type: str
    default: ""
  adopt_existing:
    description: Whether the run may take over a member or role that msp.connectwise did not make (passed on to the report context).
    type: bool
    default: false
  vault_file:
    description: Absolute path of the tenant's vault-encrypted vars file. A missing file reads as empty.
    type: str
    required: true
  vault_namespace:
    description:
      - Namespace of the integration's entries in the vault file; empty means the O(integration) entry's
        C(namespace), else the profile's name.
      - Lower snake case, at most 40 characters. Each integration of a tenant has its own.
    type: str
    default: ""
  vault_prefix:
    description:
      - Prefix of the integration's entries in the vault file; empty means C(cw_integration_<namespace>_).
      - With the derived prefix, entries that a 0.1.0 run wrote without a namespace (C(cw_integration_public_key), ...)
        are read as this integration's when their C(cw_integration_profile) names its profile, and returned in
        RV(ownership_entries) under the namespace with RV(legacy_entries) to remove in the same write.
    type: str
    default: ""
  integration:
    description:
      - One entry of the tenant's C(cw_integrations) list - a shipped profile's name, or a mapping with any of
        C(profile) (shipped name), C(profile_file), C(namespace), C(role_name), C(member_identifier), C(member_name)
        and C(key_description). What it sets wins over the options above.
    type: raw
  entries:
    description:
      - Several entries of O(integration)'s kind, planned in one step; the result is then RV(plans), one plan per entry
        in their order. Mutually exclusive with O(integration).
      - Each entry sees the ownership claims of the entries before it, so two entries never take one member; every
        entry's lookups and refusals (O(preflight)) come before any entry's check with O(confirm_converged).
      - An empty list stands for the one integration the other options describe.
    type: list
    elements: raw
  vault_id:
    description: Vault id the run writes with (see M(msp.connectwise.cw_vault_write)); checked with O(vault_writable).
    type: str
    default: ""
  vault_writable:
    description: Also check that the vault file can be written with the chosen vault id, as a later step of the run will.
    type: bool
    default: false
  connection:
    description:
      - The connection options of the modules this step runs (O(msp.connectwise.cw_api_member_info#module:site),
        C(company_id), C(client_id), the bootstrap key pair, ...), as C(module_defaults) hand them on.
      - Needed with O(preflight) other than V(none) and with O(confirm_converged).
      - With O(role_arguments), the role's variables C(integration_site), C(integration_company_id),
        C(integration_client_id), C(integration_bootstrap_public_key), C(integration_bootstrap_private_key),
        C(integration_codebase), C(integration_api_version), C(integration_validate_certs), C(integration_ca_path),
        C(integration_timeout) and C(integration_retries) unless the task sets it. Returned as RV(connection).
    type: dict
    default: {}
  preflight:
    description:
      - The entry point whose reads in ConnectWise this step makes before anything is written, refusing (one sentence,
        nothing written) an API member or security role of the integration's name that msp.connectwise did not make
        unless O(adopt_existing) (see the C(ownership) report of the C(msp.connectwise.cw_integration_report) filter).
      - V(onboard) looks up the member (with its placement names, O(member_references)) unless the vault file names
        it, and a role of the integration's name unless the vault file names it; it also checks that the integrator
        login exists when the profile requires one (M(msp.connectwise.cw_integrator_login_info), returned as
        C(login_check) in RV(lookups); a missing one is the role's manual action, not a failure) and that an adopt
        pair authenticates (M(msp.connectwise.cw_credential_check), C(adopt_check)). V(rotate) looks up the member, which
        must exist. V(offboard) looks up the member. V(none) reads nothing.
      - V(audit) reads instead what the audit entry point reports, and returns it as RV(audit) - the security role
        compared with the profile (M(msp.connectwise.cw_security_role) in check mode, with O(role_mode)), the member,
        its keys' metadata, and the vaulted key authenticated with its permissions compared. It refuses nothing; a
        failing vaulted key is a finding of the row, a failing read fails the step.
      - V(fleet) reads every API member with its keys' metadata and the security roles, and returns the tenant's
        row of the fleet audit as RV(fleet) (the C(fleet) report of C(msp.connectwise.cw_integration_report)).
      - The modules run in the controller process where the role's modules would (see C(msp_connectwise_in_process)),
        else they are shipped to the task's target like any module.
    type: str
    default: none
    choices: [none, onboard, rotate, offboard, audit, fleet]
  role_mode:
    description:
      - The O(msp.connectwise.cw_security_role#module:mode) the role's cells are compared with the profile in, by
        O(preflight=audit) and O(confirm_converged).
    type: str
    default: exact
    choices: [merge, exact]
  role_arguments:
    description:
      - The entry point (V(main), V(rotate), V(offboard), V(audit), V(fleet)) of the role running this task whose
        argument spec the role's variables are checked against first, as ansible-core's validation task in front of a
        role would; the collection's playbooks import the role with C(rolespec_validate=false), one task per tenant
        fewer. A mismatch fails the step with every problem in one message, the values of no_log variables masked.
      - Each of O(company_id), O(site), O(profile), O(profile_file), O(profile_name), O(role_name),
        O(member_identifier), O(member_name), O(key_description), O(integrator_login), O(integrator_username),
        O(adopt_public_key), O(adopt_private_key), O(adopt_existing), O(vault_file), O(vault_namespace),
        O(vault_prefix), O(vault_id) and O(role_mode) that the task does not set is then the role's variable
        C(integration_<option>); O(member_references) is C(integration_member_level), C(integration_member_location),
        C(integration_member_department), C(integration_member_default_territory) and
        C(integration_member_time_zone), O(tenant) the inventory host's name, O(connection) the role's connection
        variables, and O(entries) C(integration_entries) when the entry point's spec has it, else
        C(integration_entry) alone.
      - The entry point also sets what the task does not - O(preflight) the entry point's (V(onboard) for V(main)),
        O(vault_writable) true for V(main) and V(rotate) and for V(offboard) when the vault file exists, and for
        V(main) O(confirm_converged) from C(integration_verify), C(integration_member_email),
        C(integration_member_notes) and C(integration_remove_replaced_keys) - so the role's task needs no template.
      - Empty checks nothing and takes nothing from the role's variables.
    type: str
    default: ''
  confirm_converged:
    description:
      - Confirm a converged tenant in this step (the onboard entry point sets it). When the vault file already names
        the member and the role and holds the key, the onboard steps' modules (M(msp.connectwise.cw_integrator_login_info),
        M(msp.connectwise.cw_security_role), M(msp.connectwise.cw_api_member), M(msp.connectwise.cw_api_key),
        M(msp.connectwise.cw_credential_check)) run here in check mode, in the controller process and with the
        role's arguments, and the vault entries are compared with what the run would write. When none of them would
        change anything, RV(converged) holds their results and the role does not run its steps as tasks; the first
        step that would change something, fails or needs a person ends the check with RV(converged) empty.
      - Skipped (RV(converged) empty) where the modules would not run in the controller process (see
        C(msp_connectwise_in_process)), with O(integrator_login=ensure), with member placement names, or with an adopt pair.
    type: dict
    suboptions:
      verify:
        description: V(skip), V(auto) or V(full), as the role's C(integration_verify).
        type: str
        required: true
      member_email:
        description: The member's email address, if the role sets one.
        type: str
        default: ""
      member_notes:
        description: The member's notes, if the role sets them.
        type: str
        default: ""
      remove_replaced_keys:
        description: Whether the run deletes the keys the integration's key replaced (then a tenant with such keys is not converged).
        type: bool
        default: false
attributes:
  check_mode:
    support: full
    description: Reads only; the same in check mode.
  diff_mode:
    support: none
    description: Writes nothing, so there is nothing to show.
  platform:
    support: full
    platforms: controller
    description: Runs on the Ansible controller.
seealso:
  - module: msp.connectwise.cw_vault_write
"""

EXAMPLES = r"""
- name: Load the Hudu profile and what the tenant's vault file holds
  msp.connectwise.cw_integration_plan:
    tenant: "{{ inventory_hostname }}"
    company_id: "{{ cw_company_id }}"
    site: "{{ cw_site }}"
    profile_file: profiles/hudu.yml
    vault_file: "{{ inventory_dir }}/host_vars/{{ inventory_hostname }}/connectwise.vault.yml"
  register: plan
"""

RETURN = r"""
profile:
  description: The validated profile.
  returned: success
  type: dict
permissions:
  description: The profile's permission rows without their notes, as M(msp.connectwise.cw_security_role) takes them.
  returned: success
  type: list
  elements: dict
role_name:
  description: Name of the integration's security role.
  returned: success
  type: str
role_type:
  description: Role type the profile asks for, or empty.
  returned: success
  type: str
member_identifier:
  description: Identifier of the integration's API member.
  returned: success
  type: str
member_name:
  description: Name of the integration's API member.
  returned: success
  type: str
key_description:
  description: Description of the integration's API key.
  returned: success
  type: str
login_mode:
  description: What the run does with the integrator login, V(check), V(ensure) or V(skip).
  returned: success
  type: str
member_references:
  description: The member's placement references that are set.
  returned: success
  type: dict
vault:
  description: The vault file's entries (secrets included); empty when the file does not exist.
  returned: success
  type: dict
stored:
  description: The key pair the vault file holds, in the shape M(msp.connectwise.cw_api_key)'s O(msp.connectwise.cw_api_key#module:stored) takes.
  returned: success
  type: dict
vault_names_role:
  description: Whether the vault file names the role as the integration's.
  returned: success
  type: bool
vault_names_member:
  description: Whether the vault file names the member as the integration's.
  returned: success
  type: bool
ownership_entries:
  description: The vault entries that claim the role and the member, written before the first write to ConnectWise.
  returned: success
  type: dict
claim_needed:
  description: Whether the vault file lacks any of RV(ownership_entries) or holds another value for one.
  returned: success
  type: bool
legacy_entries:
  description: Names of the entries of a 0.1.0 vault file that move to the namespace (removed by the claim write).
  returned: success
  type: list
  elements: str
vault_entries:
  description: Names of every vault entry the integration writes.
  returned: success
  type: list
  elements: str
adopt:
  description: The adopt pair (secret).
  returned: success
  type: dict
context:
  description: The fixed values the C(msp.connectwise.cw_integration_report) filter takes.
  returned: success
  type: dict
lookups:
  description:
    - The results of the O(preflight) lookups, keyed C(member_info) (M(msp.connectwise.cw_api_member_info)),
      C(role_info) (M(msp.connectwise.cw_security_role_info)), C(login_check) and C(adopt_check); a lookup that was
      not needed is absent.
  returned: success
  type: dict
converged:
  description:
    - With O(confirm_converged), the results of the onboard steps keyed as the role registers them (C(login_check),
      C(role), C(member), C(key), C(vault), C(verified)) when none of them would change anything; else empty.
  returned: success
  type: dict
summary:
  description:
    - With RV(converged) set, the summary the C(msp.connectwise.cw_integration_report) filter makes of it (no secrets);
      else empty.
  returned: success
  type: dict
audit:
  description: With O(preflight=audit), the tenant's audit row (no secrets) as the C(audit) report of C(msp.connectwise.cw_integration_report).
  returned: when O(preflight=audit)
  type: dict
fleet:
  description: With O(preflight=fleet), the tenant's fleet row (no secrets).
  returned: when O(preflight=fleet)
  type: dict
plans:
  description: With O(entries), one plan per entry, each with the return values above; they are then not at the top.
  returned: when O(entries) is given
  type: list
  elements: dict
pending:
  description: With O(entries), the positions in RV(plans) of the plans that RV(converged) did not confirm, in order.
  returned: when O(entries) is given
  type: list
  elements: int
connection:
  description:
    - O(connection) without omitted options, with the codebase this step found - the C(module_defaults) of the steps
      that follow. Holds the bootstrap private key; the action hides its result from every callback.
  returned: always
  type: dict
summaries:
  description: With O(entries), the summaries (RV(summary)) of the plans that RV(converged) confirmed, in order.
  returned: when O(entries) is given
  type: list
  elements: dict
"""
