# -*- coding: utf-8 -*-
# Copyright (c) msp.connectwise contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Controller-side action: merge named values into a whole-file vault-encrypted YAML vars file.

Documentation lives in the same-named stub ``plugins/modules/cw_vault_write.py``.

Security properties this file keeps (each pinned by a unit test):
  * plaintext only ever exists in memory; the temp file is created 0600 and only
    ever receives ciphertext, then is fsync'ed and renamed over the target;
  * values never appear in the result, the diff, a warning or an error message;
  * the vault secret is chosen from what the play loaded, never from task args.
"""

from __future__ import annotations

import datetime
import errno
import fcntl
import keyword
import os
import re
import stat

import yaml

from ansible import constants as C
from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.common.parameters import remove_values
from ansible.parsing.vault import VaultLib, is_encrypted
from ansible.plugins.action import ActionBase

try:  # 2.19+: the process-wide context that ansible-playbook initialises, and the vaulted string type.
    from ansible.parsing.vault import EncryptedString, VaultSecretsContext
except ImportError:  # 2.17/2.18: no context; a ``!vault`` value is an AnsibleVaultEncryptedUnicode
    from ansible.parsing.yaml.objects import AnsibleVaultEncryptedUnicode as EncryptedString
    VaultSecretsContext = None


MASK = '<masked>'

ARGUMENT_SPEC = dict(
    path=dict(type='path', required=True),
    values=dict(type='dict', no_log=True),
    keys=dict(type='list', elements='str', no_log=False),
    remove=dict(type='list', elements='str', default=[]),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    vault_id=dict(type='str'),
    mode=dict(type='raw', default='0600'),
)

REQUIRED_IF = [
    ('state', 'present', ('values',)),
    ('state', 'absent', ('keys', 'values'), True),
]


# libyaml's safe loader where PyYAML has one: every tenant's run parses its vault file (and profile) ten times faster
SAFE_LOADER = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)


def loaded_vault_secrets(loader):
    """Return the ``(label, VaultSecret)`` pairs the CLI loaded for this play.

    ansible-core offers no public accessor for this. The CLI hands its secrets to
    ``DataLoader.set_vault_secrets()``, which stores them on the private
    ``_vault`` (a ``VaultLib``; the same on 2.17, 2.18 and 2.19); 2.19 also publishes
    them through ``VaultSecretsContext``. Both are read defensively here, in one place, and
    ``test_loaded_vault_secrets_*`` pins the behaviour so an ansible-core change
    shows up as a failing unit test, not as a silently unencrypted file.
    """
    vault = getattr(loader, '_vault', None)
    secrets = getattr(vault, 'secrets', None)
    if secrets:
        return list(secrets)
    if VaultSecretsContext is not None:
        context = VaultSecretsContext.current(optional=True)
        if context is not None and context.secrets:
            return list(context.secrets)
    return []


def select_encrypt_secret(secrets, vault_id=None):
    """Pick the one ``(label, secret)`` to encrypt with, or raise AnsibleActionFail.

    Order: the explicit ``vault_id``, then ``vault_encrypt_identity`` from the
    configuration, then the only loaded secret. Several candidates are refused
    instead of silently taking the first one, which is what
    ``match_encrypt_secret()`` would do.
    """
    if not secrets:
        raise AnsibleActionFail(
            'No vault secrets are loaded; run the play with --vault-id, --vault-password-file '
            'or a configured vault_password_file/vault_identity_list.')
    labels = []
    for label, dummy in secrets:
        if label not in labels:
            labels.append(label)
    wanted = vault_id or C.DEFAULT_VAULT_ENCRYPT_IDENTITY
    if wanted:
        matches = [pair for pair in secrets if pair[0] == wanted]
        if not matches:
            source = 'vault_id' if vault_id else 'vault_encrypt_identity'
            raise AnsibleActionFail(
                'The vault id %r chosen by %s is not among the loaded vault ids (%s).' % (wanted, source, ', '.join(labels)))
        if len(matches) > 1:
            raise AnsibleActionFail(
                'Several vault secrets are loaded under the vault id %r, so the one to encrypt with is ambiguous.' % wanted)
        return matches[0]
    if len(secrets) > 1:
        raise AnsibleActionFail(
            'Several vault ids are loaded (%s); set vault_id or vault_encrypt_identity to choose the one to encrypt with.' % ', '.join(labels))
    return secrets[0]


def to_builtin(value, where):
    """Return ``value`` as plain builtins that ``yaml.safe_dump`` can write.

    2.19 data tagging hands action plugins str/dict subclasses, and values that
    came from ``!vault`` variables as ``EncryptedString`` or vault-tagged str;
    ``AnsibleDumper`` would write those back as inline ``!vault`` ciphertext.
    2.17/2.18 hand over ``AnsibleUnicode``/``AnsibleUnsafeText`` (str subclasses),
    ``AnsibleMapping``/``AnsibleSequence`` and, for ``!vault`` values,
    ``AnsibleVaultEncryptedUnicode``, which is no str at all.
    ``str()`` yields the plaintext, ``int()``/``float()``/``str()`` of a subclass drop the tags.
    """
    if value is None or type(value) in (str, int, float, bool):  # pylint: disable=unidiomatic-typecheck
        return value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, (str, EncryptedString)):
        return plain_str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value
    if isinstance(value, dict):
        return dict((to_builtin_key(k, where), to_builtin(v, '%s.%s' % (where, k))) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [to_builtin(item, '%s[%d]' % (where, idx)) for idx, item in enumerate(value)]
    raise AnsibleActionFail('The value of %s has the type %s, which cannot be stored in a vars file.' % (where, type(value).__name__))


def plain_str(value):
    """Exact ``str`` of a (possibly tagged or encrypted) string.

    ``str(EncryptedString)`` returns the plaintext as a *tagged* str subclass that
    still carries the ciphertext; ``str()`` of that subclass is an exact str. On older
    cores ``str(AnsibleVaultEncryptedUnicode)`` is the plaintext already.
    """
    text = str(value)
    while type(text) is not str:  # pylint: disable=unidiomatic-typecheck
        text = str.__str__(text)
    return text


def reveal_vaulted(value):
    """Copy of ``value`` with each 2.17/2.18 vault object (``__ENCRYPTED__``) replaced by its plaintext.

    Those cores' ``modify_module`` hands shipped modules the plaintext (``vault_to_text=True``); an
    action plugin gets the object itself. 2.19's ``EncryptedString`` is a str and is kept as it is.
    """
    if getattr(value, '__ENCRYPTED__', False):
        return plain_str(value)
    if isinstance(value, dict):
        return dict((key, reveal_vaulted(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [reveal_vaulted(item) for item in value]
    return value


def to_builtin_key(key, where):
    if isinstance(key, (str, EncryptedString)):
        return plain_str(key)
    if isinstance(key, (int, float, bool)) or key is None:
        return to_builtin(key, where)
    raise AnsibleActionFail('A key inside %s has the type %s, which cannot be stored in a vars file.' % (where, type(key).__name__))


def check_var_name(name):
    """Return an error sentence if ``name`` cannot be used as an Ansible variable, else None."""
    if not isinstance(name, str) or not name:
        return 'Every key must be a non-empty string.'
    if not name.isascii() or not name.isidentifier() or keyword.iskeyword(name):
        return 'The key %r is not a valid variable name (ASCII letters, digits and underscores, not starting with a digit).' % name
    return None


def parse_mode(raw):
    """Turn ``0600``/``'0600'``/``'600'``/384 into an int permission mode, or raise."""
    if isinstance(raw, bool):
        mode = None
    elif isinstance(raw, int):
        mode = raw
    else:
        text = str(raw).strip()
        text = text[2:] if text[:2].lower() == '0o' else text
        try:
            mode = int(text, 8) if text else None
        except ValueError:
            mode = None
    if mode is None or mode < 0 or mode > 0o777:
        raise AnsibleActionFail('The mode %r is not an octal permission between 0000 and 0777, for example 0600.' % (raw,))
    if not mode & stat.S_IRUSR or not mode & stat.S_IWUSR:
        raise AnsibleActionFail('The mode %s must let the owner read and write the file.' % format(mode, '04o'))
    if mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH):
        raise AnsibleActionFail('The mode %s must not make the vars file executable.' % format(mode, '04o'))
    return mode


def canonical(value):
    """Comparable form of a value: its sorted YAML dump, so 1 and true or 1 and 1.0 differ."""
    return yaml.safe_dump(value, sort_keys=True, default_flow_style=True)


def entry_changes(current, values, remove=()):
    """``(added, updated, removed)``: the names of the entries that writing ``values`` and removing ``remove`` change
    in the mapping ``current`` (``remove`` never names an entry of ``values``)."""
    added = [name for name in values if name not in current]
    updated = [name for name in values if name in current and canonical(current[name]) != canonical(values[name])]
    return added, updated, [name for name in remove if name in current]


def masked_listing(data, marks=None):
    """YAML-ish listing of ``data``'s top-level keys with every value masked."""
    marks = marks or {}
    lines = []
    for key in data:
        suffix = marks.get(key)
        lines.append('%s: %s%s' % (key, MASK, ' (%s)' % suffix if suffix else ''))
    return '\n'.join(lines) + ('\n' if lines else '')


