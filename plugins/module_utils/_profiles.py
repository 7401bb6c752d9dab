# -*- coding: utf-8 -*-
# Copyright (c) msp.connectwise contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module is internal to msp.connectwise. It is not a public API: its names
# and behaviour may change in any release without notice.

"""Validation of permission profiles: the data files under roles/integration/files/profiles/.

A profile describes what one vendor integration needs in ConnectWise Manage::

    name: sophos_central                    # lower_snake_case, matches the file name
    vendor: Sophos Central
    source: https://docs.sophos.com/...     # where the permission table was published
    retrieved: '2026-11-24'                 # YYYY-MM-DD
    key_description: Sophos Central Integration
    requires_integrator_login: true
    member: {identifier: SophosCentral, name: Sophos Central API}     # <= 15 / <= 30 characters
    role: {name: Sophos Central Integration, role_type: Member}       # <= 30 / <= 30 characters
    permissions:                            # one row per Module > Function, levels default to None
      - {module: Companies, function: Company Maintenance, inquire: All}
    customize: []                           # optional: [{module, function, allow: [...]}]
    verify:                                 # read probes run with the new key
      - {path: /procurement/catalog, params: {pageSize: 1}}
    notes: []                               # optional free text

``validate_profile()`` returns a list of one-sentence errors; an empty list means valid.
It is pure Python so that the filter plugin, the role and the unit tests share it.
"""

from __future__ import annotations

import datetime
import difflib
import re

from ansible_collections.msp.connectwise.plugins.module_utils._permissions import canon, probe_path_problem
from ansible_collections.msp.connectwise.plugins.module_utils._resources import field_problem, field_problems

LEVELS = ('All', 'My', 'None')
VERBS = ('add', 'edit', 'delete', 'inquire')

TOP_REQUIRED = ('name', 'vendor', 'source', 'retrieved', 'key_description', 'requires_integrator_login',
                'member', 'role', 'permissions', 'verify')
TOP_OPTIONAL = ('customize', 'notes')
MEMBER_KEYS = ('identifier', 'name')
ROLE_KEYS = ('name', 'role_type')
ROW_REQUIRED = ('module', 'function')
ROW_OPTIONAL = VERBS + ('note',)
CUSTOMIZE_KEYS = ('module', 'function', 'allow')
VERIFY_REQUIRED = ('path',)
VERIFY_OPTIONAL = ('params',)

# Spellings seen in vendor pages and third-party exports that mean a real level.
LEVEL_ALIASES = {'all': 'All', 'my': 'My', 'mine': 'My', 'none': 'None', '-': 'None', '': 'None'}

NAME_RE = re.compile(r'^[a-z][a-z0-9_]*$')
DATE_RE = re.compile(r'^\d{4}-\d{2}-\d{2}$')


def _suggest(word, candidates):
    """Return ' Did you mean X?' for the closest candidate, or ''."""
    if not isinstance(word, str):
        return ''
    matches = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if not matches:
        lowered = dict((c.lower(), c) for c in candidates)
        if word.lower() in lowered:
            matches = [lowered[word.lower()]]
    return ' Did you mean %r?' % matches[0] if matches else ''


def _unknown_keys(mapping, allowed, where):
    errors = []
    for key in mapping:
        if key not in allowed:
            errors.append('%s has the unknown key %r.%s' % (where, key, _suggest(key, allowed)))
    return errors


def _missing_keys(mapping, required, where):
    return ['%s is missing the required key %r.' % (where, key) for key in required if key not in mapping]


def _text(value):
    return isinstance(value, str) and value.strip() != ''


def _check_text(mapping, key, where, errors):
    if key in mapping and not _text(mapping[key]):
        errors.append('%s %s must be a non-empty string.' % (where, key))


def _check_field(mapping, key, field, setting, errors):
    """A value ConnectWise stores in ``field`` (see _resources.FIELDS)."""
    if key not in mapping:
        return
    if not isinstance(mapping[key], str):
        errors.append('The profile %s must be a string.' % setting)
        return
    problem = field_problem(field, mapping[key], 'the profile %s' % setting)
    if problem:
        errors.append(problem)


