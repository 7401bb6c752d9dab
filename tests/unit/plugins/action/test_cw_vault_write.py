# -*- coding: utf-8 -*-
# Copyright (c) msp.connectwise contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import os
import stat
from unittest.mock import MagicMock

import pytest
import yaml

from ansible import constants as C
from ansible.errors import AnsibleActionFail
from ansible.parsing.dataloader import DataLoader
from ansible.parsing import vault as core_vault
from ansible.parsing.vault import VaultLib, VaultSecret
from ansible.playbook.task import Task

from ansible_collections.msp.connectwise.plugins.action import cw_vault_write
from ansible_collections.msp.connectwise.plugins.action.cw_vault_write import ActionModule

MARKER = 'PLAINTEXT-MARKER-7f3a91'
PW_DEFAULT = VaultSecret(b'default-password')
PW_DEV = VaultSecret(b'dev-password')
PW_PROD = VaultSecret(b'prod-password')

# The APIs differ per ansible-core line; each test below asserts what its core offers.
# 2.19+: data tagging, EncryptedString and the process-wide VaultSecretsContext.
# 2.17/2.18: AnsibleVaultEncryptedUnicode, AnsibleUnsafeText from templating, secrets only on the loader.
VaultSecretsContext = getattr(core_vault, 'VaultSecretsContext', None)
if VaultSecretsContext is not None:
    from ansible.parsing.vault import EncryptedString as VAULTED_TYPE
    from ansible.template import trust_as_template as tagged_text
else:
    from ansible.parsing.yaml.objects import AnsibleVaultEncryptedUnicode as VAULTED_TYPE
    from ansible.utils.unsafe_proxy import AnsibleUnsafeText as tagged_text


@pytest.fixture(autouse=True)
def no_ambient_vault(monkeypatch):
    """Each test sees only the secrets it sets up, never an encrypt identity from the environment."""
    if VaultSecretsContext is not None:
        monkeypatch.setattr(VaultSecretsContext, '_current', None)
    monkeypatch.setattr(C, 'DEFAULT_VAULT_ENCRYPT_IDENTITY', None)


def make_loader(secrets, basedir=None):
    loader = DataLoader()
    if secrets is not None:
        loader.set_vault_secrets(list(secrets))
    if basedir:
        loader.set_basedir(str(basedir))
    return loader


def run_action(args, secrets=(('default', PW_DEFAULT),), check_mode=False, diff=False, basedir=None, loader=None):
    task = MagicMock(Task)
    task.args = args
    task.check_mode = check_mode
    task.diff = diff
    task.async_val = 0
    task.action = 'msp.connectwise.cw_vault_write'
    connection = MagicMock()
    connection._shell.tmpdir = None
    action = ActionModule(task, connection, MagicMock(), loader=loader or make_loader(secrets, basedir),
                          templar=None, shared_loader_obj=None)
    action._load_name = task.action  # set by the plugin loader; 2.17/2.18 use it in validation messages
    return action.run(task_vars={})


def decrypt(path, secrets=(('default', PW_DEFAULT),)):
    with open(path, 'rb') as handle:
        return yaml.safe_load(VaultLib(list(secrets)).decrypt(handle.read()))


def header(path):
    with open(path, 'rb') as handle:
        return handle.readline().strip().decode()


def write_vault(path, data, secrets=(('default', PW_DEFAULT),), label='default'):
    secret = dict(secrets)[label]
    b_text = VaultLib(list(secrets)).encrypt(yaml.safe_dump(data, sort_keys=False), secret=secret, vault_id=label)
    with open(path, 'wb') as handle:
        handle.write(b_text)
    os.chmod(path, 0o600)


def raw(path):
    with open(path, 'rb') as handle:
        return handle.read()


# --- the pinned private/2.19 access -------------------------------------------------------------

def test_loaded_vault_secrets_reads_the_loader_state():
    """Pins DataLoader()._vault.secrets: if ansible-core moves it, this fails loudly."""
    pairs = [('dev', PW_DEV), ('prod', PW_PROD)]
    assert cw_vault_write.loaded_vault_secrets(make_loader(pairs)) == pairs


