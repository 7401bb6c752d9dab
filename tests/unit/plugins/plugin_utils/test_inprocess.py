# -*- coding: utf-8 -*-
# Copyright (c) msp.connectwise contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The in-process module run on whichever ansible-core runs the tests (2.17, 2.18 or 2.19)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import pathlib
from unittest.mock import MagicMock

import pytest
import yaml

from ansible.module_utils import basic
from ansible.parsing import vault as core_vault
from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultLib, VaultSecret
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task

from ansible_collections.msp.connectwise.plugins.plugin_utils import _inprocess

MARKER = 'company-7f3a91'
COLLECTION = pathlib.Path(__file__).resolve().parents[4]
PARITY_TASKS = COLLECTION / 'tests' / 'integration' / 'targets' / 'inprocess_parity' / 'tasks' / 'surface.yml'
SECRETS = [('default', VaultSecret(b'unit-test-password'))]
VaultSecretsContext = getattr(core_vault, 'VaultSecretsContext', None)  # 2.19+


def vaulted(text, monkeypatch):
    """``text`` as a ``!vault`` value the way this core's loader hands it to a task."""
    if VaultSecretsContext is not None:  # 2.19+ EncryptedString decrypts through the context
        monkeypatch.setattr(VaultSecretsContext, '_current', VaultSecretsContext(SECRETS))
    loader = DataLoader()
    loader.set_vault_secrets(SECRETS)
    cipher = VaultLib(SECRETS).encrypt(text, secret=SECRETS[0][1]).decode()
    value = loader.load('v: !vault |\n  %s\n' % cipher.replace('\n', '\n  '))['v']
    assert value.__class__ is not str
    return value


def make_action(args, transport='local', become=False, environment=None):
    task = MagicMock(Task)
    task.args = args
    task.action = task.resolved_action = 'msp.connectwise.cw_security_role_info'
    task.check_mode = False
    task.diff = False
    task.async_val = 0
    task.no_log = False
    task.environment = [{}] if environment is None else environment
    connection = MagicMock()
    connection.transport = transport
    connection.become = None
    connection.socket_path = None
    connection._shell.tmpdir = None
    connection._shell.get_option.return_value = '~/.ansible/tmp'
    play_context = PlayContext()
    play_context.become = become
    return _inprocess.InProcessModuleAction(task, connection, play_context, loader=DataLoader(), templar=None,
                                            shared_loader_obj=None)


def test_profile_handling_matches_the_core():
    """2.19+ hands modules a serialization profile; 2.17/2.18 have none, and the action must not set one."""
    assert _inprocess.PROFILED is hasattr(basic, '_ANSIBLE_PROFILE')


@pytest.mark.parametrize('transport, become, environment, expected', [
    ('local', False, [{}], True),
    ('local', False, [], True),
    ('local', True, [{}], False),
    ('ssh', False, [{}], False),
    ('local', False, [{'HTTPS_PROXY': 'http://proxy:3128'}], False),
])
def test_in_process_only_where_a_shipped_module_would_run_the_same(transport, become, environment, expected):
    action = make_action({}, transport=transport, become=become, environment=environment)
    assert _inprocess.in_process_possible(action, {}) is expected
    assert _inprocess.in_process_possible(action, {_inprocess.SWITCH: False}) is False


