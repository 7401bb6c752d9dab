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
    a pair it fails with the steps to make one (or, with O(on_unsupported=warn), reports them in RV(checklist)).
  - I(Which key to use.) With O(stored) - the pair a vault holds for this integration - the module makes the whole
    decision in one call and reports it in RV(decision) - V(reuse) the stored pair while it is one of the member's
    keys; V(adopt) a pair passed in, or a stored pair that was adopted or that a server without the key endpoint
    holds; V(create) a key when the member has none; V(replace) keys whose private key the vault does not hold by a
    new key (the old ones are listed in RV(replaced_keys), not deleted); V(needs_action) when a person has to make the
    key in the UI.
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
  stored:
    description:
      - The key pair the caller's vault holds for this integration (empty values when it holds none).
      - When given, an existing key whose public key differs from O(stored.public_key) is replaced by a new one
        (RV(decision=replace)) instead of being reported as it is, since its private key cannot be read back.
    type: dict
    suboptions:
      public_key:
        description: The stored public key.
        type: str
        default: ''
      private_key:
        description: The stored private key. Never logged and never returned.
        type: str
        default: ''
      source:
        description: V(adopted) when the stored pair was made in the UI and adopted; such a pair is proven again instead of looked up.
        type: str
        default: ''
  on_unsupported:
    description:
      - What to do when the server has no API key endpoint and there is no pair to adopt.
      - V(fail) fails with the steps to make the key in the UI; V(warn) succeeds with RV(decision=needs_action), the
        steps in RV(checklist) and a warning, so that a play can collect them.
    type: str
    choices: [fail, warn]
    default: fail
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
      - Adopt mode and reusing a stored pair only read, so they behave the same in check mode.
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
decision:
  description: V(reuse), V(adopt), V(create), V(replace) or V(needs_action) (see the description).
  returned: when O(state) is V(present) or V(rotate)
  type: str
  sample: reuse
public_key:
  description: The public key of the key in use (missing in check mode before creation).
  returned: when O(state) is V(present) or V(rotate) and the key exists or was adopted
  type: str
  sample: AbCdEf123456
private_key:
  description:
    - The private key, returned only by the task that created the key. ConnectWise never shows it again.
    - Register the result with C(no_log) and store the value right away (for example in Ansible Vault).
    - Not returned for existing, stored or adopted keys (Ansible masks the values of secret options in results).
  returned: when a key was created
  type: str
pair_from:
  description:
    - Where the private key of the key in use is - V(new) (in RV(private_key)), V(adopt) (O(adopt_private_key)) or
      V(stored) (O(stored.private_key)). Missing when no private key is known.
  returned: when a pair is usable
  type: str
  sample: stored
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
  description: V(created), V(rotated), V(existing), V(adopted) or V(none) - what the key in use is.
  returned: when O(state) is V(present) or V(rotate)
  type: str
replaced_keys:
  description: Metadata of the member's older keys with the same description that a new key replaces (never deleted here).
  returned: when O(state) is V(present) or V(rotate)
  type: list
  elements: dict
deleted_keys:
  description: With O(state=absent), metadata of the keys that were (or would be) deleted.
  returned: when O(state=absent)
  type: list
  elements: dict
checklist:
  description: With RV(decision=needs_action), the steps that make the key in the ConnectWise UI.
  returned: when RV(decision=needs_action)
  type: list
  elements: str
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


def prove_pair(module, member, pair):
    """Fail unless ``pair`` authenticates and belongs to ``member`` (documented GET /system/mySecurity, with that pair)."""
    p = module.params
    other = module.other_client(pair["public_key"], pair["private_key"])
    try:
        rows = other.list("system/mySecurity")
    except CWError as exc:
        if exc.status == 401:
            raise CWError("The adopted key pair (public key %r) does not authenticate in company %r: check that both halves "
                          "were copied completely and that the key was not deleted." % (pair["public_key"], p["company_id"]))
        raise CWError("The adopted key pair (public key %r) cannot read /system/mySecurity, so it cannot be proven to belong to "
                      "%r: %s" % (pair["public_key"], member.get("identifier"), exc))
    owner = keys.member_of(rows)
    if owner is None:
        raise CWError("The adopted key pair authenticates but /system/mySecurity names no member, so it cannot be proven to "
                      "belong to %r." % member.get("identifier"))
    if not keys.same_member(owner, member):
        raise CWError("The adopted key pair (public key %r) belongs to member %r, not to %r."
                      % (pair["public_key"], owner.get("identifier") or owner.get("id"), member.get("identifier")))


