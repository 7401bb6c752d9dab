#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

DOCUMENTATION = r"""
module: cw_api_key
short_description: Create, rotate, adopt or delete the API keys of a ConnectWise Manage API member
version_added: 0.1.0
description:
  - An API key is identified by its member and its description.
  - B(Undocumented endpoints:) ConnectWise's published API has no endpoint for member API keys. This module uses
    C(GET/POST /system/apiMembers/{id}/apiKeys) and C(DELETE /system/apiMembers/{id}/apiKeys/{keyId}), which some
    servers answer. When the server answers 404 or 405 there, nothing has been changed.
  - I(Adopt mode) is for servers without that endpoint - a person makes the key in the UI and passes the pair in O(adopt_public_key) and
    O(adopt_private_key); the module proves that the pair authenticates and belongs to O(member) (through the
    documented C(GET /system/mySecurity), called with that pair) and returns the public key like a created one. Without
    a pair it fails with the steps to make one.
  - The member lookup uses the documented C(/system/apiMembers) endpoint.
author:
  - msp.connectwise maintainers (!UNKNOWN)
options:
  member:
    description:
      - The API member that owns the key, by identifier or id.
    type: str
    required: true
  description:
    description:
      - The key's description; together with O(member) it identifies the key. Matched case-insensitively.
      - Required unless O(state=absent) with O(key_id).
    type: str
  key_id:
    description:
      - With O(state=absent), delete exactly this key (as returned in RV(key_id) or by M(msp.connectwise.cw_api_key_info)).
    type: int
  state:
    description:
      - V(present) creates a key with O(description) when the member has none. The private key is returned once, at
        creation, in RV(private_key).
      - V(rotate) always creates a new key with O(description) and reports the keys it replaces in RV(replaced_keys);
        it does not delete them, so they can be removed once the new key is stored and verified.
      - V(absent) deletes the key O(key_id), or every key of the member with O(description).
    type: str
    choices: [present, rotate, absent]
    default: present
  adopt_public_key:
    description:
      - Public half of a key pair made in the ConnectWise UI, for servers without the key endpoint (adopt mode).
      - When set, the module does not create a key; it verifies that this pair authenticates and belongs to O(member).
    type: str
  adopt_private_key:
    description:
      - Private half of the adopted pair. Never logged and never returned.
    type: str
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - msp.connectwise.connectwise
  - msp.connectwise.connectwise.action_group
attributes:
  check_mode:
    support: partial
    details:
      - Check mode never creates or deletes a key. It reports V(changed=true) when a key would be created, rotated or
        deleted, but it cannot return a key that does not exist yet, so RV(public_key) and RV(private_key) are missing.
      - Adopt mode only reads, so it behaves the same in check mode.
  diff_mode:
    support: full
    details: The diff lists the member's keys with O(description) (metadata only) before and after.
  platform:
    platforms: posix
"""

EXAMPLES = r"""
- name: Key for the Sophos Central integration
  msp.connectwise.cw_api_key:
    member: sophos-central
    description: Sophos Central Integration
  register: sophos_key
  no_log: true  # the result carries the private key once

- name: Rotate it (overlap - delete the old key only after the new one is stored and verified)
  msp.connectwise.cw_api_key:
    member: sophos-central
    description: Sophos Central Integration
    state: rotate
  register: rotated
  no_log: true

- name: Delete the replaced keys
  msp.connectwise.cw_api_key:
    member: sophos-central
    key_id: "{{ item.id }}"
    state: absent
  loop: "{{ rotated.replaced_keys }}"

- name: Adopt a key pair made in the UI (servers without the key endpoint)
  msp.connectwise.cw_api_key:
    member: sophos-central
    description: Sophos Central Integration
    adopt_public_key: "{{ ui_public_key }}"
    adopt_private_key: "{{ ui_private_key }}"
"""

