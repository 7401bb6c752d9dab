# -*- coding: utf-8 -*-
# Copyright (c) msp.connectwise contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import os

import pytest
import yaml

from ansible.errors import AnsibleFilterError
from ansible.parsing.dataloader import DataLoader

from ansible_collections.msp.connectwise.plugins.filter.cw_validate_profile import FilterModule

PROFILE = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles', 'integration', 'files', 'profiles', 'sophos_central.yml')


def cw_validate_profile(value):
    return FilterModule().filters()['cw_validate_profile'](value)


def test_filter_is_registered():
    assert set(FilterModule().filters()) == {'cw_validate_profile'}


def test_filter_accepts_a_shipped_profile_loaded_with_data_tags():
    """Ansible 2.19 hands the filter tagged dict/str subclasses; validation must not trip over them."""
    with open(PROFILE, encoding='utf-8') as handle:
        tagged = DataLoader().load(handle.read())
    assert tagged.__class__ is not dict
    assert cw_validate_profile(tagged) == []


def test_filter_reports_problems():
    with open(PROFILE, encoding='utf-8') as handle:
        profile = yaml.safe_load(handle)
    profile['permissions'][0]['inquire'] = 'all'
    assert cw_validate_profile(profile) == [
        "permissions row 1 (Companies > Company Maintenance) inquire level 'all' is not one of All, My, None. Did you mean 'All'?",
    ]


def test_filter_refuses_nothing():
    with pytest.raises(AnsibleFilterError, match='needs a profile mapping'):
        cw_validate_profile(None)
