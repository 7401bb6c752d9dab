#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

DOCUMENTATION = r"""
module: cw_integrator_login
short_description: Ensure or check a ConnectWise Manage integrator login
version_added: 0.1.0
description:
  - Integrator logins are the legacy credential type some vendors (Sophos Central among them) ask to exist.
    This module creates, updates or deletes one, or with O(check_only=true) only verifies it.
  - The password is write-only - ConnectWise never returns it, so it cannot be compared; see O(update_password).
  - All calls of this module use documented ConnectWise endpoints (C(/system/integratorlogins)).
author:
  - msp.connectwise maintainers (!UNKNOWN)
options:
  username:
    description:
      - The login's username, at most 50 characters; identifies the login (case-insensitive).
    type: str
    required: true
  password:
    description:
      - The login's password, at most 50 characters. Needed to create the login.
    type: str
  update_password:
    description:
      - V(on_create) sends O(password) only when the login is created.
      - V(always) sends it on every run, which therefore always reports a change.
    type: str
    choices: [always, on_create]
    default: on_create
  record_access:
    description:
      - V(all) lets the login see all records; V(own) only the records it created (C(canAccessAllRecordsFlag)).
    type: str
    choices: [all, own]
  enabled_apis:
    description:
      - The APIs the login may use. Listed ones are enabled, all others disabled. Not touched when omitted.
    type: list
    elements: str
    choices: [activity, agreement, company, configuration, contact, document, invoice, managed_services, marketing, member,
              opportunity, opportunity_conversion, product, project, purchasing, reporting, schedule, service_ticket, system,
              time_entry]
  inactive:
    description:
      - Whether the login is inactive.
    type: bool
  check_only:
    description:
      - Only verify that the login exists (and matches the given options); never write. Fails naming what is missing
        or different.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the login; V(absent) deletes it.
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
    details: The password never appears in the diff; a password that is sent shows as masked.
  platform:
    platforms: posix
"""

EXAMPLES = r"""
- name: The integrator login must exist (Sophos Central setup, step 1)
  msp.connectwise.cw_integrator_login:
    username: sophos
    check_only: true

- name: Ensure it
  msp.connectwise.cw_integrator_login:
    username: sophos
    password: "{{ integrator_password }}"
    record_access: all
    enabled_apis: [company, product, agreement, service_ticket]
"""

RETURN = r"""
integrator_login:
  description: The login after the task (predicted in check mode), without the password; empty when absent.
  returned: always
  type: dict
  sample: {id: 3, username: sophos, canAccessAllRecordsFlag: true, productApiFlag: true}
differences:
  description: With O(check_only=true), the fields that differ from the wanted values.
  returned: when O(check_only=true)
  type: list
  elements: str
operations:
  description: The PATCH operations that were sent (or would be); a password shows as masked.
  returned: always
  type: list
  elements: dict
msg:
  description: What happened.
  returned: always
  type: str
"""

from ansible_collections.msp.connectwise.plugins.module_utils._module import (
    CWError,
    CWModule,
    condition,
    patch_operations,
    projection,
    strip_info,
)

PATH = "system/integratorlogins"
APIS = {
    "activity": "activityApiFlag", "agreement": "agreementApiFlag", "company": "companyApiFlag",
    "configuration": "configurationApiFlag", "contact": "contactApiFlag", "document": "documentApiFlag",
    "invoice": "invoiceApiFlag", "managed_services": "managedServicesApiFlag", "marketing": "marketingApiFlag",
    "member": "memberApiFlag", "opportunity": "opportunityApiFlag", "opportunity_conversion": "opportunityConversionApiFlag",
    "product": "productApiFlag", "project": "projectApiFlag", "purchasing": "purchasingApiFlag",
    "reporting": "reportingApiFlag", "schedule": "scheduleApiFlag", "service_ticket": "serviceTicketApiFlag",
    "system": "systemApiFlag", "time_entry": "timeEntryApiFlag",
}
FIELDS = ["username", "canAccessAllRecordsFlag", "inactiveFlag"] + sorted(APIS.values())