RETURN = r"""
public_key:
  description: The public key of the created, existing or adopted key (missing in check mode before creation).
  returned: when O(state) is V(present) or V(rotate) and the key exists or was adopted
  type: str
  sample: AbCdEf123456
private_key:
  description:
    - The private key, returned only by the task that created the key. ConnectWise never shows it again.
    - Register the result with C(no_log) and store the value right away (for example in Ansible Vault).
    - Not returned for existing or adopted keys.
  returned: when a key was created
  type: str
key_id:
  description: Id of the key, where the server has one.
  returned: when a key exists or was created through the key endpoint
  type: int
key:
  description: Metadata of the key (never the private key).
  returned: when O(state) is V(present) or V(rotate)
  type: dict
  sample: {id: 7, description: Sophos Central Integration, publicKey: AbCdEf123456}
key_source:
  description: V(created), V(existing) or V(adopted).
  returned: when O(state) is V(present) or V(rotate)
  type: str
replaced_keys:
  description: With O(state=rotate), metadata of the member's older keys with the same description.
  returned: when O(state=rotate)
  type: list
  elements: dict
deleted_keys:
  description: With O(state=absent), metadata of the keys that were (or would be) deleted.
  returned: when O(state=absent)
  type: list
  elements: dict
member:
  description: The API member that owns the key (id, identifier, name).
  returned: always
  type: dict
key_endpoint:
  description:
    - Whether the server answers the (undocumented) key endpoint; V(null) in adopt mode where it is not asked.
    - V(false) on the failure for a server without that endpoint, so a play can fall back to adopt mode by testing
      this flag rather than the message.
  returned: always
  type: bool
msg:
  description: What happened.
  returned: always
  type: str
"""

from ansible_collections.msp.connectwise.plugins.module_utils._module import CWError, CWModule
from ansible_collections.msp.connectwise.plugins.module_utils import _keys as keys


def member_ref(row):
    return dict((k, row.get(k)) for k in ("id", "identifier", "name"))


def adopt(module, member):
    p = module.params
    other = module.other_client(p["adopt_public_key"], p["adopt_private_key"])
    try:
        rows = other.list("system/mySecurity")
    except CWError as exc:
        if exc.status == 401:
            raise CWError("The adopted key pair (public key %r) does not authenticate in company %r: check that both halves "
                          "were copied completely and that the key was not deleted." % (p["adopt_public_key"], p["company_id"]))
        raise CWError("The adopted key pair (public key %r) cannot read /system/mySecurity, so it cannot be proven to belong to "
                      "%r: %s" % (p["adopt_public_key"], member.get("identifier"), exc))
    owner = keys.member_of(rows)
    if owner is None:
        raise CWError("The adopted key pair authenticates but /system/mySecurity names no member, so it cannot be proven to "
                      "belong to %r." % member.get("identifier"))
    if not keys.same_member(owner, member):
        raise CWError("The adopted key pair (public key %r) belongs to member %r, not to %r."
                      % (p["adopt_public_key"], owner.get("identifier") or owner.get("id"), member.get("identifier")))
    meta = {"description": p["description"], "publicKey": p["adopt_public_key"]}
    module.record(before={"keys": [meta]}, after={"keys": [meta]})
    module.finish(msg="Adopted the key pair %r: it authenticates and belongs to %r." % (p["adopt_public_key"], member.get("identifier")),
                  public_key=p["adopt_public_key"], key=meta, key_source="adopted", member=member_ref(member), key_endpoint=None)


def no_endpoint(module, member, what):
    """Fail with the UI steps and C(key_endpoint=false), which a play can test instead of the message text."""
    p = module.params
    module.fail("This ConnectWise server has no API key endpoint (GET %s answered 404/405), so the module cannot %s. %s"
                % (keys.keys_path(member["id"]), what,
                   keys.UI_STEPS.format(member=member.get("identifier"), description=p["description"] or "<description>")),
                key_endpoint=False, member=member_ref(member))


def create(module, member, existing):
    p = module.params
    path = keys.keys_path(member["id"])
    known = set(k.get("id") for k in existing)

    def lookup():
        # The answer to the POST was lost. A key that appeared meanwhile is ours, but its private key is gone:
        # delete it so that the retry creates one whose private key we do receive.
        for row in keys.list_keys(module.client, member["id"], p["description"]) or []:
            if row.get("id") not in known:
                module.client.delete("%s/%s" % (path, row["id"]))
        return None

    created = module.write("POST", path, {"description": p["description"]}, predicted=None, lookup=lookup)
    return created