def suggest_level(value):
    """Return the level a wrong spelling most likely meant, or None."""
    if not isinstance(value, str):
        return None
    alias = LEVEL_ALIASES.get(value.strip().lower())
    if alias:
        return alias
    matches = difflib.get_close_matches(value, LEVELS, n=1, cutoff=0.5)
    return matches[0] if matches else None


def row_label(row):
    """'Module > Function' of a permission row, tolerant of broken rows."""
    if not isinstance(row, dict):
        return repr(row)
    return '%s > %s' % (row.get('module', '?'), row.get('function', '?'))


def _validate_member(member, errors):
    if not isinstance(member, dict):
        errors.append('member must be a mapping with identifier and name.')
        return
    errors.extend(_unknown_keys(member, MEMBER_KEYS, 'member'))
    errors.extend(_missing_keys(member, MEMBER_KEYS, 'member'))
    _check_field(member, 'identifier', 'member_identifier', 'member identifier', errors)
    _check_field(member, 'name', 'member_name', 'member name', errors)


def _validate_role(role, errors):
    if not isinstance(role, dict):
        errors.append('role must be a mapping with name and role_type.')
        return
    errors.extend(_unknown_keys(role, ROLE_KEYS, 'role'))
    errors.extend(_missing_keys(role, ROLE_KEYS, 'role'))
    _check_field(role, 'name', 'role_name', 'role name', errors)
    _check_field(role, 'role_type', 'role_type', 'role role_type', errors)
    if str(role.get('role_type') or '').strip().lower() == 'admin':
        errors.append("role role_type 'Admin' would make an administrator role; an integration gets a role that grants "
                      "only the listed permissions (use Member).")


def _validate_rows(rows, errors):
    if not isinstance(rows, list) or not rows:
        errors.append('permissions must be a non-empty list of rows.')
        return set()
    seen = {}
    for index, row in enumerate(rows, start=1):
        where = 'permissions row %d' % index
        if not isinstance(row, dict):
            errors.append('%s must be a mapping with module, function and levels.' % where)
            continue
        where = '%s (%s)' % (where, row_label(row))
        errors.extend(_unknown_keys(row, ROW_REQUIRED + ROW_OPTIONAL, where))
        errors.extend(_missing_keys(row, ROW_REQUIRED, where))
        _check_text(row, 'module', where, errors)
        _check_text(row, 'function', where, errors)
        if 'note' in row and not _text(row['note']):
            errors.append('%s note must be a non-empty string.' % where)
        granted = False
        for verb in VERBS:
            if verb not in row:
                continue
            level = row[verb]
            if level is None:
                errors.append('%s %s level is empty; write All, My or None.' % (where, verb))
            elif level not in LEVELS:
                hint = suggest_level(level)
                errors.append('%s %s level %r is not one of All, My, None.%s'
                              % (where, verb, level, ' Did you mean %r?' % hint if hint else ''))
            elif level != 'None':
                granted = True
        if not granted and all(row.get(verb, 'None') in LEVELS for verb in VERBS):
            errors.append('%s grants nothing (every level is None); remove the row.' % where)
        if _text(row.get('module')) and _text(row.get('function')):
            key = (canon(row['module']), canon(row['function']))
            if key in seen:
                errors.append('%s duplicates permissions row %d.' % (where, seen[key]))
            else:
                seen[key] = index
    return set(seen)


def _validate_customize(items, rows, errors):
    if not isinstance(items, list):
        errors.append('customize must be a list.')
        return
    for index, item in enumerate(items, start=1):
        where = 'customize entry %d' % index
        if not isinstance(item, dict):
            errors.append('%s must be a mapping with module, function and allow.' % where)
            continue
        errors.extend(_unknown_keys(item, CUSTOMIZE_KEYS, where))
        errors.extend(_missing_keys(item, CUSTOMIZE_KEYS, where))
        _check_text(item, 'module', where, errors)
        _check_text(item, 'function', where, errors)
        allow = item.get('allow')
        if 'allow' in item and (not isinstance(allow, list) or not allow or not all(_text(a) for a in allow)):
            errors.append('%s allow must be a non-empty list of strings.' % where)
        if _text(item.get('module')) and _text(item.get('function')):
            key = (canon(item['module']), canon(item['function']))
            if key not in rows:
                errors.append('%s refers to %s > %s, which has no permissions row.' % (where, item['module'], item['function']))