def yaml_error_sentence(path, exc):
    """Describe a YAML error by position only: the exception text may quote secret content."""
    mark = getattr(exc, 'problem_mark', None)
    where = ' near line %d' % (mark.line + 1) if mark is not None else ''
    return 'The decrypted content of %s is not valid YAML%s; nothing was written.' % (path, where)


def makedirs_private(directory, created):
    """Create ``directory`` and its missing parents, each with mode 0700 (os.makedirs only sets the leaf)."""
    parent = os.path.dirname(directory)
    if parent and parent != directory and not os.path.isdir(parent):
        makedirs_private(parent, created)
    try:
        os.mkdir(directory, 0o700)
    except FileExistsError:
        if not os.path.isdir(directory):
            raise
        return
    os.chmod(directory, 0o700)  # the umask may have taken bits away; 0700 exactly
    created.append(directory)


def unwritable_reason(path):
    """Why the vault file ``path`` could not be written (part of a sentence), or None.

    Looks at the nearest directory that exists (missing ones would be created in it) and proves it accepts
    a new file with an empty probe file that is removed at once: ``os.access`` alone says yes to root on
    file systems that refuse new entries (/proc, for example). Nothing is left behind, in check mode too.
    """
    existing = os.path.dirname(path) or '.'
    while not os.path.isdir(existing):
        if os.path.lexists(existing):
            return '%s exists but is not a directory' % existing
        parent = os.path.dirname(existing)
        if parent == existing:
            break
        existing = parent
    if not os.access(existing, os.W_OK | os.X_OK):
        return 'the directory %s is not writable' % existing
    probe = os.path.join(existing, '.%s.%s.probe' % (os.path.basename(path), os.urandom(6).hex()))
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0), 0o600)
    except OSError as exc:
        return 'the directory %s does not accept new files (%s)' % (existing, exc.strerror or errno.errorcode.get(exc.errno, exc))
    os.close(fd)
    os.unlink(probe)
    return None


