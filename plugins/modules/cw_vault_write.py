# -*- coding: utf-8 -*-
# Copyright (c) msp.connectwise contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is documentation only. The work is done on the controller by the
# action plugin plugins/action/cw_vault_write.py of the same name.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cw_vault_write
short_description: Store named values in a vault-encrypted YAML vars file on the controller
version_added: 0.1.0
description:
  - Writes or merges named values, such as an API key pair, its key id, the API member, company and site,
    into a whole-file vault-encrypted YAML vars file on the Ansible controller,
    for example C(host_vars/<tenant>/connectwise.vault.yml).
  - The file is an ordinary Ansible Vault file. C(ansible-vault view), C(ansible-vault edit) and
    C(ansible-vault rekey) work on it, and it loads as normal variables (host_vars, group_vars, C(vars_files)).
  - It encrypts with the vault secrets the play already loaded through C(--vault-id), C(--vault-password-file)
    or the configuration (C(vault_password_file), C(vault_identity_list)). No password is ever passed as a task argument.
  - The existing file is decrypted and compared entry by entry, so the task only writes when a value changes.
    Vault ciphertext is salted, which is why ciphertext is never compared. All other entries of the file are kept.
    The file is rewritten by a YAML dump, so comments and formatting in it do not survive a write.
  - Plaintext never touches the disk. The content is encrypted in memory, written to a temporary file that is
    created with mode C(0600) in the target directory, flushed to disk and renamed over the target.
    Missing parent directories are created with mode C(0700).
  - Values never appear in the task result, the diff or any message. The result lists the names of the entries
    that changed; the diff shows entry names with every value masked.
  - Relative O(path) values are taken from the playbook directory. If O(path) is a symbolic link, the file it
    points to is replaced and the link is kept.
  - Several tasks that write the same file from forked workers are serialised by a lock on its directory.
  - This runs on the controller only. It takes no ConnectWise connection options and is not part of the
    C(msp.connectwise.connectwise) action group.
author:
  - msp.connectwise maintainers (!UNKNOWN)
options:
  path:
    description:
      - Path of the vault-encrypted YAML vars file on the controller.
      - If the file exists it must be a whole-file vault that the loaded secrets can decrypt and that holds a YAML
        mapping (or nothing). Otherwise the task fails and writes nothing.
    type: path
    required: true
  values:
    description:
      - The entries to write, as a mapping of variable name to value. Names must be valid variable names.
      - Values may be strings, numbers, booleans, null, dates, lists and mappings. Values that came from
        C(!vault) variables are stored as their plaintext inside the encrypted file, never as nested vault text.
      - Top-level entries are replaced as a whole; nested mappings are not merged.
      - Required with O(state=present). With O(state=absent) only the names are used and the values are ignored.
    type: dict
  keys:
    description:
      - Names of the entries to remove with O(state=absent). Together with the names in O(values).
      - Only used with O(state=absent).
    type: list
    elements: str
  remove:
    description:
      - Names of entries to remove in the same write as O(values) (only with O(state=present)), for example entries
        that move to new names. A name must not be in O(values) too.
    type: list
    elements: str
    default: []
    version_added: 0.2.0
  state:
    description:
      - V(present) adds or updates the entries in O(values).
      - V(absent) removes the entries named in O(keys) and O(values), and deletes nothing else.
        A missing file is left missing. A file whose last entry was removed stays as an encrypted empty mapping.
    type: str
    choices: [present, absent]
    default: present
  vault_id:
    description:
      - Label of the loaded vault secret to encrypt with, for example V(prod) for C(--vault-id prod@prod.pw).
      - When not set, C(vault_encrypt_identity) (E(ANSIBLE_VAULT_ENCRYPT_IDENTITY)) is used, and when that is not
        set either, the only loaded secret. With several loaded secrets and no choice the task fails instead of
        guessing.
      - The secret labelled V(default), which a plain C(--vault-password-file) loads, writes a version 1.1 header
        without a label, as C(ansible-vault encrypt) does. Any other label writes a version 1.2 header that names it.
      - Decryption of the existing file tries every loaded secret, so changing O(vault_id) re-encrypts the file under
        the new id at the next write.
    type: str
  mode:
    description:
      - Permissions of the file, as an octal string such as V('0600') or V('0640').
      - The owner must be able to read and write; execute bits are refused. Applied to an existing file too.
    type: raw
    default: '0600'
