# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fields the collection writes and what ConnectWise accepts in them.

This module is internal to msp.connectwise: its names may change in any release and it is not
meant for use outside the collection.

One table serves the modules, the permission-profile checks and the integration role's pre-flight,
so that a name is refused with the same sentence wherever it is given, before anything is written.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import re

# field -> (what it is called in a sentence, most characters ConnectWise stores, whether whitespace is refused)
FIELDS = {
    "member_identifier": ("The API member identifier", 15, True),
    "member_name": ("The API member name", 30, False),
    "role_name": ("The security role name", 30, False),
    "role_type": ("The security role type", 30, False),
    "key_description": ("The API key description", 100, False),
    "integrator_username": ("The integrator login username", 50, True),
}

# What the integration role writes into the notes of the API members it makes, so that a later run (even one
# without the vault file) can tell them from members a person or another tool made.
OWNER_MARKER = "msp.connectwise"

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
WHITESPACE = re.compile(r"\s")


def field_problem(field, value, setting=None):
    """One sentence saying why ``value`` does not fit ``field``, or None when it does.

    ``setting`` names where the value came from (an option or a variable), so the sentence says what to change.
    """
    what, maximum, no_whitespace = FIELDS[field]
    text = "" if value is None else str(value)
    where = (" Set %s to a value that fits." % setting) if setting else ""
    if not text.strip():
        return "%s is empty; ConnectWise needs 1 to %d characters.%s" % (what, maximum, where)
    if len(text) > maximum:
        return "%s %r has %d characters; ConnectWise allows 1 to %d.%s" % (what, text, len(text), maximum, where)
    if CONTROL.search(text):
        return "%s %r contains a line break or another control character, which ConnectWise does not keep.%s" % (what, text, where)
    if no_whitespace and WHITESPACE.search(text):
        return "%s %r contains whitespace, which ConnectWise does not accept there.%s" % (what, text, where)
    if text != text.strip():
        return "%s %r starts or ends with whitespace, which ConnectWise strips, so it would never match again.%s" % (what, text, where)
    return None


def field_problems(values):
    """Sentences for every ``{field: (value, setting)}`` that does not fit; an empty list when all fit."""
    problems = []
    for field in sorted(values):
        value, setting = values[field]
        problem = field_problem(field, value, setting)
        if problem:
            problems.append(problem)
    return problems


def made_by_collection(member):
    """Whether an API member row carries the collection's marker in its notes."""
    return OWNER_MARKER in str((member or {}).get("notes") or "")