def test_module_runs_in_process_with_vaulted_arguments_as_plaintext(monkeypatch):
    args = {'site': 'cw.example.invalid', 'company_id': vaulted(MARKER, monkeypatch), 'public_key': 'pub',
            'private_key': 'PRIVATE-7f3a91', 'client_id': 'client', 'timeout': 'not-a-number'}
    saved = basic._ANSIBLE_ARGS, getattr(basic, '_ANSIBLE_PROFILE', None)

    action = make_action(args)
    result = _inprocess.run_module(action, action.module_fqcn(), args, {})

    # argument validation fails before any request: the module got its arguments and answered through exit/fail_json
    assert result['failed'] is True
    assert 'timeout' in result['msg'] and 'float' in result['msg']
    assert 'MODULE FAILURE' not in result['msg']
    module_args = result['invocation']['module_args']
    assert module_args['company_id'] == MARKER and module_args['company_id'].__class__ is str
    assert module_args['private_key'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert 'PRIVATE-7f3a91' not in repr(result)
    assert result['_ansible_parsed'] is True, "parsed by this core's _parse_returned_data"
    assert '_ansible_suppress_tmpdir_delete' not in result
    assert (basic._ANSIBLE_ARGS, getattr(basic, '_ANSIBLE_PROFILE', None)) == saved


def test_check_mode_can_be_forced_for_a_read_only_run(monkeypatch):
    """The plan step confirms a converged tenant by running the onboard steps' modules in check mode."""
    seen = {}
    action = make_action({})
    original = action._update_module_args

    def spy(name, module_args, task_vars):
        original(name, module_args, task_vars)
        seen['before'] = module_args['_ansible_check_mode']
    monkeypatch.setattr(action, '_update_module_args', spy)
    monkeypatch.setattr(_inprocess, 'serialise_module_args', lambda module_args: seen.update(args=module_args) or b'{}')
    _inprocess.run_module(action, 'msp.connectwise.cw_security_role_info', {'name': 'x'}, {}, check_mode=True)
    assert seen['before'] is False and seen['args']['_ansible_check_mode'] is True
    assert seen['args']['name'] == 'x'


def in_process_modules():
    """Short names of the modules whose action plugin runs them through ``InProcessModuleAction``."""
    names = set()
    for path in sorted((COLLECTION / 'plugins' / 'action').glob('cw_*.py')):
        plugin = importlib.import_module('ansible_collections.msp.connectwise.plugins.action.' + path.stem)
        if issubclass(plugin.ActionModule, _inprocess.InProcessModuleAction):
            names.add(path.stem)
    return names


def parity_compared_modules():
    """Short names of the modules in the inprocess_parity tasks whose registered runs compare.yml compares."""
    tasks = yaml.safe_load(PARITY_TASKS.read_text(encoding='utf-8'))
    cases = [task['vars']['cases'] for task in tasks if task.get('ansible.builtin.include_tasks') == 'compare.yml']
    compared = set(case['runs'] for case in cases[0])
    names = set()
    for task in [inner for outer in tasks for inner in outer.get('block', [])]:
        if task.get('register') in compared:
            names.update(key.rsplit('.', 1)[-1] for key in task if key.startswith('msp.connectwise.'))
    return names


def test_every_in_process_module_has_a_parity_case():
    modules = in_process_modules()
    assert 'cw_api_member' in modules and 'cw_vault_write' not in modules
    assert parity_compared_modules() == modules


def fresh_interpreter(probe):
    """The lines that the Python source ``probe`` prints in a new interpreter that finds this collection."""
    path = os.pathsep.join(filter(None, [str(COLLECTION.parents[2])] + sys.path))
    return subprocess.run([sys.executable, '-c', probe], check=True, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=path)).stdout.splitlines()


def test_every_in_process_module_is_loaded_with_the_actions():
    # what the controller imports once when it loads an action class, every forked worker inherits
    assert set(_inprocess.MODULES) == in_process_modules()
    probe = ("import sys\n"
             "import ansible_collections.msp.connectwise.plugins.action.cw_api_key_info\n"
             "print(sorted(name.rsplit('.', 1)[1] for name in sys.modules if '.connectwise.plugins.modules.' in name))\n"
             "print('requests' in sys.modules)\n")
    out = fresh_interpreter(probe)
    assert out == [str(sorted(_inprocess.MODULES)), 'True']


def test_the_roles_argument_spec_is_parsed_with_the_plan_action():
    # the plan step's workers inherit the parsed spec of the collection's role instead of parsing it each
    probe = ("import os\n"
             "from ansible_collections.msp.connectwise.plugins.action import cw_integration_plan as plan\n"
             "print([os.path.basename(path) for path, dummy in plan.ARGUMENT_SPECS])\n"
             "print(sorted(plan.argument_specs(plan.SHIPPED_ARGUMENT_SPECS)))\n")
    out = fresh_interpreter(probe)
    assert out == [str(['argument_specs.yml']), str(['audit', 'fleet', 'main', 'offboard', 'rotate'])]
