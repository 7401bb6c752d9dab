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
import stat

import yaml

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.msp.connectwise.plugins.action.cw_vault_write import (
    ARGUMENT_SPEC as VAULT_WRITE_SPEC, SAFE_LOADER, entry_changes, loaded_vault_secrets, parse_mode, read_vault_file,
    select_encrypt_secret, to_builtin, unwritable_reason)
from ansible_collections.msp.connectwise.plugins.plugin_utils._inprocess import in_process_possible, run_module
from ansible_collections.msp.connectwise.plugins.plugin_utils._integration import (
    MEMBER_REFERENCES, converged_candidate, integration_item, key_pair, ownership_problems, plan, preflight_reads, report,
    settled, vault_values)

display = Display()

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
    entries=dict(type='list', elements='raw'),
    vault_id=TEXT,
    vault_writable=dict(type='bool', default=False),
    # the modules' connection options, for the reads this step makes
    connection=dict(type='dict', default={}, no_log=True),
    preflight=dict(type='str', default='none', choices=['none', 'onboard', 'rotate', 'offboard', 'audit', 'fleet']),
    # how the audit and the converged check compare the role's cells with the profile
    role_mode=dict(type='str', default='exact', choices=['merge', 'exact']),
    # the entry point of the task's role whose argument spec the role's variables are checked against
    role_arguments=TEXT,
    # what a converged onboard run's steps need besides the plan
    confirm_converged=dict(type='dict', options=dict(
        verify=dict(type='str', required=True),
        member_email=TEXT,
        member_notes=TEXT,
        remove_replaced_keys=dict(type='bool', default=False),
    )),
)
# the options a task with role_arguments takes from the role's variable integration_<option> unless it sets them
ROLE_VARIABLE_OPTIONS = ('company_id', 'site', 'profile', 'profile_file', 'profile_name', 'role_name', 'member_identifier',
                         'member_name', 'key_description', 'integrator_login', 'integrator_username', 'adopt_public_key',
                         'adopt_private_key', 'adopt_existing', 'vault_file', 'vault_namespace', 'vault_prefix', 'vault_id',
                         'role_mode')
# the connection options (the modules' common options) a task with role_arguments takes from the role's variables;
# an empty api_version or ca_path is left out, as the modules' defaults apply then
CONNECTION_VARIABLES = (('site', 'integration_site'), ('company_id', 'integration_company_id'),
                        ('client_id', 'integration_client_id'), ('public_key', 'integration_bootstrap_public_key'),
                        ('private_key', 'integration_bootstrap_private_key'), ('codebase', 'integration_codebase'),
                        ('api_version', 'integration_api_version'), ('validate_certs', 'integration_validate_certs'),
                        ('ca_path', 'integration_ca_path'), ('timeout', 'integration_timeout'),
                        ('retries', 'integration_retries'))
# what a task with role_arguments reads in ConnectWise before anything is written, per entry point of the role
ENTRY_POINT_PREFLIGHT = dict(main='onboard', rotate='rotate', offboard='offboard', audit='audit', fleet='fleet')
# the role's variables of the onboard entry point that its converged check needs besides the plan
CONFIRM_CONVERGED_VARIABLES = (('verify', 'integration_verify'), ('member_email', 'integration_member_email'),
                               ('member_notes', 'integration_member_notes'),
                               ('remove_replaced_keys', 'integration_remove_replaced_keys'))
# what the audit and fleet reads are called in a failure's sentence
READ_LABELS = dict(role='security role', member_info='API member', keys="member's API keys", members='API members',
                   roles='security roles')
# the role's vault step writes with cw_vault_write's default mode
VAULT_FILE_MODE = parse_mode(VAULT_WRITE_SPEC['mode']['default'])


# the argument specs of roles by file, parsed once per process and version of the file; the collection's own role's
# is parsed when the controller loads this action, before it forks the plan step's workers, which inherit it (as they
# inherit the modules, see _inprocess.preload_modules)
ARGUMENT_SPECS = {}
SHIPPED_ARGUMENT_SPECS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                      'roles', 'integration', 'meta', 'argument_specs.yml')