def test_loaded_vault_secrets_fallback_is_the_cores_vault_secrets_context(monkeypatch):
    """2.19+: secrets published only through VaultSecretsContext are found; older cores have no such context,
    so the loader is the only source and the plugin must have detected that."""
    pairs = [('prod', PW_PROD)]
    if VaultSecretsContext is not None:
        assert cw_vault_write.VaultSecretsContext is VaultSecretsContext
        monkeypatch.setattr(VaultSecretsContext, '_current', VaultSecretsContext(pairs))
        assert cw_vault_write.loaded_vault_secrets(make_loader(None)) == pairs
    else:
        assert cw_vault_write.VaultSecretsContext is None
        assert cw_vault_write.loaded_vault_secrets(make_loader(None)) == []
        assert cw_vault_write.loaded_vault_secrets(make_loader(pairs)) == pairs


def test_loaded_vault_secrets_empty_when_nothing_loaded():
    assert cw_vault_write.loaded_vault_secrets(make_loader(None)) == []


# --- writing, merging, idempotence ----------------------------------------------------------------

def test_new_file_is_vault_1_1_for_default_label_mode_0600_dirs_0700(tmp_path):
    target = tmp_path / 'host_vars' / 'tenant-a' / 'connectwise.vault.yml'
    result = run_action({'path': str(target), 'values': {'private_key': MARKER, 'key_id': 17}})

    assert result['changed'] is True
    assert result['vault_id'] == 'default'
    assert result['added'] == ['private_key', 'key_id']
    assert result['changed_keys'] == ['key_id', 'private_key']
    assert header(target) == '$ANSIBLE_VAULT;1.1;AES256'
    assert decrypt(target) == {'private_key': MARKER, 'key_id': 17}
    assert MARKER.encode() not in raw(target)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert result['created_dirs'] == [str(tmp_path / 'host_vars'), str(target.parent)]
    for directory in result['created_dirs']:
        assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    assert sorted(os.listdir(target.parent)) == ['connectwise.vault.yml'], 'no temp file left behind'


def test_a_write_removes_temp_files_an_interrupted_write_of_the_same_file_left(tmp_path):
    target = tmp_path / 'connectwise.vault.yml'
    stale = tmp_path / '.connectwise.vault.yml.0123456789ab.tmp'
    stale.write_bytes(b'$ANSIBLE_VAULT;1.1;AES256\n3031')
    other = tmp_path / '.other.vault.yml.0123456789ab.tmp'
    other.write_bytes(b'$ANSIBLE_VAULT;1.1;AES256\n3031')

    result = run_action({'path': str(target), 'values': {'key_id': 17}})

    assert result['removed_temp_files'] == [stale.name]
    assert sorted(os.listdir(tmp_path)) == [other.name, target.name], "another file's temp file is not this write's business"


def test_a_run_with_nothing_to_write_removes_temp_files_an_interrupted_write_left(tmp_path):
    target = tmp_path / 'connectwise.vault.yml'
    assert run_action({'path': str(target), 'values': {'key_id': 17}})['changed'] is True
    stale = tmp_path / '.connectwise.vault.yml.0123456789ab.tmp'
    stale.write_bytes(b'$ANSIBLE_VAULT;1.1;AES256\n3031')
    before = raw(target)

    result = run_action({'path': str(target), 'values': {'key_id': 17}})

    assert result['changed'] is False and result['removed_temp_files'] == [stale.name]
    assert sorted(os.listdir(tmp_path)) == [target.name] and raw(target) == before


def test_a_dangling_symlink_is_refused_and_nothing_is_created(tmp_path):
    link = tmp_path / 'connectwise.vault.yml'
    link.symlink_to(tmp_path / 'elsewhere' / 'deeper' / 'connectwise.vault.yml')

    with pytest.raises(AnsibleActionFail, match='symbolic link to .* which does not exist'):
        run_action({'path': str(link), 'values': {'key_id': 17}})
    assert sorted(os.listdir(tmp_path)) == ['connectwise.vault.yml'] and not (tmp_path / 'elsewhere').exists()


def test_label_other_than_default_writes_1_2_header(tmp_path):
    target = tmp_path / 'v.yml'
    result = run_action({'path': str(target), 'values': {'a': 'b'}, 'vault_id': 'prod'},
                        secrets=[('dev', PW_DEV), ('prod', PW_PROD)])
    assert result['vault_id'] == 'prod'
    assert header(target) == '$ANSIBLE_VAULT;1.2;AES256;prod'
    assert decrypt(target, [('prod', PW_PROD)]) == {'a': 'b'}
    with pytest.raises(Exception):
        decrypt(target, [('dev', PW_DEV)])


