# -*- coding: utf-8 -*-
# Copyright (c) msp.connectwise contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Name the host_vars or group_vars file that stops a run of the collection's playbooks.

ansible-core's host_group_vars plugin stops the whole run for every host, without naming the file, when a vars file
of a play's hosts does not decrypt with the loaded vault secrets or is not YAML ("Decryption failed (no vault secrets
were found that could decrypt)."). A vault file that another password encrypted is an easy mistake with one vault file
per tenant. This plugin sits next to the collection's playbooks, where ansible-core loads it without configuration,
and runs before host_group_vars: it loads the same files through the same loader cache (so nothing is decrypted
twice) and stops with one sentence naming the file. It adds no variables.
"""

from __future__ import annotations

import os

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.group import Group
from ansible.parsing.vault import AnsibleVaultError
from ansible.plugins.vars import BaseVarsPlugin

# (entity name, folder) -> the vars files in it; files already loaded without a problem
FOUND = {}
LOADED = set()
STOPS = ('; Ansible loads every host_vars and group_vars file of the play\'s hosts before their first task, so the run '
         'stops here for every tenant, before anything is written.')


def problem(path, exc):
    """The sentence that names the vars file ``path`` that could not be loaded with ``exc``."""
    if isinstance(exc, AnsibleVaultError) or 'decrypt' in str(exc).lower():
        return ('The vars file %s cannot be decrypted with the vault secrets this run loaded: give its vault password '
                '(--vault-id or --vault-password-file) or move it out of the inventory%s' % (path, STOPS))
    return 'The vars file %s is not valid YAML: correct it or move it out of the inventory%s' % (path, STOPS)


class VarsModule(BaseVarsPlugin):

    # no REQUIRES_ENABLED: next to a playbook it runs without being enabled, ahead of the enabled plugins
    is_stateless = True

    def get_vars(self, loader, path, entities, cache=True):
        super(VarsModule, self).get_vars(loader, path, entities)
        for entity in entities if isinstance(entities, list) else [entities]:
            folder = os.path.join(os.path.realpath(self._basedir), 'group_vars' if isinstance(entity, Group) else 'host_vars')
            key = (entity.name, folder)
            if key not in FOUND:
                FOUND[key] = loader.find_vars_files(folder, entity.name) if os.path.isdir(folder) else []
            for found in FOUND[key]:
                if found in LOADED:
                    continue
                try:
                    # as host_group_vars loads it, so its load is then served from the loader's cache
                    loader.load_from_file(found, cache='all', unsafe=True)
                except AnsibleError as exc:
                    raise AnsibleParserError(problem(found, exc)) from None
                LOADED.add(found)
        return {}
