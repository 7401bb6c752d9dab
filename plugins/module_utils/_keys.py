# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""API members and their keys: lookups shared by the key modules.

This module is internal to msp.connectwise: its names may change in any release and it is not
meant for use outside the collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

from ansible_collections.msp.connectwise.plugins.module_utils._client import CWError, condition

MEMBERS = "system/apiMembers"

UI_STEPS = ("In ConnectWise open System > Members > API Members, open {member!r}, go to the API Keys tab, click +, "
            "enter the description {description!r} and click Save (not Save and Close) so the private key stays on screen; "
            "then run the task again with adopt_public_key and adopt_private_key set to the new pair.")


def keys_path(member_id):
    return "%s/%s/apiKeys" % (MEMBERS, member_id)


def find_member(client, member, by_id=True, required=True):
    """The API member named by ``member``; CWError when it does not exist (None without ``required``).

    The identifier is asked first, so an identifier that looks like a number ('12345') is never taken for another
    member's id; with ``by_id`` an all-digit text that is no identifier is then read as an id."""
    text = str(member).strip()
    if not text:
        raise CWError("member must name an API member by identifier or id.")
    row = client.find_one(MEMBERS, condition("identifier", text))
    if row is None and by_id and text.isdigit():
        row = client.get_or_none("%s/%s" % (MEMBERS, text))
    if row is None and required:
        raise CWError("There is no API member %r in company %r." % (text, client.company_id))
    return row


def key_meta(row):
    """Key metadata that is safe to return: never the private key."""
    out = dict((k, v) for k, v in row.items() if k.lower() not in ("privatekey", "private_key", "_info"))
    info = row.get("_info") or {}
    for name in ("dateEntered", "enteredBy", "lastUpdated"):
        if name in info:
            out[name] = info[name]
    return out


def list_keys(client, member_id, description=None):
    """Keys of a member (optionally with one description), or None when the server has no key endpoint."""
    try:
        rows = client.list(keys_path(member_id), conditions_=condition("description", description) if description else None)
    except CWError as exc:
        if exc.unsupported:
            return None
        raise
    if description:
        rows = [r for r in rows if str(r.get("description") or "").lower() == description.lower()]
    return rows


def member_of(rows):
    """The member reference carried by ``/system/mySecurity`` rows, if any."""
    for row in rows or []:
        member = row.get("member")
        if isinstance(member, dict) and (member.get("id") or member.get("identifier")):
            return member
    return None


def same_member(reference, member):
    if reference is None or member is None:
        return False
    if reference.get("id") is not None and member.get("id") is not None:
        return reference.get("id") == member.get("id")
    return str(reference.get("identifier") or "").lower() == str(member.get("identifier") or "").lower()


def is_member(owner, expected):
    """Whether the member reference ``owner`` is the member named ``expected`` (identifier first, as find_member)."""
    text = str(expected or "").strip()
    if str((owner or {}).get("identifier") or "").lower() == text.lower():
        return True
    return text.isdigit() and (owner or {}).get("id") == int(text)


# ---------------------------------------------------------------------------------------------
# Which key an integration uses: one decision, made from what the vault holds, an optional pair made in the UI
# and what the server's key endpoint lists. Pure, so that every branch is unit tested.
# ---------------------------------------------------------------------------------------------

REUSE = "reuse"                # the vaulted pair is one of the member's keys: nothing to do
ADOPT = "adopt"                # prove a pair made in the UI (or vaulted as adopted) and use it
CREATE = "create"              # the member has no key with the description: make one
REPLACE = "replace"            # make a new key; the listed ones are replaced (deleted later, once the new one works)
NEEDS_ACTION = "needs_action"  # no key endpoint and no pair: a person makes the key in the UI

# what the summary calls the key a decision leaves in use
KEY_SOURCE = {REUSE: "existing", ADOPT: "adopted", CREATE: "created", REPLACE: "rotated", NEEDS_ACTION: "none"}


def has_pair(pair):
    return bool(pair and pair.get("public_key") and pair.get("private_key"))


def pair_to_adopt(state, stored, adopt):
    """The pair to adopt without asking the key endpoint, or None.

    A pair passed in always wins. A vaulted pair that was adopted is proven again rather than looked up, since a
    server that made us adopt it has no key endpoint to look in."""
    if has_pair(adopt):
        return adopt
    if state == "present" and has_pair(stored) and (stored.get("source") or "") == "adopted":
        return stored
    return None


def decide(state, stored, existing):
    """``(decision, key_row, replaced_rows)`` once the key endpoint answered.

    ``existing`` is the member's keys with the integration's description, or None when the server has no key
    endpoint. ``stored`` is what the caller's vault holds (None: the caller keeps no secret, so an existing key is
    simply reported). A vaulted pair is kept while its public key is among them, and the other keys with the
    description are listed as replaced; a key whose secret the vault does not hold is replaced, because nobody can
    use it through this collection."""
    if existing is None:
        if state == "present" and has_pair(stored):
            return ADOPT, None, []
        return NEEDS_ACTION, None, []
    if state == "rotate":
        return REPLACE, None, list(existing)
    if not existing:
        return CREATE, None, []
    if stored is None:
        return REUSE, sorted(existing, key=lambda k: k.get("id") or 0)[-1], []
    if has_pair(stored):
        for row in existing:
            if row.get("publicKey") == stored["public_key"]:
                # the others have no secret in the vault (left by a run that was killed, or made twice at once)
                return REUSE, row, [other for other in existing if other is not row]
    return REPLACE, None, list(existing)
