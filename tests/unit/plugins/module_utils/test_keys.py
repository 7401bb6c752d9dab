# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which key an integration uses: every branch of the one decision, table-driven."""

from __future__ import annotations

import pytest

from ansible_collections.msp.connectwise.plugins.module_utils import _keys as keys

VAULTED = {"public_key": "PUB-OLD", "private_key": "PRIV-OLD", "source": ""}
VAULTED_ADOPTED = dict(VAULTED, source="adopted")
EMPTY = {"public_key": "", "private_key": "", "source": ""}
HALF = {"public_key": "PUB-OLD", "private_key": "", "source": ""}
UI_PAIR = {"public_key": "PUB-UI", "private_key": "PRIV-UI"}
OLD = {"id": 3, "publicKey": "PUB-OLD", "description": "Vendor"}
OTHER = {"id": 5, "publicKey": "PUB-LOST", "description": "Vendor"}


@pytest.mark.parametrize("state, stored, adopt, expected", [
    ("present", VAULTED, UI_PAIR, UI_PAIR),           # a pair passed in always wins
    ("rotate", VAULTED, UI_PAIR, UI_PAIR),            # also for a rotation (the new pair was made in the UI)
    ("present", VAULTED_ADOPTED, None, VAULTED_ADOPTED),  # an adopted pair is proven again, not looked up
    ("rotate", VAULTED_ADOPTED, None, None),          # a rotation wants a new key, not the adopted one again
    ("present", VAULTED, None, None),                 # a key made through the API is looked up
    ("present", EMPTY, None, None),
    ("present", None, None, None),
    ("present", VAULTED, {"public_key": "PUB-UI", "private_key": ""}, None),  # half a pair is no pair
])
def test_pair_to_adopt(state, stored, adopt, expected):
    assert keys.pair_to_adopt(state, stored, adopt) == expected


@pytest.mark.parametrize("state, stored, existing, decision, row, replaced", [
    # no key endpoint: a vaulted pair is adopted, else a person makes the key
    ("present", VAULTED, None, keys.ADOPT, None, []),
    ("present", EMPTY, None, keys.NEEDS_ACTION, None, []),
    ("present", HALF, None, keys.NEEDS_ACTION, None, []),
    ("present", None, None, keys.NEEDS_ACTION, None, []),
    ("rotate", VAULTED, None, keys.NEEDS_ACTION, None, []),
    # the member has no key with the description
    ("present", VAULTED, [], keys.CREATE, None, []),
    ("present", EMPTY, [], keys.CREATE, None, []),
    ("present", None, [], keys.CREATE, None, []),
    # the vaulted pair is among the member's keys: reuse it; the others have no secret in the vault
    ("present", VAULTED, [OLD], keys.REUSE, OLD, []),
    ("present", VAULTED, [OTHER, OLD], keys.REUSE, OLD, [OTHER]),
    # a key whose secret the vault does not hold is replaced
    ("present", EMPTY, [OTHER], keys.REPLACE, None, [OTHER]),
    ("present", VAULTED, [OTHER], keys.REPLACE, None, [OTHER]),
    ("present", HALF, [OLD], keys.REPLACE, None, [OLD]),
    # a caller without a vault is told about the newest existing key
    ("present", None, [OLD, OTHER], keys.REUSE, OTHER, []),
    # a rotation always makes a new key and lists every old one
    ("rotate", VAULTED, [OLD], keys.REPLACE, None, [OLD]),
    ("rotate", EMPTY, [], keys.REPLACE, None, []),
    ("rotate", None, [OLD, OTHER], keys.REPLACE, None, [OLD, OTHER]),
])
def test_decide(state, stored, existing, decision, row, replaced):
    assert keys.decide(state, stored, existing) == (decision, row, replaced)


def test_every_decision_names_a_key_source():
    assert sorted(keys.KEY_SOURCE) == sorted([keys.REUSE, keys.ADOPT, keys.CREATE, keys.REPLACE, keys.NEEDS_ACTION])
    assert keys.KEY_SOURCE[keys.REPLACE] == "rotated" and keys.KEY_SOURCE[keys.NEEDS_ACTION] == "none"