def ensure(module):
    p = module.params
    if p["state"] in ("present", "rotate") and not p["description"]:
        raise CWError("description is required with state=%s; it identifies the key." % p["state"])
    if p["state"] == "absent" and not p["description"] and p["key_id"] is None:
        raise CWError("state=absent needs description or key_id to know which key to delete.")
    if p["description"] is not None and not p["description"].strip():
        raise CWError("description must not be empty.")
    if bool(p["adopt_public_key"]) != bool(p["adopt_private_key"]):
        raise CWError("adopt_public_key and adopt_private_key must be given together.")
    member = keys.find_member(module.client, p["member"])
    if p["adopt_public_key"]:
        if p["state"] != "present":
            raise CWError("adopt_public_key/adopt_private_key only work with state=present.")
        adopt(module, member)

    existing = keys.list_keys(module.client, member["id"], p["description"] if p["key_id"] is None else None)
    if existing is None:
        no_endpoint(module, member, {"present": "create a key", "rotate": "rotate a key", "absent": "delete a key"}[p["state"]])
    before = {"keys": [keys.key_meta(k) for k in existing]}

    if p["state"] == "absent":
        doomed = [k for k in existing if p["key_id"] is None or k.get("id") == p["key_id"]]
        for row in doomed:
            module.write("DELETE", "%s/%s" % (keys.keys_path(member["id"]), row["id"]))
        module.record(before=before, after={"keys": [keys.key_meta(k) for k in existing if k not in doomed]})
        msg = ("Deleted %d key(s) of %r." % (len(doomed), member.get("identifier"))) if doomed else "No matching key; nothing to delete."
        module.finish(msg=msg, deleted_keys=[keys.key_meta(k) for k in doomed], member=member_ref(member), key_endpoint=True)

    if p["state"] == "present" and existing:
        if len(existing) > 1:
            module.warn("Member %r has %d keys described %r; reporting the newest." % (member.get("identifier"), len(existing), p["description"]))
        row = sorted(existing, key=lambda k: k.get("id") or 0)[-1]
        module.record(before=before, after=before)
        module.finish(msg="Key %r of %r exists (its private key cannot be read back)." % (p["description"], member.get("identifier")),
                      public_key=row.get("publicKey"), key_id=row.get("id"), key=keys.key_meta(row), key_source="existing",
                      member=member_ref(member), key_endpoint=True)

    created = create(module, member, existing)
    result = dict(member=member_ref(member), key_endpoint=True, key_source="created")
    if p["state"] == "rotate":
        result["replaced_keys"] = [keys.key_meta(k) for k in existing]
    if created is None:  # check mode
        module.record(before=before, after={"keys": before["keys"] + [{"description": p["description"], "publicKey": "(new)"}]})
        module.finish(msg="A key %r would be created for %r (check mode creates nothing)." % (p["description"], member.get("identifier")),
                      key={"description": p["description"]}, **result)
    private_key = created.get("privateKey")
    if not private_key:
        raise CWError("ConnectWise created key %r for %r but its answer holds no private key; delete that key and try again."
                      % (created.get("id"), member.get("identifier")))
    meta = keys.key_meta(created)
    module.record(before=before, after={"keys": before["keys"] + [meta]})
    module.finish(msg="Created key %r for %r; store the private key now, it is shown only once." % (p["description"], member.get("identifier")),
                  public_key=created.get("publicKey"), private_key=private_key, key_id=created.get("id"), key=meta, **result)


def main():
    module = CWModule(
        argument_spec=dict(
            member=dict(type="str", required=True),
            description=dict(type="str"),
            key_id=dict(type="int"),
            state=dict(type="str", default="present", choices=["present", "rotate", "absent"]),
            adopt_public_key=dict(type="str"),
            adopt_private_key=dict(type="str", no_log=True),
        ),
    )
    module.run(lambda: ensure(module))


if __name__ == "__main__":
    main()