def test_merge_keeps_other_entries_and_reports_names_only(tmp_path):
    target = tmp_path / 'v.yml'
    write_vault(target, {'keep_me': 'unchanged', 'public_key': 'old-public', 'nested': {'x': 1}})
    result = run_action({'path': str(target), 'values': {'public_key': 'new-public', 'private_key': MARKER}})

    assert result['changed'] is True
    assert result['added'] == ['private_key']
    assert result['updated'] == ['public_key']
    assert result['removed'] == []
    assert decrypt(target) == {'keep_me': 'unchanged', 'public_key': 'new-public', 'nested': {'x': 1}, 'private_key': MARKER}
    dumped = json.dumps(result)
    for secret_value in (MARKER, 'new-public', 'old-public', 'unchanged'):
        assert secret_value not in dumped


def test_idempotent_despite_salted_ciphertext(tmp_path):
    target = tmp_path / 'v.yml'
    args = {'path': str(target), 'values': {'private_key': MARKER, 'key_id': 17, 'flags': {'a': [1, 2]}}}
    assert run_action(dict(args))['changed'] is True
    first = raw(target)
    inode = os.stat(target).st_ino

    again = run_action(dict(args))
    assert again['changed'] is False
    assert again['changed_keys'] == []
    assert raw(target) == first, 'an unchanged value must not rewrite the file'
    assert os.stat(target).st_ino == inode

    # Same plaintext encrypted twice gives different ciphertext: comparing ciphertext could never be idempotent.
    lib = VaultLib([('default', PW_DEFAULT)])
    assert lib.encrypt('x: 1\n', secret=PW_DEFAULT) != lib.encrypt('x: 1\n', secret=PW_DEFAULT)


def test_type_change_is_a_change(tmp_path):
    target = tmp_path / 'v.yml'
    write_vault(target, {'member_id': 1})
    result = run_action({'path': str(target), 'values': {'member_id': True}})
    assert result['updated'] == ['member_id']
    assert decrypt(target) == {'member_id': True}


def test_existing_file_with_different_mode_is_fixed(tmp_path):
    target = tmp_path / 'v.yml'
    write_vault(target, {'a': 'b'})
    os.chmod(target, 0o644)
    before = raw(target)
    result = run_action({'path': str(target), 'values': {'a': 'b'}})
    assert result['changed'] is True
    assert result['changed_keys'] == []
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert raw(target) == before


def test_custom_mode_string_and_int(tmp_path):
    target = tmp_path / 'v.yml'
    run_action({'path': str(target), 'values': {'a': 'b'}, 'mode': '0640'})
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    other = tmp_path / 'w.yml'
    run_action({'path': str(other), 'values': {'a': 'b'}, 'mode': 0o600})
    assert stat.S_IMODE(os.stat(other).st_mode) == 0o600


@pytest.mark.parametrize('mode', ['0755', '0400', 'rw', '01777', True])
def test_bad_mode_refused(tmp_path, mode):
    with pytest.raises(AnsibleActionFail, match='mode'):
        run_action({'path': str(tmp_path / 'v.yml'), 'values': {'a': 'b'}, 'mode': mode})
    assert not (tmp_path / 'v.yml').exists()


def test_relative_path_is_taken_from_the_playbook_directory(tmp_path):
    result = run_action({'path': 'host_vars/t1/cw.vault.yml', 'values': {'a': 'b'}}, basedir=tmp_path)
    assert result['path'] == str(tmp_path / 'host_vars' / 't1' / 'cw.vault.yml')
    assert decrypt(result['path']) == {'a': 'b'}


def test_symlink_target_is_replaced_and_link_kept(tmp_path):
    real = tmp_path / 'real.yml'
    write_vault(real, {'a': 'b'})
    link = tmp_path / 'link.yml'
    link.symlink_to(real)
    run_action({'path': str(link), 'values': {'a': 'c'}})
    assert link.is_symlink()
    assert decrypt(real) == {'a': 'c'}


# --- choosing the secret --------------------------------------------------------------------------

def test_no_secrets_loaded_is_refused(tmp_path):
    with pytest.raises(AnsibleActionFail, match='No vault secrets are loaded'):
        run_action({'path': str(tmp_path / 'v.yml'), 'values': {'a': MARKER}}, secrets=None)
    assert not (tmp_path / 'v.yml').exists()


def test_ambiguous_vault_ids_refused(tmp_path):
    with pytest.raises(AnsibleActionFail, match=r'Several vault ids are loaded \(dev, prod\)'):
        run_action({'path': str(tmp_path / 'v.yml'), 'values': {'a': 'b'}}, secrets=[('dev', PW_DEV), ('prod', PW_PROD)])
    assert not (tmp_path / 'v.yml').exists()


