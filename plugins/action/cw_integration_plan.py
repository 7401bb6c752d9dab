# -*- coding: utf-8 -*-
# Copyright (c) msp.connectwise contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Controller-side action: load a permission profile and the tenant's vault file, check the names a run writes.

Documentation lives in the same-named stub ``plugins/modules/cw_integration_plan.py``; the derivation itself is the
pure ``plan()`` in ``plugin_utils/_integration.py``.
"""

from __future__ import annotations

import os

import yaml

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.plugins.action import ActionBase

from ansible_collections.msp.connectwise.plugins.action.cw_vault_write import (
    loaded_vault_secrets, read_vault_file, select_encrypt_secret, unwritable_reason)
from ansible_collections.msp.connectwise.plugins.plugin_utils._integration import MEMBER_REFERENCES, integration_item, plan

TEXT = dict(type='str', default='')

ARGUMENT_SPEC = dict(
    tenant=dict(type='str', required=True),
    company_id=dict(type='str', required=True),
    site=dict(type='str', required=True),
    profile=dict(type='dict', default={}),
    profile_file=TEXT,
    profile_name=TEXT,
    role_name=TEXT,
    member_identifier=TEXT,
    member_name=TEXT,
    key_description=TEXT,
    integrator_login=dict(type='str', default='', choices=['', 'check', 'ensure', 'skip']),
    integrator_username=TEXT,
    member_references=dict(type='dict', default={}),
    adopt_public_key=dict(type='str', default='', no_log=False),
    adopt_private_key=dict(type='str', default='', no_log=True),
    adopt_existing=dict(type='bool', default=False),
    vault_file=dict(type='str', required=True),
    vault_namespace=TEXT,
    vault_prefix=TEXT,
    integration=dict(type='raw'),
    vault_id=TEXT,
    vault_writable=dict(type='bool', default=False),
)


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        super(ActionModule, self).run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        try:
            dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        except AnsibleError as exc:
            # the spec's no_log option is masked by the validator; nothing else here is secret
            raise AnsibleActionFail('Invalid arguments for cw_integration_plan: %s' % exc.message) from None
        unknown = sorted(set(args['member_references']) - set(MEMBER_REFERENCES))
        if unknown:
            raise AnsibleActionFail('member_references takes %s, not %s.' % (', '.join(MEMBER_REFERENCES), ', '.join(unknown)))

        problems, item = integration_item(args['integration'])
        if problems:
            raise AnsibleActionFail(problems[0])
        if item.get('profile') or item.get('profile_file'):
            profile = self._load_profile(item.get('profile_file'), item.get('profile'))
        else:
            profile = args['profile'] or self._load_profile(args['profile_file'], args['profile_name'])
        path = args['vault_file']
        secrets = loaded_vault_secrets(self._loader)
        vault = read_vault_file(path, secrets) if os.path.isabs(path) and os.path.isfile(path) else {}
        problems, result = plan(dict(args, item=item, check_mode=self._task.check_mode), profile, vault)
        if problems:
            raise AnsibleActionFail(' '.join(problems))
        if args['vault_writable']:
            # the run's last step writes the file: a key is never made when its secret could not be stored
            select_encrypt_secret(secrets, args['vault_id'] or None)
            problem = unwritable_reason(path)
            if problem:
                raise AnsibleActionFail('Cannot write the vault file %s: %s; nothing was written.' % (path, problem))
        # the plan holds the vault file's secrets: hidden from every callback, kept for the registered variable
        return dict(result, changed=False, _ansible_no_log=True)

    def _load_profile(self, profile_file, profile_name):
        if profile_file:
            where = 'The profile file %s' % profile_file
            try:
                path = self._find_needle('files', profile_file)
            except AnsibleError:
                raise AnsibleActionFail('%s does not exist; set integration_profile_file to the path of a profile.' % where) from None
        else:
            where = 'The shipped profile %s' % profile_name
            try:
                path = self._find_needle('files', 'profiles/%s.yml' % profile_name)
            except AnsibleError:
                shipped = self._shipped_profiles()
                raise AnsibleActionFail('There is no shipped profile %r; set integration_profile_name to one of %s, or give '
                                        'integration_profile_file.' % (profile_name, ', '.join(shipped) or '(none found)')) from None
        try:
            with open(path, 'rb') as handle:
                profile = yaml.safe_load(handle.read().decode('utf-8'))
        except (OSError, UnicodeDecodeError) as exc:
            raise AnsibleActionFail('%s cannot be read: %s.' % (where, exc)) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, 'problem_mark', None)
            raise AnsibleActionFail('%s is not valid YAML%s.' % (where, ' near line %d' % (mark.line + 1) if mark else '')) from None
        return profile if profile is not None else {}

    def _shipped_profiles(self):
        role_path = getattr(getattr(self._task, '_role', None), '_role_path', None)
        folder = os.path.join(role_path, 'files', 'profiles') if role_path else ''
        if not os.path.isdir(folder):
            return []
        return sorted(name[:-4] for name in os.listdir(folder) if name.endswith('.yml'))
