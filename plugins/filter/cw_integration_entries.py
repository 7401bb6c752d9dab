# -*- coding: utf-8 -*-
# Copyright (c) msp.connectwise contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The msp.connectwise.cw_integration_entries filter; documentation is in cw_integration_entries.yml beside it."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.msp.connectwise.plugins.plugin_utils._integration import select_entries


def cw_integration_entries(entries, name=""):
    """The entries of a tenant's cw_integrations list that a run works on."""
    try:
        return select_entries(entries, str(name or ""))
    except ValueError as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    """Integration list filters."""

    def filters(self):
        return {"cw_integration_entries": cw_integration_entries}
