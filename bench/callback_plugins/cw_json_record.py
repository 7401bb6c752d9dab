# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Record every task result as JSON lines (for the benchmarks and the secret-hygiene tests).

ansible-core ships no JSON callback (ansible.posix.json is not a dependency of this collection), so the
benchmarks count module tasks with this one and the hygiene tests use it as "a JSON callback": it writes
what a JSON callback would see, one JSON object per host and task, to the file named by
``CW_JSON_RECORD``.
"""

from __future__ import annotations

DOCUMENTATION = """
name: cw_json_record
type: aggregate
short_description: Record every task result as JSON lines
description:
  - Writes one JSON object per host and task to the file named by the environment variable C(CW_JSON_RECORD).
requirements:
  - enable in the callbacks_enabled setting
"""

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    """Append one JSON line per task result."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "cw_json_record"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.path = os.environ.get("CW_JSON_RECORD")

    def _record(self, result, status):
        if not self.path:
            return
        data = getattr(result, "result", None)
        if data is None:
            data = result._result  # pylint: disable=protected-access
        task = getattr(result, "task", None) or result._task  # pylint: disable=protected-access
        host = getattr(result, "host", None) or result._host  # pylint: disable=protected-access
        line = {"host": host.get_name(), "task": task.get_name(), "action": task.action, "status": status,
                "result": data}
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, default=str) + "\n")

    def v2_runner_on_ok(self, result, *args, **kwargs):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, *args, **kwargs):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result, *args, **kwargs):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result, *args, **kwargs):
        self._record(result, "unreachable")

    def v2_runner_item_on_ok(self, result, *args, **kwargs):
        self._record(result, "item_ok")

    def v2_runner_item_on_failed(self, result, *args, **kwargs):
        self._record(result, "item_failed")