attributes:
  check_mode:
    support: full
    description:
      - Decrypts and compares, reports what would change, and writes nothing, not even directories.
      - Like a real run it fails on a vault id that is not loaded or ambiguous, and on a directory that does not accept
        new files (proven with an empty probe file that is removed at once), so a dry run can vet the target first.
  diff_mode:
    support: full
    description: Shows which entries are added, changed or removed, with every value replaced by C(<masked>).
  platform:
    support: full
    platforms: controller
    description: Runs on the Ansible controller; O(path) is a controller path.
notes:
  - The play must be run with the vault secret available, for example
    C(ansible-playbook --vault-id prod@~/.vault/prod.pw site.yml).
  - The task result carries no values, so O(values) can safely be templated from registered results.
    Keep C(no_log) on the task that produced those results.
seealso:
  - name: Ansible Vault
    description: Encrypting content with Ansible Vault.
    link: https://docs.ansible.com/ansible/latest/vault_guide/index.html
"""

EXAMPLES = r"""
- name: Store the new API key of a tenant in its vault file
  msp.connectwise.cw_vault_write:
    path: "{{ inventory_dir }}/host_vars/{{ inventory_hostname }}/connectwise.vault.yml"
    values:
      cw_integration_public_key: "{{ new_key.key.public_key }}"
      cw_integration_private_key: "{{ new_key.key.private_key }}"
      cw_integration_key_id: "{{ new_key.key.id }}"
      cw_integration_member: sophos-api
      cw_integration_key_created: "{{ now(utc=true).isoformat() }}"

- name: Encrypt with one of several loaded vault ids (--vault-id dev@... --vault-id prod@...)
  msp.connectwise.cw_vault_write:
    path: "{{ inventory_dir }}/host_vars/{{ inventory_hostname }}/connectwise.vault.yml"
    vault_id: prod
    values:
      cw_integration_company: "{{ cw_company_id }}"

- name: Remove the integration's entries at offboarding, keep everything else in the file
  msp.connectwise.cw_vault_write:
    path: "{{ inventory_dir }}/host_vars/{{ inventory_hostname }}/connectwise.vault.yml"
    state: absent
    keys:
      - cw_integration_public_key
      - cw_integration_private_key
      - cw_integration_key_id
"""

RETURN = r"""
path:
  description: Absolute path of the vars file that was checked or written.
  returned: always
  type: str
  sample: /srv/inventory/host_vars/tenant-a/connectwise.vault.yml
vault_id:
  description: Label of the vault secret used to encrypt. V(null) when O(state=absent) found no file.
  returned: always
  type: str
  sample: prod
mode:
  description: The file mode that was enforced, in octal.
  returned: when the file exists or was written
  type: str
  sample: '0600'
added:
  description: Names of the entries that were (or in check mode would be) added.
  returned: always
  type: list
  elements: str
  sample: [cw_integration_private_key]
updated:
  description: Names of the entries whose value changed.
  returned: always
  type: list
  elements: str
  sample: []
removed:
  description: Names of the entries that were removed.
  returned: always
  type: list
  elements: str
  sample: []
changed_keys:
  description: Sorted names of all added, updated and removed entries. Never the values.
  returned: always
  type: list
  elements: str
  sample: [cw_integration_private_key]
created_dirs:
  description: Parent directories that were created with mode C(0700). Empty in check mode.
  returned: always
  type: list
  elements: str
  sample: [/srv/inventory/host_vars/tenant-a]
removed_temp_files:
  description:
    - Names of temporary files that an earlier, interrupted write of this file left in its directory and that this
      write removed. They only ever hold ciphertext. Empty in check mode and when nothing was written.
  returned: always
  type: list
  elements: str
  sample: [.connectwise.vault.yml.3fa2c1d0b9e8.tmp]
"""
