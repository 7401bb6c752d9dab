# -*- coding: utf-8 -*-
# Copyright (c) msp.connectwise contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy
import glob
import os

import pytest
import yaml

from ansible_collections.msp.connectwise.plugins.module_utils._profiles import (
    permission_cells,
    validate_names,
    validate_profile,
)

COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
PROFILE_DIR = os.path.join(COLLECTION_ROOT, 'roles', 'integration', 'files', 'profiles')
PROFILE_FILES = sorted(glob.glob(os.path.join(PROFILE_DIR, '*.yml')))

# The seed table (permission-profiles.md / seed-sophos-central-connectwise-setup.de.txt), cell by cell:
# module, function, add, edit, delete, inquire.
SOPHOS_SEED = [
    ('Companies', 'Company Maintenance', 'None', 'None', 'None', 'All'),
    ('Finance', 'Agreements', 'All', 'All', 'None', 'All'),
    ('Procurement', 'Product Catalog', 'All', 'All', 'None', 'All'),
    ('System', 'Table Setup', 'All', 'All', 'None', 'All'),
    ('System', 'Member Maintenance', 'None', 'None', 'None', 'All'),
    ('Service Desk', 'Close Service Tickets', 'All', 'All', 'None', 'All'),
    ('Service Desk', 'Service Tickets', 'All', 'All', 'None', 'All'),
    ('System', 'API Reports', 'None', 'None', 'None', 'All'),
]

# Dates this project's reference copy of the vendor tables was read: the first survey, then the second
# ("More vendor tables"), which gives no retrieval date of its own.
REFERENCE_READ = ('2026-11-24', '2026-12-03')