def write_atomically(path, b_ciphertext, mode):
    """Write ciphertext next to ``path`` with 0600 from creation, fsync, rename over ``path``."""
    directory = os.path.dirname(path) or '.'
    base = os.path.basename(path)
    tmp_path = None
    fd = -1
    for dummy in range(100):
        # a leading dot keeps the temp file out of host_vars/group_vars directory loading
        candidate = os.path.join(directory, '.%s.%s.tmp' % (base, os.urandom(6).hex()))
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0), 0o600)
        except FileExistsError:
            continue
        tmp_path = candidate
        break
    if tmp_path is None:
        raise AnsibleActionFail('Could not create a temporary file in %s.' % directory)
    try:
        try:
            os.fchmod(fd, mode)
            view = memoryview(b_ciphertext)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp_path, path)
        tmp_path = None
    finally:
        if tmp_path is not None:
            try:
                os.unlink(tmp_path)
            except OSError:
                pass
    fsync_directory(directory)


def remove_stale_temp_files(directory, base):
    """Delete temp files that a killed writer of ``base`` left behind; call only while holding the directory lock.

    They hold ciphertext only (0600), but nothing else would ever remove them.
    """
    pattern = re.compile(r'^\.%s\.[0-9a-f]{12}\.tmp$' % re.escape(base))
    removed = []
    for name in os.listdir(directory):
        if pattern.match(name):
            try:
                os.unlink(os.path.join(directory, name))
                removed.append(name)
            except OSError:
                pass
    return removed