def test_duplicate_label_is_ambiguous(tmp_path):
    with pytest.raises(AnsibleActionFail, match="Several vault secrets are loaded under the vault id 'prod'"):
        run_action({'path': str(tmp_path / 'v.yml'), 'values': {'a': 'b'}, 'vault_id': 'prod'},
                   secrets=[('prod', PW_PROD), ('prod', PW_DEV)])


def test_encrypt_identity_from_config_resolves_ambiguity(tmp_path, monkeypatch):
    monkeypatch.setattr(C, 'DEFAULT_VAULT_ENCRYPT_IDENTITY', 'dev')
    target = tmp_path / 'v.yml'
    result = run_action({'path': str(target), 'values': {'a': 'b'}}, secrets=[('dev', PW_DEV), ('prod', PW_PROD)])
    assert result['vault_id'] == 'dev'
    assert header(target) == '$ANSIBLE_VAULT;1.2;AES256;dev'


def test_vault_id_not_loaded_is_refused(tmp_path):
    with pytest.raises(AnsibleActionFail, match=r"The vault id 'prod' chosen by vault_id is not among the loaded vault ids \(dev\)"):
        run_action({'path': str(tmp_path / 'v.yml'), 'values': {'a': 'b'}, 'vault_id': 'prod'}, secrets=[('dev', PW_DEV)])
    assert not (tmp_path / 'v.yml').exists()


def test_existing_file_of_another_password_is_refused_and_untouched(tmp_path):
    target = tmp_path / 'v.yml'
    write_vault(target, {'a': 'b'}, secrets=[('prod', PW_PROD)], label='prod')
    before = raw(target)
    with pytest.raises(AnsibleActionFail, match='cannot be decrypted with the loaded vault secrets'):
        run_action({'path': str(target), 'values': {'a': 'c'}, 'vault_id': 'dev'}, secrets=[('dev', PW_DEV)])
    assert raw(target) == before
    assert os.listdir(tmp_path) == ['v.yml']


def test_plaintext_existing_file_is_refused(tmp_path):
    target = tmp_path / 'v.yml'
    target.write_text('a: b\n')
    with pytest.raises(AnsibleActionFail, match='is not a vault-encrypted file'):
        run_action({'path': str(target), 'values': {'a': MARKER}})
    assert target.read_text() == 'a: b\n'


def test_yaml_error_message_does_not_quote_content(tmp_path):
    target = tmp_path / 'v.yml'
    b_text = VaultLib([('default', PW_DEFAULT)]).encrypt('a: b\nsecret: "%s\n  : [\n' % MARKER, secret=PW_DEFAULT)
    target.write_bytes(b_text)
    with pytest.raises(AnsibleActionFail) as excinfo:
        run_action({'path': str(target), 'values': {'a': 'c'}})
    assert 'is not valid YAML' in str(excinfo.value)
    assert MARKER not in str(excinfo.value)


def test_non_mapping_content_is_refused(tmp_path):
    target = tmp_path / 'v.yml'
    write_vault(target, ['a', 'b'])
    with pytest.raises(AnsibleActionFail, match='is not a YAML mapping'):
        run_action({'path': str(target), 'values': {'a': 'c'}})


# --- check mode and diff --------------------------------------------------------------------------

def test_check_mode_writes_nothing(tmp_path):
    target = tmp_path / 'new' / 'v.yml'
    result = run_action({'path': str(target), 'values': {'a': MARKER}}, check_mode=True)
    assert result['changed'] is True
    assert result['added'] == ['a']
    assert not (tmp_path / 'new').exists()

    existing = tmp_path / 'e.yml'
    write_vault(existing, {'a': 'old'})
    os.chmod(existing, 0o644)
    before = raw(existing)
    result = run_action({'path': str(existing), 'values': {'a': MARKER}}, check_mode=True)
    assert result['changed'] is True
    assert result['updated'] == ['a']
    assert raw(existing) == before
    assert stat.S_IMODE(os.stat(existing).st_mode) == 0o644
    assert os.listdir(tmp_path) == ['e.yml']


