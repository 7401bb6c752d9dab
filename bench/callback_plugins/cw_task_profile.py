# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-task profile of a run: how many hosts ran or skipped each task and how long the task took.

Like ansible.posix.profile_tasks (not a dependency of this collection), a task's time runs from its start to the
next task's start, across all hosts, so the shares add up to the run's task time. Written as JSON to the file
named by ``CW_TASK_PROFILE`` when the run ends.
"""

from __future__ import annotations

DOCUMENTATION = """
name: cw_task_profile
type: aggregate
short_description: Record per-task counts and times as JSON
description:
  - Writes {task name -> ran, skipped, seconds} to the file named by the environment variable C(CW_TASK_PROFILE).
requirements:
  - enable in the callbacks_enabled setting
"""

import collections
import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    """Count results and time each task."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "cw_task_profile"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.path = os.environ.get("CW_TASK_PROFILE")
        self.tasks = collections.defaultdict(lambda: {"ran": 0, "skipped": 0, "seconds": 0.0})
        self.current = None
        self.started = None

    def _close(self):
        if self.current is not None:
            self.tasks[self.current]["seconds"] += time.monotonic() - self.started
        self.current = None

    def _start(self, task):
        self._close()
        # a task name can repeat in different files; its path keeps them apart
        self.current = "%s (%s)" % (task.get_name(), os.path.basename(task.get_path() or "").split(":")[0])
        self.started = time.monotonic()

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._start(task)

    def v2_playbook_on_handler_task_start(self, task):
        self._start(task)

    def _count(self, result, key):
        task = getattr(result, "task", None) or result._task  # pylint: disable=protected-access
        name = "%s (%s)" % (task.get_name(), os.path.basename(task.get_path() or "").split(":")[0])
        self.tasks[name][key] += 1

    def v2_runner_on_ok(self, result, *args, **kwargs):
        self._count(result, "ran")

    def v2_runner_on_failed(self, result, *args, **kwargs):
        self._count(result, "ran")

    def v2_runner_on_skipped(self, result, *args, **kwargs):
        self._count(result, "skipped")

    def v2_playbook_on_stats(self, stats):
        self._close()
        if self.path:
            with open(self.path, "w", encoding="utf-8") as handle:
                json.dump(self.tasks, handle, indent=1)
