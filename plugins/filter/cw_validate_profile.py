# -*- coding: utf-8 -*-
# Copyright (c) msp.connectwise contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The msp.connectwise.cw_validate_profile filter; documentation is in cw_validate_profile.yml beside it."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.msp.connectwise.plugins.module_utils._profiles import validate_names, validate_profile


def cw_validate_profile(profile, names=None):
    """Return the list of problems with a permission profile and the names a run writes; empty means valid."""
    if profile is None:
        raise AnsibleFilterError('cw_validate_profile needs a profile mapping, but got nothing (is the variable defined?).')
    if names is not None and not isinstance(names, dict):
        raise AnsibleFilterError('cw_validate_profile names must be a mapping of field to [value, variable].')
    problems = validate_profile(profile)
    try:
        return problems + validate_names(names)
    except (KeyError, TypeError, ValueError) as exc:
        raise AnsibleFilterError('cw_validate_profile names must map a known field to [value, variable]: %s' % exc)


class FilterModule:
    """Permission profile filters."""

    def filters(self):
        return {'cw_validate_profile': cw_validate_profile}
