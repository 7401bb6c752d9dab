# -*- coding: utf-8 -*-
# Copyright (c) msp.connectwise contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import os

import pytest

from ansible.errors import AnsibleParserError
from ansible.inventory.group import Group
from ansible.inventory.host import Host
from ansible.parsing import vault as core_vault
from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultLib, VaultSecret

from ansible_collections.msp.connectwise.playbooks.vars_plugins import cw_vars_files_check
from ansible_collections.msp.connectwise.playbooks.vars_plugins.cw_vars_files_check import VarsModule

SECRET = VaultSecret(b'the-run-password')


@pytest.fixture(autouse=True)
def fresh_state(monkeypatch):
    if getattr(core_vault, 'VaultSecretsContext', None) is not None:
        monkeypatch.setattr(core_vault.VaultSecretsContext, '_current', None)
    monkeypatch.setattr(cw_vars_files_check, 'FOUND', {})
    monkeypatch.setattr(cw_vars_files_check, 'LOADED', set())
    monkeypatch.setattr(DataLoader, '_FILE_CACHE', {}, raising=False)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as handle:
        handle.write(data)
    return str(path)


def get_vars(inventory, *entities):
    loader = DataLoader()
    loader._FILE_CACHE = {}
    loader.set_vault_secrets([('default', SECRET)])
    return VarsModule().get_vars(loader, str(inventory), list(entities)), loader


def test_files_that_load_add_no_variables_and_are_loaded_once(tmp_path):
    path = write(tmp_path / 'host_vars' / 'contoso' / 'connectwise.vault.yml', VaultLib([('default', SECRET)]).encrypt(b'a: 1\n'))
    write(tmp_path / 'group_vars' / 'connectwise_tenants.yml', b'cw_client_id: x\n')
    result, loader = get_vars(tmp_path, Host('contoso'), Group('connectwise_tenants'))
    assert result == {}
    assert os.path.realpath(path) in cw_vars_files_check.LOADED or path in cw_vars_files_check.LOADED
    # host_group_vars then finds the decrypted file in the loader's cache
    assert loader.load_from_file(path, cache='all', unsafe=True) == {'a': 1}


@pytest.mark.parametrize('data, sentence', [
    (VaultLib([('default', VaultSecret(b'another password'))]).encrypt(b'a: 1\n'),
     'cannot be decrypted with the vault secrets this run loaded'),
    (VaultLib([('default', SECRET)]).encrypt(b'key: [unclosed\n'), 'is not valid YAML'),
    (b'key: [unclosed\n', 'is not valid YAML'),
])
def test_a_file_that_would_stop_the_run_is_named(tmp_path, data, sentence):
    path = write(tmp_path / 'host_vars' / 'contoso' / 'connectwise.vault.yml', data)
    with pytest.raises(AnsibleParserError) as failure:
        get_vars(tmp_path, Host('contoso'))
    assert 'The vars file %s %s' % (path, sentence) in failure.value.message
    assert 'Traceback' not in failure.value.message


def test_other_hosts_files_are_not_read(tmp_path):
    write(tmp_path / 'host_vars' / 'fabrikam.yml', b'key: [unclosed\n')
    write(tmp_path / 'group_vars' / 'elsewhere.yml', b'key: [unclosed\n')
    assert get_vars(tmp_path, Host('contoso'), Group('connectwise_tenants'))[0] == {}