def _validate_verify(probes, errors):
    if not isinstance(probes, list) or not probes:
        errors.append('verify must be a non-empty list of probes.')
        return
    for index, probe in enumerate(probes, start=1):
        where = 'verify probe %d' % index
        if not isinstance(probe, dict):
            errors.append('%s must be a mapping with a path.' % where)
            continue
        errors.extend(_unknown_keys(probe, VERIFY_REQUIRED + VERIFY_OPTIONAL, where))
        errors.extend(_missing_keys(probe, VERIFY_REQUIRED, where))
        path = probe.get('path')
        if 'path' in probe and (not _text(path) or probe_path_problem(path)):
            errors.append("%s path %r must be an API path such as /procurement/catalog: starting with /, without a "
                          "query (put parameters in params) and without '..'." % (where, path))
        if 'params' in probe and not isinstance(probe['params'], dict):
            errors.append('%s params must be a mapping.' % where)


def validate_profile(profile):
    """Return a list of one-sentence errors for ``profile``; empty when it is valid."""
    if not isinstance(profile, dict):
        return ['A profile must be a mapping, not %s.' % type(profile).__name__]
    errors = []
    errors.extend(_unknown_keys(profile, TOP_REQUIRED + TOP_OPTIONAL, 'The profile'))
    errors.extend(_missing_keys(profile, TOP_REQUIRED, 'The profile'))

    name = profile.get('name')
    if 'name' in profile and (not isinstance(name, str) or not NAME_RE.match(name)):
        errors.append('The profile name %r must be lower_snake_case, such as sophos_central.' % (name,))
    _check_text(profile, 'vendor', 'The profile', errors)
    _check_field(profile, 'key_description', 'key_description', 'key_description', errors)
    source = profile.get('source')
    if 'source' in profile and (not _text(source) or not source.startswith('https://')):
        errors.append('The profile source must be the https:// address the permission table was taken from.')
    retrieved = profile.get('retrieved')
    if 'retrieved' in profile and not isinstance(retrieved, datetime.date):
        valid = False
        if isinstance(retrieved, str) and DATE_RE.match(retrieved):
            try:
                datetime.date.fromisoformat(retrieved)
                valid = True
            except ValueError:
                valid = False
        if not valid:
            errors.append('The profile retrieved date %r must be a date written YYYY-MM-DD.' % (retrieved,))
    if 'requires_integrator_login' in profile and not isinstance(profile['requires_integrator_login'], bool):
        errors.append('The profile requires_integrator_login must be true or false.')
    if 'member' in profile:
        _validate_member(profile['member'], errors)
    if 'role' in profile:
        _validate_role(profile['role'], errors)
    rows = _validate_rows(profile['permissions'], errors) if 'permissions' in profile else set()
    if 'customize' in profile:
        _validate_customize(profile['customize'], rows, errors)
    if 'verify' in profile:
        _validate_verify(profile['verify'], errors)
    notes = profile.get('notes')
    if 'notes' in profile and (not isinstance(notes, list) or not all(_text(n) for n in notes)):
        errors.append('The profile notes must be a list of strings.')
    return errors


def validate_names(names):
    """Sentences for the names a run writes that ConnectWise would refuse: ``{field: [value, setting]}``, where
    ``field`` is one of ``_resources.FIELDS`` and ``setting`` names the variable that sets the value."""
    return field_problems(dict((field, tuple(pair)) for field, pair in (names or {}).items()))


def permission_cells(profile):
    """Rows with every verb filled in (missing levels are None), in profile order.

    Only meaningful for a profile that ``validate_profile`` accepted.
    """
    cells = []
    for row in profile.get('permissions') or []:
        cell = {'module': row['module'], 'function': row['function']}
        for verb in VERBS:
            cell[verb] = row.get(verb, 'None')
        cells.append(cell)
    return cells