@pytest.mark.parametrize('check_mode', [True, False])
def test_unwritable_directory_is_refused_in_check_mode_too(tmp_path, check_mode):
    """A pre-flight in check mode must fail where the real write would, and leave nothing behind."""
    locked = tmp_path / 'locked'
    locked.mkdir()
    os.chmod(locked, 0o500)
    # root ignores mode bits: then a file system that refuses new entries (procfs) stands in
    target, where = (('/proc/cw-unwritable/v.yml', '/proc') if os.geteuid() == 0
                     else (str(locked / 'sub' / 'v.yml'), str(locked)))
    try:
        with pytest.raises(AnsibleActionFail, match='Cannot write the vault file') as info:
            run_action({'path': target, 'values': {'a': MARKER}}, check_mode=check_mode)
    finally:
        os.chmod(locked, 0o700)
    assert target in str(info.value) and where in str(info.value) and 'nothing was written' in str(info.value)
    assert MARKER not in str(info.value)
    assert os.listdir(locked) == []


def test_unwritable_probe_leaves_nothing_in_a_writable_directory(tmp_path):
    result = run_action({'path': str(tmp_path / 'v.yml'), 'values': {'a': MARKER}}, check_mode=True)
    assert result['changed'] is True
    assert os.listdir(tmp_path) == []


def test_diff_masks_every_value(tmp_path):
    target = tmp_path / 'v.yml'
    write_vault(target, {'keep': 'keep-value', 'private_key': 'old-private', 'gone': 'gone-value'})
    result = run_action({'path': str(target), 'values': {'private_key': MARKER, 'public_key': 'pub-value'}}, diff=True)
    diff = result['diff']
    assert diff['before'] == 'keep: <masked>\nprivate_key: <masked>\ngone: <masked>\n'
    assert diff['after'] == 'keep: <masked>\nprivate_key: <masked> (changed)\ngone: <masked>\npublic_key: <masked> (added)\n'
    dumped = json.dumps(result)
    for secret_value in (MARKER, 'keep-value', 'old-private', 'gone-value', 'pub-value'):
        assert secret_value not in dumped

    removal = run_action({'path': str(target), 'state': 'absent', 'keys': ['gone']}, diff=True)
    assert 'gone: <masked> (removed)' in removal['diff']['before']
    assert 'gone' not in removal['diff']['after']


def test_no_diff_when_nothing_changes(tmp_path):
    target = tmp_path / 'v.yml'
    write_vault(target, {'a': 'b'})
    assert 'diff' not in run_action({'path': str(target), 'values': {'a': 'b'}}, diff=True)


# --- tagged values (2.19 data tagging; AnsibleUnicode/AnsibleUnsafeText/vault objects before) ------

def test_tagged_and_vaulted_values_are_stored_as_plain_text(tmp_path, monkeypatch):
    secrets = [('default', PW_DEFAULT)]
    if VaultSecretsContext is not None:  # 2.19+ EncryptedString decrypts through the context
        monkeypatch.setattr(VaultSecretsContext, '_current', VaultSecretsContext(secrets))
    inline = VaultLib(secrets).encrypt(MARKER, secret=PW_DEFAULT).decode()
    loaded = make_loader(secrets).load('vaulted: !vault |\n  %s\nplain: text\n' % inline.replace('\n', '\n  '))
    assert isinstance(loaded['vaulted'], VAULTED_TYPE)
    assert loaded['vaulted'].__class__ is not str
    assert loaded['plain'].__class__ is not str, 'the loader hands out str subclasses'
    assert tagged_text('tpl').__class__ is not str

    target = tmp_path / 'v.yml'
    values = {'vaulted': loaded['vaulted'], 'plain': loaded['plain'], 'trusted': tagged_text('tpl'),
              'nested': loaded}
    run_action({'path': str(target), 'values': values}, secrets=secrets)

    with open(target, 'rb') as handle:
        plaintext = VaultLib(secrets).decrypt(handle.read()).decode()
    assert '!vault' not in plaintext
    assert '$ANSIBLE_VAULT' not in plaintext
    assert yaml.safe_load(plaintext) == {'vaulted': MARKER, 'plain': 'text', 'trusted': 'tpl',
                                         'nested': {'vaulted': MARKER, 'plain': 'text'}}
    assert MARKER.encode() not in raw(target)


def test_unsupported_value_type_refused(tmp_path):
    with pytest.raises(AnsibleActionFail, match='values'):
        run_action({'path': str(tmp_path / 'v.yml'), 'values': {'a': object()}})
    assert os.listdir(tmp_path) == []
    with pytest.raises(AnsibleActionFail, match=r'The value of values\.a\[1\] has the type object'):
        cw_vault_write.to_builtin({'a': ['ok', object()]}, 'values')