def fsync_directory(directory):
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def read_vault_file(path, secrets):
    """Decrypt and parse an existing vault file into a mapping; any failure is one sentence naming the file."""
    try:
        with open(path, 'rb') as handle:
            b_data = handle.read()
    except OSError as exc:
        raise AnsibleActionFail('Could not read %s: %s.' % (path, exc.strerror or errno.errorcode.get(exc.errno, exc))) from None
    if not b_data.strip():
        return {}
    if not is_encrypted(b_data):
        raise AnsibleActionFail('%s exists but is not a vault-encrypted file; refusing to merge secrets into it.' % path)
    try:
        b_plaintext = VaultLib(secrets).decrypt(b_data)
    except AnsibleError:
        raise AnsibleActionFail(
            '%s cannot be decrypted with the loaded vault secrets (%s); nothing was written.'
            % (path, ', '.join(sorted(set(label for label, dummy in secrets))))) from None
    try:
        data = yaml.load(bytes(b_plaintext).decode('utf-8'), Loader=SAFE_LOADER)  # nosec: the safe loader
    except UnicodeDecodeError:
        raise AnsibleActionFail('The decrypted content of %s is not UTF-8 text; nothing was written.' % path) from None
    except yaml.YAMLError as exc:
        raise AnsibleActionFail(yaml_error_sentence(path, exc)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AnsibleActionFail('The decrypted content of %s is not a YAML mapping of variables; nothing was written.' % path)
    return data


class DirectoryLock:
    """Exclusive flock on the target directory, so forks writing one file do not lose updates."""

    def __init__(self, directory):
        self.directory = directory
        self.fd = None

    def __enter__(self):
        try:
            self.fd = os.open(self.directory, os.O_RDONLY)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except OSError:
            if self.fd is not None:
                os.close(self.fd)
            self.fd = None
        return self

    def __exit__(self, *exc_info):
        if self.fd is not None:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            finally:
                os.close(self.fd)
            self.fd = None


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        super(ActionModule, self).run(tmp, task_vars)
        del tmp  # tmp no longer has any effect

        args = self._validated_args()
        mode = parse_mode(args['mode'])
        state = args['state']

        if state == 'present':
            if args['keys']:
                raise AnsibleActionFail('keys is only used with state=absent; with state=present the names come from values.')
            values = to_builtin(args['values'], 'values')
            if not values:
                raise AnsibleActionFail('values must name at least one entry to write.')
            overlap = sorted(set(args['remove']) & set(values))
            if overlap:
                raise AnsibleActionFail('remove names entries that values writes (%s); name each entry once.' % ', '.join(overlap))
            names = list(values) + [str(name) for name in args['remove']]
        else:
            if args['remove']:
                raise AnsibleActionFail('remove is only used with state=present; with state=absent name the entries in keys.')
            values = {}
            names = list(args['keys'] or []) + [name for name in (args['values'] or {}) if name not in (args['keys'] or [])]
            names = [str(name) for name in names]
        for name in names:
            problem = check_var_name(name)
            if problem:
                raise AnsibleActionFail(problem)

        path = self._resolve_path(args['path'])
        directory = os.path.dirname(path)
        if os.path.lexists(path) and not os.path.isfile(path):
            raise AnsibleActionFail('%s exists but is not a regular file; nothing was written.' % path)

        result = dict(changed=False, path=path, vault_id=None, added=[], updated=[], removed=[], changed_keys=[], created_dirs=[],
                      removed_temp_files=[])

        if state == 'absent' and not os.path.exists(path):
            return result

        secrets = loaded_vault_secrets(self._loader)
        label, secret = select_encrypt_secret(secrets, args['vault_id'])
        result['vault_id'] = label
        # checked in check mode too, so that a dry run (or a play's pre-flight) fails where the real run would
        problem = unwritable_reason(path)
        if problem:
            raise AnsibleActionFail('Cannot write the vault file %s: %s; nothing was written.' % (path, problem))

        check_mode = bool(self._task.check_mode)
        lock_dir = directory if os.path.isdir(directory) else None
        with DirectoryLock(lock_dir) if lock_dir and not check_mode else _NoLock():
            exists = os.path.exists(path)
            current = read_vault_file(path, secrets) if exists else {}
            desired = dict(current)
            if state == 'present':
                result['added'], result['updated'], result['removed'] = entry_changes(current, values, args['remove'])
                desired.update(values)
                for name in result['removed']:
                    del desired[name]
            else:
                for name in names:
                    if name in desired:
                        del desired[name]
                        result['removed'].append(name)

            content_changed = bool(result['added'] or result['updated'] or result['removed'])
            mode_changed = exists and stat.S_IMODE(os.stat(path).st_mode) != mode
            result['changed_keys'] = sorted(result['added'] + result['updated'] + result['removed'])
            result['changed'] = bool(content_changed or mode_changed or not exists)
            result['mode'] = format(mode, '04o')

            if self._task.diff and (content_changed or not exists):
                marks = dict((name, 'added') for name in result['added'])
                marks.update((name, 'changed') for name in result['updated'])
                result['diff'] = dict(
                    before_header=path if exists else '%s (absent)' % path,
                    after_header=path,
                    before=masked_listing(current, dict((name, 'removed') for name in result['removed'])),
                    after=masked_listing(desired, marks),
                )

            if check_mode:
                return result
            if lock_dir and os.path.isdir(directory):
                # a killed writer's temp files go on the next run, also one that has nothing to write; they are not
                # the file's content, so removing them is no change of it
                result['removed_temp_files'] = remove_stale_temp_files(directory, os.path.basename(path))
            if not result['changed']:
                return result

            if not os.path.isdir(directory):
                makedirs_private(directory, result['created_dirs'])
            if content_changed or not exists:
                plaintext = yaml.safe_dump(desired, default_flow_style=False, sort_keys=False, allow_unicode=True, explicit_start=True)
                b_ciphertext = VaultLib(secrets).encrypt(plaintext, secret=secret, vault_id=label)
                write_atomically(path, b_ciphertext, mode)
            else:
                os.chmod(path, mode)
        return result

    def _validated_args(self):
        """``validate_argument_spec`` with the error text scrubbed of anything passed in ``values``."""
        task_args = self._task.args
        if isinstance(task_args.get('values'), dict):
            # 2.17/2.18: the validator cannot walk an AnsibleVaultEncryptedUnicode inside the no_log
            # ``values`` ("Unknown parameter type"); validate the plaintext, as a shipped module would get it.
            self._task.args = dict(task_args, values=reveal_vaulted(task_args['values']))
        try:
            dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC, required_if=REQUIRED_IF)
        except AnsibleError as exc:
            secrets = set()
            raw = self._task.args.get('values')
            _collect_strings(raw, secrets)
            message = remove_values(str(exc.message), secrets)
            raise AnsibleActionFail('Invalid arguments for cw_vault_write: %s' % message) from None
        finally:
            self._task.args = task_args
        return args

    def _resolve_path(self, path):
        """Absolute controller path; relative paths are taken from the playbook directory; symlinks are followed."""
        path = str(path)
        if not os.path.isabs(path):
            path = os.path.join(self._loader.get_basedir(), path)
        path = os.path.normpath(path)
        if os.path.islink(path):
            target = os.path.realpath(path)
            if not os.path.exists(target):
                # following it would create the target's directories somewhere the user never named
                raise AnsibleActionFail('%s is a symbolic link to %s, which does not exist; point the link at the vault file '
                                        'or remove it. Nothing was written.' % (path, target))
            path = target
        return path


class _NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False


def _collect_strings(value, found):
    if isinstance(value, dict):
        for item in value.values():
            _collect_strings(item, found)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _collect_strings(item, found)
    elif value is not None and not isinstance(value, bool):
        text = str(value)
        if len(text) >= 4:  # masking one- to three-character values would only garble the message
            found.add(text)
