# -*- coding: utf-8 -*-
# Copyright (c) msp.connectwise contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The msp.connectwise.cw_integration_report filter; documentation is in cw_integration_report.yml beside it."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.msp.connectwise.plugins.plugin_utils._integration import KINDS, report

CONTEXT_KEYS = ("tenant", "company_id", "site", "profile", "role_name", "member_identifier", "key_description",
                "vault_file", "vault_prefix")


def cw_integration_report(results, kind, plan):
    """Turn the integration role's registered results into a summary, an audit row, the key pair or vault values."""
    if kind not in KINDS:
        raise AnsibleFilterError("cw_integration_report kind must be one of %s, not %r." % (", ".join(KINDS), kind))
    if not isinstance(results, dict) or not isinstance(plan, dict) or not isinstance(plan.get("context"), dict):
        raise AnsibleFilterError("cw_integration_report needs a mapping of results and the result of msp.connectwise.cw_integration_plan.")
    missing = [key for key in CONTEXT_KEYS if key not in plan["context"]]
    if missing:
        raise AnsibleFilterError("cw_integration_report plan context lacks %s." % ", ".join(missing))
    return report(dict(results), kind, dict(plan["context"]), vault=dict(plan.get("vault") or {}), adopt=dict(plan.get("adopt") or {}))


class FilterModule:
    """Integration role report filters."""

    def filters(self):
        return {"cw_integration_report": cw_integration_report}