def test_to_builtin_returns_exact_builtin_types():
    converted = cw_vault_write.to_builtin({tagged_text('k'): [tagged_text('v'), 1, 2.5, True, None]}, 'values')
    assert converted == {'k': ['v', 1, 2.5, True, None]}
    key = list(converted)[0]
    assert key.__class__ is str
    assert [item.__class__ for item in converted['k']] == [str, int, float, bool, type(None)]


# --- absent ---------------------------------------------------------------------------------------

def test_absent_removes_only_named_keys(tmp_path):
    target = tmp_path / 'v.yml'
    write_vault(target, {'public_key': 'p', 'private_key': MARKER, 'other_tool_secret': 'x'})
    result = run_action({'path': str(target), 'state': 'absent', 'keys': ['private_key'], 'values': {'public_key': None}})
    assert result['changed'] is True
    assert result['removed'] == ['private_key', 'public_key']
    assert decrypt(target) == {'other_tool_secret': 'x'}

    again = run_action({'path': str(target), 'state': 'absent', 'keys': ['private_key', 'public_key']})
    assert again['changed'] is False


def test_present_with_remove_moves_entries_in_one_write(tmp_path):
    target = tmp_path / 'v.yml'
    write_vault(target, {'old_private_key': MARKER, 'other_tool_secret': 'x'})
    result = run_action({'path': str(target), 'values': {'new_private_key': MARKER}, 'remove': ['old_private_key', 'never_there']})
    assert result['changed'] is True
    assert (result['added'], result['removed']) == (['new_private_key'], ['old_private_key'])
    assert decrypt(target) == {'other_tool_secret': 'x', 'new_private_key': MARKER}

    again = run_action({'path': str(target), 'values': {'new_private_key': MARKER}, 'remove': ['old_private_key']})
    assert again['changed'] is False


def test_absent_last_key_leaves_encrypted_empty_mapping(tmp_path):
    target = tmp_path / 'v.yml'
    write_vault(target, {'a': 'b'})
    run_action({'path': str(target), 'state': 'absent', 'keys': ['a']})
    assert decrypt(target) == {}


def test_absent_on_missing_file_needs_no_secret_and_creates_nothing(tmp_path):
    target = tmp_path / 'missing' / 'v.yml'
    result = run_action({'path': str(target), 'state': 'absent', 'keys': ['a']}, secrets=None)
    assert result['changed'] is False
    assert not (tmp_path / 'missing').exists()


# --- argument validation --------------------------------------------------------------------------

@pytest.mark.parametrize('args, message', [
    ({'values': {'a': 'b'}}, 'path'),
    ({'path': 'x.yml'}, 'values'),
    ({'path': 'x.yml', 'state': 'absent'}, 'keys, values'),
    ({'path': 'x.yml', 'values': {'a': 'b'}, 'state': 'gone'}, 'state'),
    ({'path': 'x.yml', 'values': {'a': 'b'}, 'bogus': 1}, 'bogus'),
    ({'path': 'x.yml', 'values': {}}, 'at least one entry'),
    ({'path': 'x.yml', 'values': {'a': 'b'}, 'keys': ['a']}, 'only used with state=absent'),
    ({'path': 'x.yml', 'values': {'not-valid': 'b'}}, "'not-valid' is not a valid variable name"),
    ({'path': 'x.yml', 'values': {'class': 'b'}}, "'class' is not a valid variable name"),
    ({'path': 'x.yml', 'state': 'absent', 'keys': ['1abc']}, "'1abc' is not a valid variable name"),
    ({'path': 'x.yml', 'values': {'a': 'b'}, 'remove': ['a']}, 'name each entry once'),
    ({'path': 'x.yml', 'state': 'absent', 'keys': ['a'], 'remove': ['b']}, 'only used with state=present'),
    ({'path': 'x.yml', 'values': {'a': 'b'}, 'remove': ['not-valid']}, "'not-valid' is not a valid variable name"),
])
def test_bad_arguments_fail_with_one_sentence(tmp_path, args, message):
    with pytest.raises(AnsibleActionFail) as excinfo:
        run_action(dict(args), basedir=tmp_path)
    assert message in str(excinfo.value)
    assert os.listdir(tmp_path) == []


def test_validation_error_does_not_echo_values(tmp_path):
    with pytest.raises(AnsibleActionFail) as excinfo:
        run_action({'path': str(tmp_path / 'v.yml'), 'values': MARKER})
    assert MARKER not in str(excinfo.value)
    assert 'values' in str(excinfo.value)