def find(module, username):
    rows = module.client.list(PATH, conditions_=condition("username", username), limit=10)
    exact = [r for r in rows if str(r.get("username", "")).lower() == username.lower()]
    return exact[0] if exact else None


def desired_fields(p):
    desired = {"inactiveFlag": p["inactive"]}
    if p["record_access"]:
        desired["canAccessAllRecordsFlag"] = p["record_access"] == "all"
    if p["enabled_apis"] is not None:
        for name, flag in APIS.items():
            desired[flag] = name in p["enabled_apis"]
    return desired


def public(obj):
    return dict((k, v) for k, v in strip_info(obj or {}).items() if k != "password")


def ensure(module):
    p = module.params
    module.check_field("integrator_username", p["username"] or "", "username")
    username = p["username"]
    if p["password"] is not None and (not p["password"] or len(p["password"]) > 50):
        raise CWError("password must be 1 to 50 characters.")
    current = find(module, username)
    desired = desired_fields(p)

    if p["check_only"]:
        differences = []
        if current is None:
            differences.append("the integrator login %r does not exist" % username)
        else:
            differences = ["%s is %r, wanted %r" % (o["path"], current.get(o["path"]), o["value"]) for o in patch_operations(current, desired)]
        if differences:
            module.fail("Integrator login check failed for %r: %s." % (username, "; ".join(differences)),
                        integrator_login=public(current), differences=differences, operations=[])
        module.finish(msg="Integrator login %r exists as wanted." % username, integrator_login=public(current), differences=[], operations=[])

    if p["state"] == "absent":
        if current is None:
            module.finish(msg="There is no integrator login %r; nothing to delete." % username, integrator_login={}, operations=[])
        module.write("DELETE", "%s/%s" % (PATH, current["id"]))
        module.record(before=projection(current, FIELDS), after={})
        module.finish(msg="Integrator login %r deleted." % username, integrator_login={}, operations=[])

    if current is None:
        if not p["password"]:
            raise CWError("Creating integrator login %r needs a password." % username)
        body = dict((k, v) for k, v in desired.items() if v is not None)
        body.update(username=username, password=p["password"])
        created = module.write("POST", PATH, body, predicted=dict(body, id=None), lookup=lambda: find(module, username))
        module.record(before={}, after=projection(created, FIELDS))
        module.finish(msg="Integrator login %r created." % username, integrator_login=public(created), operations=[])

    operations = patch_operations(current, desired)
    if p["password"] and p["update_password"] == "always":
        operations.append({"op": "replace", "path": "password", "value": p["password"]})
    after = module.patch("%s/%s" % (PATH, current["id"]), operations, current)
    before_view = projection(current, FIELDS)
    after_view = projection(after, FIELDS)
    if any(o["path"] == "password" for o in operations):
        after_view["password"] = "(updated)"
    module.record(before=before_view, after=after_view)
    msg = ("Integrator login %r updated: %s." % (username, ", ".join(o["path"] for o in operations))) if operations \
        else "Integrator login %r is as wanted." % username
    shown = [dict(o, value="********") if o["path"] == "password" else o for o in operations]
    module.finish(msg=msg, integrator_login=public(after), operations=shown)


def main():
    module = CWModule(
        argument_spec=dict(
            username=dict(type="str", required=True),
            password=dict(type="str", no_log=True),
            update_password=dict(type="str", default="on_create", choices=["always", "on_create"], no_log=False),
            record_access=dict(type="str", choices=["all", "own"]),
            enabled_apis=dict(type="list", elements="str", choices=sorted(APIS)),
            inactive=dict(type="bool"),
            check_only=dict(type="bool", default=False),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
    )
    module.run(lambda: ensure(module))


if __name__ == "__main__":
    main()