def load(path):
    with open(path, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def good_profile():
    return {
        'name': 'example_vendor',
        'vendor': 'Example Vendor',
        'source': 'https://example.invalid/connectwise-permissions',
        'retrieved': '2026-11-24',
        'key_description': 'Example Integration',
        'requires_integrator_login': False,
        'member': {'identifier': 'ExampleAPI', 'name': 'Example API'},
        'role': {'name': 'Example Integration', 'role_type': 'Member'},
        'permissions': [
            {'module': 'Companies', 'function': 'Company Maintenance', 'inquire': 'All'},
            {'module': 'Finance', 'function': 'Agreements', 'add': 'All', 'edit': 'My', 'inquire': 'All'},
            {'module': 'System', 'function': 'Table Setup', 'inquire': 'All'},
        ],
        'customize': [{'module': 'System', 'function': 'Table Setup', 'allow': ['Service / Service Board']}],
        'verify': [{'path': '/procurement/catalog', 'params': {'pageSize': 1}}],
        'notes': ['An example.'],
    }


# --- the shipped files ----------------------------------------------------------------------------

def test_at_least_seventeen_profiles_ship():
    names = [os.path.basename(path)[:-4] for path in PROFILE_FILES]
    assert 'sophos_central' in names
    assert len(names) >= 17, names


@pytest.mark.parametrize('path', PROFILE_FILES, ids=os.path.basename)
def test_every_shipped_profile_is_valid(path):
    profile = load(path)
    assert validate_profile(profile) == []
    assert profile['name'] == os.path.basename(path)[:-4], 'the file name is the profile name'
    assert profile['source'].startswith('https://')
    assert profile['retrieved'] in REFERENCE_READ, 'retrieved is a date the reference copy was read'


def test_sophos_rows_are_exactly_the_seed_table():
    profile = load(os.path.join(PROFILE_DIR, 'sophos_central.yml'))
    cells = [(c['module'], c['function'], c['add'], c['edit'], c['delete'], c['inquire']) for c in permission_cells(profile)]
    assert cells == SOPHOS_SEED
    assert profile['key_description'] == 'Sophos Central Integration'
    assert profile['requires_integrator_login'] is True
    assert profile['role']['role_type'] == 'Member'
    assert any('interpretation' in note for note in profile['notes'])
    assert profile['verify'][0]['path'] == '/procurement/catalog'
    assert 'customize' not in profile


def test_permission_cells_fill_missing_levels_with_none():
    cells = permission_cells(good_profile())
    assert cells[0] == {'module': 'Companies', 'function': 'Company Maintenance',
                        'add': 'None', 'edit': 'None', 'delete': 'None', 'inquire': 'All'}


# --- the validator --------------------------------------------------------------------------------

def test_good_profile_is_valid():
    assert validate_profile(good_profile()) == []


def test_retrieved_may_be_a_yaml_date():
    profile = yaml.safe_load(yaml.safe_dump(good_profile()).replace("'2026-11-24'", '2026-11-24'))
    assert not isinstance(profile['retrieved'], str)
    assert validate_profile(profile) == []


def test_not_a_mapping():
    assert validate_profile(['x']) == ['A profile must be a mapping, not list.']


def mutate(change):
    profile = good_profile()
    change(profile)
    return validate_profile(profile)


def test_missing_fields_each_reported():
    def drop(profile):
        del profile['key_description']
        del profile['verify']
        del profile['member']['name']
    assert mutate(drop) == [
        "The profile is missing the required key 'key_description'.",
        "The profile is missing the required key 'verify'.",
        "member is missing the required key 'name'.",
    ]


def test_unknown_top_level_key_with_suggestion():
    assert mutate(lambda p: p.update(permisions=[])) == [
        "The profile has the unknown key 'permisions'. Did you mean 'permissions'?",
    ]


def test_unknown_row_key_with_suggestion():
    assert mutate(lambda p: p['permissions'][0].update(inqire='All')) == [
        "permissions row 1 (Companies > Company Maintenance) has the unknown key 'inqire'. Did you mean 'inquire'?",
    ]


@pytest.mark.parametrize('level, hint', [
    ('all', " Did you mean 'All'?"),
    ('ALL', " Did you mean 'All'?"),
    ('MINE', " Did you mean 'My'?"),
    ('none', " Did you mean 'None'?"),
    ('Al', " Did you mean 'All'?"),
    ('Everything', ''),
])
def test_bad_level_with_close_match(level, hint):
    errors = mutate(lambda p: p['permissions'][1].update(add=level))
    assert errors == ["permissions row 2 (Finance > Agreements) add level %r is not one of All, My, None.%s" % (level, hint)]


def test_empty_level_and_boolean_level():
    errors = mutate(lambda p: p['permissions'][1].update(add=None, edit=True))
    assert errors == [
        'permissions row 2 (Finance > Agreements) add level is empty; write All, My or None.',
        'permissions row 2 (Finance > Agreements) edit level True is not one of All, My, None.',
    ]


def test_duplicate_rows_case_insensitive():
    errors = mutate(lambda p: p['permissions'].append({'module': 'companies', 'function': 'company maintenance', 'inquire': 'All'}))
    assert errors == ['permissions row 4 (companies > company maintenance) duplicates permissions row 1.']


def test_row_granting_nothing():
    errors = mutate(lambda p: p['permissions'].append({'module': 'Sales', 'function': 'Opportunity', 'add': 'None'}))
    assert errors == ['permissions row 4 (Sales > Opportunity) grants nothing (every level is None); remove the row.']


def test_row_without_function():
    errors = mutate(lambda p: p['permissions'].append({'module': 'Sales', 'inquire': 'All'}))
    assert errors == ["permissions row 4 (Sales > ?) is missing the required key 'function'."]


def test_identifier_too_long_and_with_space():
    errors = mutate(lambda p: p['member'].update(identifier='SixteenCharsLong'))
    assert errors == ["The API member identifier 'SixteenCharsLong' has 16 characters; ConnectWise allows 1 to 15. "
                      "Set the profile member identifier to a value that fits."]
    errors = mutate(lambda p: p['member'].update(identifier='has space'))
    assert errors == ["The API member identifier 'has space' contains whitespace, which ConnectWise does not accept there. "
                      "Set the profile member identifier to a value that fits."]


def test_names_too_long():
    long_name = 'x' * 31
    errors = mutate(lambda p: (p['member'].update(name=long_name), p['role'].update(name=long_name)))
    assert errors == [
        "The API member name %r has 31 characters; ConnectWise allows 1 to 30. "
        "Set the profile member name to a value that fits." % long_name,
        "The security role name %r has 31 characters; ConnectWise allows 1 to 30. "
        "Set the profile role name to a value that fits." % long_name,
    ]


def test_scalar_field_checks():
    def spoil(profile):
        profile['name'] = 'Sophos Central'
        profile['source'] = 'http://insecure.invalid'
        profile['retrieved'] = '2026-13-01'
        profile['requires_integrator_login'] = 'yes'
    assert mutate(spoil) == [
        "The profile name 'Sophos Central' must be lower_snake_case, such as sophos_central.",
        'The profile source must be the https:// address the permission table was taken from.',
        "The profile retrieved date '2026-13-01' must be a date written YYYY-MM-DD.",
        'The profile requires_integrator_login must be true or false.',
    ]


def test_empty_permissions_and_verify():
    def empty(profile):
        profile['permissions'] = []
        profile['verify'] = []
        profile['customize'] = []
    assert mutate(empty) == [
        'permissions must be a non-empty list of rows.',
        'verify must be a non-empty list of probes.',
    ]


def test_verify_probe_checks():
    errors = mutate(lambda p: p['verify'].extend([{'path': 'https://x.invalid/catalog'}, {'params': []}]))
    assert errors == [
        "verify probe 2 path 'https://x.invalid/catalog' must be an API path such as /procurement/catalog: starting "
        "with /, without a query (put parameters in params) and without '..'.",
        "verify probe 3 is missing the required key 'path'.",
        'verify probe 3 params must be a mapping.',
    ]


def test_customize_must_name_a_row():
    errors = mutate(lambda p: p['customize'].append({'module': 'Companies', 'function': 'Configurations', 'allow': ['Company / Configuration']}))
    assert errors == ['customize entry 2 refers to Companies > Configurations, which has no permissions row.']
    errors = mutate(lambda p: p['customize'][0].update(allow=[]))
    assert errors == ['customize entry 1 allow must be a non-empty list of strings.']


def test_every_error_is_one_sentence():
    broken = copy.deepcopy(good_profile())
    broken.update(name='X', extra=1)
    broken['permissions'][0]['add'] = 'all'
    broken['member']['identifier'] = 'x' * 20
    errors = validate_profile(broken)
    assert len(errors) == 4
    for error in errors:
        assert '\n' not in error
        assert error.endswith(('.', '?'))


@pytest.mark.parametrize('path', ['/procurement/catalog?pageSize=1', '/system/../../../_sim/health', 'procurement/catalog'])
def test_verify_paths_that_would_fail_at_verification_are_refused_up_front(path):
    errors = mutate(lambda p: p['verify'].append({'path': path}))
    assert len(errors) == 1 and repr(path) in errors[0]


@pytest.mark.parametrize('names, words', [
    ({'member_identifier': ['has space', 'integration_member_identifier']}, ['whitespace', 'integration_member_identifier']),
    ({'member_name': ['   ', 'integration_member_name']}, ['is empty', 'integration_member_name']),
    ({'role_name': ['Line\nbreak', 'integration_role_name']}, ['line break', 'integration_role_name']),
    ({'role_name': [' Padded', 'integration_role_name']}, ['starts or ends with whitespace']),
    ({'key_description': ['d' * 101, 'integration_key_description']}, ['101 characters', '1 to 100']),
    ({'integrator_username': ['', 'integration_integrator_username']}, ['is empty']),
])
def test_names_a_run_writes(names, words):
    errors = validate_names(names)
    assert len(errors) == 1
    for word in words:
        assert word in errors[0]


@pytest.mark.parametrize('names', [
    {'role_name': ['Sophos \U0001F510 Integration', 'integration_role_name']},
    {'member_name': ['Intégration Größe 🚀', 'integration_member_name']},
    {'member_identifier': ['12345', 'integration_member_identifier']},
    {'key_description': ['d' * 100, 'integration_key_description']},
])
def test_names_within_connectwise_limits_pass(names):
    assert validate_names(names) == []


def test_an_admin_role_type_is_refused():
    errors = mutate(lambda p: p['role'].update(role_type='Admin'))
    assert errors == ["role role_type 'Admin' would make an administrator role; an integration gets a role that grants "
                      "only the listed permissions (use Member)."]