def argument_specs(path):
    """The ``argument_specs`` mapping of the role's meta/argument_specs.yml at ``path``."""
    key = (os.path.realpath(path), os.stat(path).st_mtime_ns)
    if key not in ARGUMENT_SPECS:
        with open(path, 'rb') as handle:
            ARGUMENT_SPECS[key] = yaml.load(handle, Loader=SAFE_LOADER)['argument_specs']
    return ARGUMENT_SPECS[key]


try:
    argument_specs(SHIPPED_ARGUMENT_SPECS)
except (OSError, KeyError, TypeError, yaml.YAMLError):
    pass  # the task that reads it names the problem


def plain_value(value):
    """``value`` as builtins where it converts (see cw_vault_write's ``to_builtin``), else as it is."""
    try:
        return to_builtin(value, 'a role variable')
    except AnsibleActionFail:
        return value


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        super(ActionModule, self).run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        task_vars = task_vars or {}
        # before this step's own options, which the role's variables feed: the message names the role's variable
        if self._task.args.get('role_arguments'):
            variables = self._role_variables(self._task.args['role_arguments'], task_vars)
            taken = dict((option, variables['integration_' + option]) for option in ROLE_VARIABLE_OPTIONS
                         if 'integration_' + option in variables)
            taken['member_references'] = dict((name, variables['integration_member_' + name]) for name in MEMBER_REFERENCES
                                              if 'integration_member_' + name in variables)
            taken['tenant'] = task_vars.get('inventory_hostname')
            taken['connection'] = dict((option, variables[name]) for option, name in CONNECTION_VARIABLES
                                       if name in variables and (variables[name] or option not in ('api_version', 'ca_path')))
            # the onboard entry point plans every integration of the tenant at once; the others the one they are given
            taken['entries'] = variables['integration_entries'] if 'integration_entries' in variables else [variables.get('integration_entry', '')]
            entry_point = self._task.args['role_arguments']
            taken['preflight'] = ENTRY_POINT_PREFLIGHT.get(entry_point, 'none')
            # onboard and rotate write the vault file; offboard removes entries from the one there is; audits only read
            taken['vault_writable'] = entry_point in ('main', 'rotate') or (
                entry_point == 'offboard' and os.path.isfile(str(variables.get('integration_vault_file') or '')))
            if entry_point == 'main':
                taken['confirm_converged'] = dict((option, variables[name]) for option, name in CONFIRM_CONVERGED_VARIABLES)
            self._task.args = dict(taken, **self._task.args)
        try:
            dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        except AnsibleError as exc:
            # the spec's no_log option is masked by the validator; nothing else here is secret
            raise AnsibleActionFail('Invalid arguments for cw_integration_plan: %s' % exc.message) from None
        unknown = sorted(set(args['member_references']) - set(MEMBER_REFERENCES))
        if unknown:
            raise AnsibleActionFail('member_references takes %s, not %s.' % (', '.join(MEMBER_REFERENCES), ', '.join(unknown)))

        if args['entries'] is not None and args['integration'] not in (None, ''):
            raise AnsibleActionFail('Give integration (one entry) or entries (a list of them), not both.')
        path = args['vault_file']
        secrets = loaded_vault_secrets(self._loader)
        vault = read_vault_file(path, secrets) if os.path.isabs(path) and os.path.isfile(path) else {}
        plans = []
        for entry in ([args['integration']] if args['entries'] is None else args['entries'] or ['']):
            problems, item = integration_item(entry)
            if problems:
                raise AnsibleActionFail(problems[0])
            if item.get('profile') or item.get('profile_file'):
                profile = self._load_profile(item.get('profile_file'), item.get('profile'))
            else:
                profile = args['profile'] or self._load_profile(args['profile_file'], args['profile_name'])
            problems, result = plan(dict(args, item=item, check_mode=self._task.check_mode), profile, vault)
            if problems:
                raise AnsibleActionFail(' '.join(problems))
            plans.append(result)
            # the entries after it see its claim, as they would once its run wrote it: two entries never take one member
            vault = dict(vault, **result['ownership_entries'])
        if args['vault_writable']:
            # the run's last step writes the file: a key is never made when its secret could not be stored
            select_encrypt_secret(secrets, args['vault_id'] or None)
            problem = unwritable_reason(path)
            if problem:
                raise AnsibleActionFail('Cannot write the vault file %s: %s; nothing was written.' % (path, problem))
        omit = task_vars.get('omit')
        # as module_defaults hand them on: an omitted option is left out (2.17/2.18 keep its placeholder in a mapping)
        connection = dict((name, value) for name, value in args['connection'].items() if value is not None and value != omit)
        # every entry's lookups and ownership refusals come before any entry's converged check or write
        for result in plans:
            if args['preflight'] in ('audit', 'fleet'):
                result[args['preflight']] = self._audit(result, args['preflight'], args['role_mode'], connection, task_vars)
                continue
            result['lookups'] = self._preflight(result, args['preflight'], connection, task_vars)
        for result in plans:
            result['converged'] = self._converged(
                result, dict(args['confirm_converged'], role_mode=args['role_mode']), connection, task_vars) if args['confirm_converged'] else {}
            # the summary of a confirmed integration: its steps do not run as tasks to make it
            result['summary'] = report(result['converged'], 'summary', result['context'], result['vault'], result['adopt']) if result['converged'] else {}
        # the plans hold the vault file's secrets: hidden from every callback, kept for the registered variable
        outcome = dict(plans[0]) if args['entries'] is None else dict(
            plans=plans, pending=[position for position, result in enumerate(plans) if not result['converged']],
            summaries=[result['summary'] for result in plans if result['converged']])
        # the steps' module_defaults: the connection with the codebase this step found
        return dict(outcome, connection=dict(connection, codebase=connection.get('codebase') or ''), changed=False,
                    _ansible_no_log=True)

    def _role_variables(self, entry_point, task_vars):
        """The role's variables, checked against the argument spec of its ``entry_point`` as the validation task that
        ansible-core puts in front of a role would (the entry points' playbooks import the role without that task, one
        task per tenant fewer); the values of no_log variables are masked in the message. Returns the variables of the
        spec as it validated them and the others this step takes (see ROLE_VARIABLE_OPTIONS) as they are."""
        path = os.path.join(task_vars.get('role_path') or '', 'meta', 'argument_specs.yml')
        try:
            spec = argument_specs(path)[entry_point].get('options') or {}
        except (OSError, KeyError, TypeError, AttributeError, yaml.YAMLError) as exc:
            raise AnsibleActionFail('role_arguments=%s needs the argument spec of that entry point in the meta/argument_specs.yml '
                                    'of the role running this task (%s): %s' % (entry_point, path, exc)) from None
        wanted = set(spec) | set('integration_' + option for option in ROLE_VARIABLE_OPTIONS) | set(
            'integration_member_' + name for name in MEMBER_REFERENCES) | set(name for dummy, name in CONNECTION_VARIABLES)
        wanted.add('integration_entry')
        values = self._templar.template(dict((name, task_vars[name]) for name in wanted if name in task_vars))
        # plain values read better in the validator's messages than the types that carry 2.19's data tags
        values = dict((name, plain_value(value)) for name, value in values.items())
        checked = ArgumentSpecValidator(spec).validate(dict((name, value) for name, value in values.items() if name in spec),
                                                       validate_role_argument_spec=True)
        if checked.error_messages:
            secrets = sorted((str(values[name]) for name in spec if spec[name].get('no_log') and values.get(name)), key=len, reverse=True)
            messages = []
            for message in checked.error_messages:
                for secret in secrets:
                    message = message.replace(secret, '********')
                messages.append(message)
            raise AnsibleActionFail("The role's variables do not match its argument spec (entry point %s): %s"
                                    % (entry_point, ' '.join(messages)))
        return dict(values, **checked.validated_parameters)

    def _module(self, name, args, connection, task_vars, check_mode=None):
        """Run the module ``name`` with the connection options; in this process where it may, else shipped."""
        fqcn = 'msp.connectwise.' + name
        if in_process_possible(self, task_vars):
            outcome = run_module(self, fqcn, dict(connection, **args), task_vars, check_mode=check_mode)
        else:
            # a shipped module takes check mode from the task
            task_check_mode = self._task.check_mode
            self._task.check_mode = task_check_mode if check_mode is None else check_mode
            try:
                outcome = self._execute_module(module_name=fqcn, module_args=dict(connection, **args), task_vars=task_vars)
            finally:
                self._task.check_mode = task_check_mode
            self._remove_tmp_path(self._connection._shell.tmpdir)
        connection['codebase'] = connection.get('codebase') or outcome.get('codebase') or ''
        return outcome

    def _preflight(self, result, entry_point, connection, task_vars):
        """The entry point's reads before anything is written: the API member (and its placement names) and a role
        of the integration's name, and the refusal to take over either when msp.connectwise did not make it."""
        want_member, want_role = preflight_reads(result, entry_point)
        lookups = {}
        if entry_point == 'onboard' and result['login_mode'] == 'check':
            # a missing login is reported as a manual action at the end of the run, not a failure here
            lookups['login_check'] = self._module('cw_integrator_login_info', dict(
                username=result['context']['integrator_username'] or None), connection, task_vars)
        if entry_point == 'onboard' and result['context']['has_adopt_pair']:
            # a pair that does not authenticate stops the run before it writes anything
            lookups['adopt_check'] = self._module('cw_credential_check', dict(
                public_key=result['adopt']['public_key'], private_key=result['adopt']['private_key']), connection, task_vars)
        if want_member:
            lookups['member_info'] = self._module('cw_api_member_info', dict(
                identifier=result['member_identifier'], resolve=result['member_references'] if entry_point == 'onboard' else {}),
                connection, task_vars)
        if want_role:
            lookups['role_info'] = self._module('cw_security_role_info', dict(name=result['role_name'], include_settings=False),
                                                connection, task_vars)
        for outcome in lookups.values():
            if outcome.get('failed'):
                raise AnsibleActionFail(outcome.get('msg') or 'The lookup before the first write failed.')
        problems = ownership_problems(dict(lookups, require_member=entry_point == 'rotate'), result['context'], result['vault'])
        if problems:
            raise AnsibleActionFail(' '.join(problems))
        return lookups

    def _audit(self, result, kind, role_mode, connection, task_vars):
        """The audit row of one integration (no secrets): the role compared with the profile in check mode, the member,
        its keys' metadata, and the vaulted key authenticated and its permissions compared. Or, for ``kind`` fleet,
        the tenant's row: every API member with its keys' metadata, and the security roles. Reads only; a vaulted
        key that fails the check is a finding of the row, a read that fails stops the tenant."""
        context, stored = result['context'], result['stored']
        reads = {}

        def read(step, name, args, check_mode=None):
            outcome = self._module(name, args, connection, task_vars, check_mode=check_mode)
            if outcome.get('failed') and step != 'verified':
                raise AnsibleActionFail('%s (%s, integration %s): reading the %s failed: %s' % (
                    context['tenant'], context['company_id'], context['namespace'], READ_LABELS[step],
                    outcome.get('msg') or 'see the output above'))
            for warning in outcome.get('warnings') or []:
                display.warning(warning)
            reads[step] = outcome
            return outcome

        if kind == 'fleet':
            read('members', 'cw_api_member_info', dict(include_keys=True))
            read('roles', 'cw_security_role_info', dict(include_settings=False))
            return report(dict(reads, bootstrap_public_key=connection.get('public_key')), 'fleet', context, result['vault'])
        read('role', 'cw_security_role', dict(name=result['role_name'], role_type=result['role_type'] or None,
                                              permissions=result['permissions'], mode=role_mode, on_unsupported='warn'),
             check_mode=True)
        if read('member_info', 'cw_api_member_info', dict(identifier=result['member_identifier'])).get('api_members'):
            read('keys', 'cw_api_key_info', dict(member=result['member_identifier'], description=result['key_description']))
        if stored['public_key'] and stored['private_key']:
            read('verified', 'cw_credential_check', dict(
                public_key=stored['public_key'], private_key=stored['private_key'], expected_member=result['member_identifier'],
                required_permissions=result['permissions'], exact=role_mode == 'exact',
                probe_paths=result['profile'].get('verify') or [], probe=True))
        return report(reads, 'audit', context, result['vault'])

    def _converged(self, result, options, connection, task_vars):
        """The registered results of an onboard run's steps when none of them would change anything, else ``{}``.

        A re-run of a converged tenant is most runs: its steps' modules run here, in check mode and in this process,
        in the role's order and with the role's arguments; the first step that would change something (or fails,
        or needs a person) ends the check, and the role then runs its steps as tasks. Only a tenant whose vault file
        already names the member and the role and holds the key qualifies, so the ownership, adopt and claim steps
        have nothing to do.
        """
        context = result['context']
        if not (converged_candidate(result) and in_process_possible(self, task_vars)):
            return {}
        warnings = []

        def step(name, args):
            outcome = self._module(name, args, connection, task_vars, check_mode=True)
            warnings.extend(outcome.get('warnings') or [])
            return outcome if settled(outcome) else None

        steps = {}
        if result['login_mode'] == 'check':
            steps['login_check'] = result['lookups']['login_check']
            warnings.extend(steps['login_check'].get('warnings') or [])
            if not settled(steps['login_check']) or not steps['login_check'].get('exists'):
                return {}
        steps['role'] = step('cw_security_role', dict(
            name=result['role_name'], role_type=result['role_type'] or None, permissions=result['permissions'],
            mode=options['role_mode'], on_unsupported='warn'))
        if not steps['role'] or steps['role'].get('guided') or steps['role']['role'].get('id') is None:
            return {}
        steps['member'] = step('cw_api_member', dict(
            identifier=result['member_identifier'], name=result['member_name'], email=options['member_email'] or None,
            security_role=str(steps['role']['role']['id']), notes=options['member_notes'] or None, inactive=False))
        if not steps['member']:
            return {}
        steps['key'] = step('cw_api_key', dict(
            member=result['member_identifier'], description=result['key_description'], stored=result['stored'],
            on_unsupported='warn'))
        if not steps['key'] or steps['key'].get('decision') == 'needs_action' or (
                options['remove_replaced_keys'] and steps['key'].get('replaced_keys')):
            return {}
        pair = key_pair(steps['key'], result['stored'], result['adopt'])
        # the names came through templating: tagged strings, which the comparison (a YAML dump) takes as builtins
        wanted = to_builtin(vault_values(pair, context, result['vault']), 'the vault values')
        if (not pair['private_key'] or any(entry_changes(result['vault'], wanted))
                or stat.S_IMODE(os.stat(context['vault_file']).st_mode) != VAULT_FILE_MODE):
            return {}
        steps['vault'] = dict(changed=False, path=context['vault_file'], added=[], updated=[], removed=[])
        if options['verify'] != 'skip':
            steps['verified'] = step('cw_credential_check', dict(
                public_key=pair['public_key'], private_key=pair['private_key'], expected_member=result['member_identifier'],
                required_permissions=result['permissions'], exact=options['role_mode'] == 'exact',
                probe_paths=result['profile'].get('verify') or [], probe=options['verify'] == 'full'))
            if not steps['verified']:
                return {}
        # the tasks these results stand for would have shown their warnings
        for warning in dict.fromkeys(warnings):
            display.warning(warning)
        return steps

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
                profile = yaml.load(handle.read().decode('utf-8'), Loader=SAFE_LOADER)  # nosec: the safe loader
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
