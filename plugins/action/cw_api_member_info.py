# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs cw_api_member_info in the controller process when the task targets the controller; ships it otherwise."""

from __future__ import annotations

from ansible_collections.msp.connectwise.plugins.plugin_utils._inprocess import InProcessModuleAction


class ActionModule(InProcessModuleAction):
    """See plugins/plugin_utils/_inprocess.py."""
