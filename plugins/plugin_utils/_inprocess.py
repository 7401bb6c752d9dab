# -*- coding: utf-8 -*-
# Copyright: contributors to the msp.connectwise collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run an msp.connectwise module inside the controller process when the task targets the controller.

This module is internal to msp.connectwise: its names may change in any release and it is not
meant for use outside the collection.

A shipped module costs about half a second of start-up (AnsiballZ unpacking and importing
module_utils); these modules only talk HTTP, so when the task's connection is ``local`` the action
builds the arguments exactly as ``_execute_module`` would, serialises them the way that
ansible-core's ``modify_module`` does (2.19+: the module's serialization profile; 2.17/2.18:
``AnsibleJSONEncoder`` with vaulted values as plaintext), runs the module's ``main()`` with
``basic._ANSIBLE_ARGS`` (and on 2.19+ ``basic._ANSIBLE_PROFILE``) set, captures what it prints and
parses that with ``_parse_returned_data``, the same code that parses a shipped module's answer. Any
other target (remote hosts, become, async) gets the ordinary shipped module. Set the variable
``msp_connectwise_in_process: false`` to force shipping.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import traceback

from ansible.module_utils import basic
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash
from ansible.vars.clean import remove_internal_keys

try:  # ansible-core 2.19+: modules get their arguments through a serialization profile
    from ansible.module_utils.common.json import Direction, get_module_encoder
    AnsibleJSONEncoder = None  # deprecated there; the profile's encoder replaces it
except ImportError:  # ansible-core 2.17/2.18
    Direction = get_module_encoder = None
    from ansible.module_utils.common.json import AnsibleJSONEncoder

PROFILE = "legacy"  # the serialization profile of modules without metadata, which ours are
SWITCH = "msp_connectwise_in_process"
# The modules run in-process by the actions (cw_integration_plan is documentation only, cw_vault_write an action).
MODULES = ("cw_api_key", "cw_api_key_info", "cw_api_member", "cw_api_member_info", "cw_credential_check",
           "cw_integrator_login", "cw_integrator_login_info", "cw_security_role", "cw_security_role_info")


def preload_modules():
    """Import the modules and their HTTP client (requests, urllib3) into this process.

    Every action of the collection imports this file, and the controller loads a task's action class before it
    forks the task's worker (the strategy asks the class whether it bypasses the host loop). Imported here, the
    modules are inherited by every worker instead of imported afresh in each - about half of a converged
    tenant's plan step. A module that cannot be imported here fails in the task that runs it, with its own message.
    """
    for name in MODULES:
        try:
            importlib.import_module("ansible_collections.msp.connectwise.plugins.modules." + name)
        except Exception:  # pylint: disable=broad-except
            pass


preload_modules()


# 2.19+ keeps the module's serialization profile next to its arguments; older cores know no profiles,
# and their _parse_returned_data() takes the result alone.
PROFILED = get_module_encoder is not None and hasattr(basic, "_ANSIBLE_PROFILE")


def serialise_module_args(module_args):
    """The ``ANSIBLE_MODULE_ARGS`` JSON bytes that ansible-core's ``modify_module`` would ship."""
    params = {"ANSIBLE_MODULE_ARGS": module_args}
    if PROFILED:
        return json.dumps(params, cls=get_module_encoder(PROFILE, Direction.CONTROLLER_TO_MODULE)).encode("utf-8")
    return json.dumps(params, cls=AnsibleJSONEncoder, vault_to_text=True).encode("utf-8")


@contextlib.contextmanager
def module_input(payload):
    """Hand ``payload`` to ``AnsibleModule`` as AnsiballZ does, and restore the previous state afterwards."""
    names = ("_ANSIBLE_ARGS", "_ANSIBLE_PROFILE") if PROFILED else ("_ANSIBLE_ARGS",)
    values = (payload, PROFILE) if PROFILED else (payload,)
    saved = [getattr(basic, name) for name in names]
    try:
        for name, value in zip(names, values):
            setattr(basic, name, value)
        yield
    finally:
        for name, value in zip(names, saved):
            setattr(basic, name, value)


def in_process_possible(action, task_vars):
    """Whether ``action``'s task may run an msp.connectwise module inside this process (see the module docstring)."""
    wanted = task_vars.get(SWITCH, True)
    if isinstance(wanted, str) and "{" in wanted:
        wanted = action._templar.template(wanted)
    if not boolean(wanted, strict=False):
        return False
    # the task's environment would not reach an in-process module; ansible-core hands an unset environment
    # over as [{}] (a list holding one empty mapping), which must not count as one
    environment = [entry for entry in (action._task.environment or []) if entry]
    return (action._connection.transport == "local" and not action._play_context.become
            and not action._task.async_val and not environment)


def run_module(action, fqcn, module_args, task_vars, check_mode=None):
    """Run the module ``fqcn`` with ``module_args`` in this process for ``action``'s task; returns its parsed result.

    ``check_mode`` overrides the task's check mode (a read-only run of a module on behalf of another step).
    """
    module_args = dict(module_args)
    action._update_module_args(fqcn, module_args, task_vars)
    if check_mode is not None:
        module_args["_ansible_check_mode"] = bool(check_mode)
    payload = serialise_module_args(module_args)
    namespace, collection, short = fqcn.split(".", 2)
    code = importlib.import_module("ansible_collections.%s.%s.plugins.modules.%s" % (namespace, collection, short))

    stdout = io.StringIO()
    rc = 0
    try:
        with module_input(payload), contextlib.redirect_stdout(stdout):
            code.main()
    except SystemExit as exc:
        rc = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except Exception as exc:  # pylint: disable=broad-except
        return {"failed": True, "msg": "MODULE FAILURE: %s (in-process run of %s)" % (exc, fqcn),
                "exception": traceback.format_exc(), "rc": 1}

    res = {"stdout": stdout.getvalue(), "stderr": "", "rc": rc}
    data = action._parse_returned_data(res, PROFILE) if PROFILED else action._parse_returned_data(res)
    data.pop("_ansible_suppress_tmpdir_delete", None)
    remove_internal_keys(data)
    return data


class InProcessModuleAction(ActionBase):
    """Action plugin shared by every msp.connectwise module."""

    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        del tmp
        if in_process_possible(self, task_vars):
            return merge_hash(result, run_module(self, self.module_fqcn(), self._task.args, task_vars))
        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = merge_hash(result, self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def module_fqcn(self):
        name = getattr(self._task, "resolved_action", None) or self._task.action
        if name.count(".") < 2:
            name = "msp.connectwise." + name.rsplit(".", 1)[-1]
        return name