def ui_steps(module, member):
    return keys.UI_STEPS.format(member=member.get("identifier"), description=module.params["description"] or "<description>")


def no_endpoint(module, member, what):
    """Fail with the UI steps and C(key_endpoint=false), which a play can test instead of the message text."""
    module.fail("This ConnectWise server has no API key endpoint (GET %s answered 404/405), so the module cannot %s. %s"
                % (keys.keys_path(member["id"]), what, ui_steps(module, member)),
                key_endpoint=False, member=member_ref(member))


def create(module, member, existing):
    """POST a new key; after a lost answer, a key that appeared meanwhile is deleted (its private key is gone) so
    that the retry makes one whose private key we do receive."""
    p = module.params
    path = keys.keys_path(member["id"])
    known = set(k.get("id") for k in existing)

    def lookup():
        for row in keys.list_keys(module.client, member["id"], p["description"]) or []:
            if row.get("id") not in known:
                module.write("DELETE", "%s/%s" % (path, row["id"]))
        return None

    return module.write("POST", path, {"description": p["description"]}, predicted=None, lookup=lookup)


def validate(module):
    p = module.params
    if p["state"] in ("present", "rotate") and not p["description"]:
        raise CWError("description is required with state=%s; it identifies the key." % p["state"])
    if p["state"] == "absent" and not p["description"] and p["key_id"] is None:
        raise CWError("state=absent needs description or key_id to know which key to delete.")
    module.check_field("key_description", p["description"], "description")
    if bool(p["adopt_public_key"]) != bool(p["adopt_private_key"]):
        raise CWError("adopt_public_key and adopt_private_key must be given together.")
    if p["adopt_public_key"] and p["state"] == "absent":
        raise CWError("adopt_public_key/adopt_private_key do not work with state=absent.")
    stored = p["stored"]
    if stored and bool(stored.get("public_key")) != bool(stored.get("private_key")):
        raise CWError("stored holds only one half of a key pair; give public_key and private_key together, or neither.")


def delete(module, member, existing):
    p = module.params
    before = {"keys": [keys.key_meta(k) for k in existing]}
    doomed = [k for k in existing if p["key_id"] is None or k.get("id") == p["key_id"]]
    for row in doomed:
        module.write("DELETE", "%s/%s" % (keys.keys_path(member["id"]), row["id"]))
    module.record(before=before, after={"keys": [keys.key_meta(k) for k in existing if k not in doomed]})
    msg = ("Deleted %d key(s) of %r." % (len(doomed), member.get("identifier"))) if doomed else "No matching key; nothing to delete."
    module.finish(msg=msg, deleted_keys=[keys.key_meta(k) for k in doomed], member=member_ref(member), key_endpoint=True)


def use(module, member, decision, pair, row=None, replaced=(), key_endpoint=True, msg=None, before=None, after=None, **extra):
    """Finish with the key this member uses now (``pair``: the pair to store, when one is known)."""
    meta = keys.key_meta(row) if row else {"description": module.params["description"]}
    if pair:
        meta.setdefault("publicKey", pair["public_key"])
    module.record(before=before if before is not None else {"keys": [meta]}, after=after if after is not None else {"keys": [meta]})
    result = dict(decision=decision, key_source=keys.KEY_SOURCE[decision], key=meta, member=member_ref(member),
                  key_endpoint=key_endpoint, replaced_keys=[keys.key_meta(k) for k in replaced], **extra)
    if row and row.get("id") is not None:
        result["key_id"] = row["id"]
    if pair:
        # Ansible masks the values of no_log options in results, so a pair the caller passed in comes back as
        # the name of where it came from ("adopt" or "stored") and only a new key's private key is returned.
        result["public_key"] = pair["public_key"]
        result["pair_from"] = pair.get("from", "new")
        if result["pair_from"] == "new":
            result["private_key"] = pair["private_key"]
    elif row:
        result["public_key"] = row.get("publicKey")
    module.finish(msg=msg, **result)


def ensure(module):
    p = module.params
    validate(module)
    member = keys.find_member(module.client, p["member"])
    adopt = None
    if p["adopt_public_key"]:
        adopt = {"public_key": p["adopt_public_key"], "private_key": p["adopt_private_key"], "from": "adopt"}
    stored = None
    if p["stored"] is not None:
        stored = dict(p["stored"])
        stored["from"] = "stored"

    if p["state"] != "absent":
        pair = keys.pair_to_adopt(p["state"], stored, adopt)
        if pair is not None:
            prove_pair(module, member, pair)
            use(module, member, keys.ADOPT, pair, key_endpoint=None,
                msg="Adopted the key pair %r: it authenticates and belongs to %r." % (pair["public_key"], member.get("identifier")))

    existing = keys.list_keys(module.client, member["id"], p["description"] if p["key_id"] is None else None)
    if p["state"] == "absent":
        if existing is None:
            no_endpoint(module, member, "delete a key")
        delete(module, member, existing)

    decision, row, replaced = keys.decide(p["state"], stored, existing)
    if decision == keys.NEEDS_ACTION:
        if p["on_unsupported"] == "fail":
            no_endpoint(module, member, "%s a key" % ("rotate" if p["state"] == "rotate" else "create"))
        module.warn("This ConnectWise server has no API key endpoint, so no key was made: %s" % ui_steps(module, member))
        use(module, member, decision, None, key_endpoint=False, before={"keys": []}, after={"keys": []}, checklist=[ui_steps(module, member)],
            msg="No API key endpoint and no key pair to adopt; a person has to make the key in the UI.")
    if decision == keys.ADOPT:
        prove_pair(module, member, stored)
        use(module, member, decision, stored, key_endpoint=False,
            msg="Adopted the vaulted key pair %r: it authenticates and belongs to %r." % (stored["public_key"], member.get("identifier")))

    before = {"keys": [keys.key_meta(k) for k in existing]}
    if decision == keys.REUSE:
        if len(existing) > 1:
            module.warn("Member %r has %d keys described %r; using %r." % (member.get("identifier"), len(existing), p["description"], row.get("publicKey")))
        kept = stored if keys.has_pair(stored) else None
        use(module, member, decision, kept, row=row, replaced=replaced, before=before, after=before,
            msg="Key %r of %r exists%s." % (p["description"], member.get("identifier"),
                                            "" if kept else " (its private key cannot be read back)"))

    created = create(module, member, existing)
    if created is None:  # check mode
        use(module, member, decision, None, replaced=replaced, before=before,
            after={"keys": before["keys"] + [{"description": p["description"], "publicKey": "(new)"}]},
            msg="A key %r would be created for %r (check mode creates nothing)." % (p["description"], member.get("identifier")))
    if not created.get("privateKey"):
        raise CWError("ConnectWise created key %r for %r but its answer holds no private key; delete that key and try again."
                      % (created.get("id"), member.get("identifier")))
    meta = keys.key_meta(created)
    use(module, member, decision, {"public_key": created.get("publicKey"), "private_key": created["privateKey"], "from": "new"}, row=created,
        replaced=replaced, before=before, after={"keys": before["keys"] + [meta]},
        msg="Created key %r for %r; store the private key now, it is shown only once." % (p["description"], member.get("identifier")))


def main():
    module = CWModule(
        argument_spec=dict(
            member=dict(type="str", required=True),
            description=dict(type="str"),
            key_id=dict(type="int"),
            state=dict(type="str", default="present", choices=["present", "rotate", "absent"]),
            adopt_public_key=dict(type="str"),
            adopt_private_key=dict(type="str", no_log=True),
            stored=dict(type="dict", options=dict(
                public_key=dict(type="str", default=""),
                private_key=dict(type="str", default="", no_log=True),
                source=dict(type="str", default=""),
            )),
            on_unsupported=dict(type="str", default="fail", choices=["fail", "warn"]),
        ),
    )
    module.run(lambda: ensure(module))


if __name__ == "__main__":
    main()
