# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""/1.1/asterisk/pjsip/global and /system: engine-wide sections, master tenant only, PUT replaces."""
import pytest

from .conftest import MAIN, OTHER_TOKEN, SUB, SUB_TOKEN

UNAUTHORIZED = ['Unauthorized: invalid token or unauthorized access']
SEEDED = {
    'global': {'user_agent': 'Wazo PBX', 'endpoint_identifier_order': 'auth_username,username,ip'},
    'system': {},
}
SECTIONS = tuple(SEEDED)
# A valid option of each section, with a value of its kind.
VALID = {
    'global': {'max_forwards': '5', 'user_agent': 'My PBX'},
    'system': {'timer_t1': '600', 'compact_headers': 'yes'},
}


def path(section):
    return f'/asterisk/pjsip/{section}'


@pytest.mark.parametrize('section', SECTIONS)
def test_get_seeded_defaults(api, section):
    response = api.get(path(section))

    assert response.status_code == 200
    assert response.json == {'options': SEEDED[section]}


def test_seeded_global_keeps_its_order(api):
    assert list(api.get(path('global')).json['options']) == ['user_agent', 'endpoint_identifier_order']


@pytest.mark.parametrize('section', SECTIONS)
def test_put_replaces_the_whole_section(api, section):
    response = api.put(path(section), json={'options': VALID[section]})

    assert response.status_code == 204
    assert response.data == b''
    assert api.get(path(section)).json == {'options': VALID[section]}


@pytest.mark.parametrize('section', SECTIONS)
def test_put_empty_clears(api, section):
    api.put(path(section), json={'options': VALID[section]})

    assert api.put(path(section), json={'options': {}}).status_code == 204
    assert api.get(path(section)).json == {'options': {}}


def test_put_keeps_the_given_order(api):
    options = {'user_agent': 'PBX', 'max_forwards': '10', 'default_realm': 'example.com', 'keep_alive_interval': '90'}

    api.put(path('global'), json={'options': options})

    assert list(api.get(path('global')).json['options'].items()) == list(options.items())


def test_sections_are_independent(api):
    api.put(path('system'), json={'options': VALID['system']})

    assert api.get(path('global')).json == {'options': SEEDED['global']}


def test_get_body_can_be_put_back(api):
    body = api.get(path('global')).json

    assert api.put(path('global'), json=body).status_code == 204
    assert api.get(path('global')).json == body


def test_unknown_top_level_keys_are_ignored(api):
    response = api.put(path('global'), json={'options': {'max_forwards': '5'}, 'links': []})

    assert response.status_code == 204
    assert api.get(path('global')).json == {'options': {'max_forwards': '5'}}


def test_value_with_commas_and_spaces_inside(api):
    options = {'endpoint_identifier_order': 'ip,username', 'user_agent': 'Wazo PBX 23.1'}

    assert api.put(path('global'), json={'options': options}).status_code == 204
    assert api.get(path('global')).json == {'options': options}


BAD_SHAPES = [
    ({'options': 123}, 'Input Error - options: Not a valid mapping of option names to string values.'),
    ({'options': None}, 'Input Error - options: Field may not be null.'),
    ({'options': 'max_forwards=5'}, 'Input Error - options: Not a valid mapping of option names to string values.'),
    (
        {'options': [['max_forwards', '5']]},
        'Input Error - options: Not a valid mapping of option names to string values.',
    ),
    ({'options': {'max_forwards': 23}}, "Input Error - options: 'max_forwards': the value must be a string"),
    ({'options': {'max_forwards': None}}, "Input Error - options: 'max_forwards': the value must be a string"),
    ({}, 'Input Error - options: Missing data for required field.'),
]


@pytest.mark.parametrize('section', SECTIONS)
def test_bad_shapes_are_refused(api, section):
    for body, message in BAD_SHAPES:
        response = api.put(path(section), json=body)

        assert (response.status_code, response.json) == (400, [message]), body
    assert api.get(path(section)).json == {'options': SEEDED[section]}


@pytest.mark.parametrize('section', SECTIONS)
def test_unknown_keys_are_refused_naming_the_field(api, section):
    for key in ('type', 'no_such_option', 'transport'):
        response = api.put(path(section), json={'options': {**VALID[section], key: 'x'}})

        assert response.status_code == 400, key
        (message,) = response.json
        assert message.startswith(f"Input Error - 'options: invalid variable ({key})' must be one of (")
        assert message.endswith(' are in GET /1.1/asterisk/pjsip/doc')  # where the whole list is
    assert api.get(path(section)).json == {'options': SEEDED[section]}


def test_a_key_of_the_other_section_is_refused(api):
    response = api.put(path('system'), json={'options': {'user_agent': 'PBX'}})

    assert response.status_code == 400
    assert response.json[0].startswith("Input Error - 'options: invalid variable (user_agent)'")


BAD_VALUES = [
    ('global', {'max_forwards': 'many'}, 'invalid value for max_forwards'),
    ('global', {'taskprocessor_overload_trigger': 'sometimes'}, 'invalid value for taskprocessor_overload_trigger'),
    (
        'global',
        {'user_agent': 'PBX\n[evil]\ntype=endpoint'},
        'invalid value for user_agent: must not contain line breaks',
    ),
    ('global', {'user_agent': ''}, 'invalid value for user_agent: must not be empty'),
    ('system', {'compact_headers': 'maybe'}, 'invalid value for compact_headers'),
]


def test_bad_values_are_refused_naming_field_and_option(api):
    for section, options, fragment in BAD_VALUES:
        response = api.put(path(section), json={'options': options})

        assert response.status_code == 400, options
        (message,) = response.json
        assert message.startswith('Input Error - options: ')
        assert fragment in message
    for section in SECTIONS:
        assert api.get(path(section)).json == {'options': SEEDED[section]}


def test_every_bad_option_is_reported(api):
    response = api.put(path('global'), json={'options': {'max_forwards': 'many', 'keep_alive_interval': 'often'}})

    assert response.status_code == 400
    assert len(response.json) == 2


@pytest.mark.parametrize('section', SECTIONS)
def test_non_master_tenant_may_neither_read_nor_write(api, section):
    for token in (SUB_TOKEN, OTHER_TOKEN):
        other = api.as_(token)

        read = other.get(path(section))
        write = other.put(path(section), json={'options': {}})

        assert (read.status_code, read.json) == (401, UNAUTHORIZED)
        assert (write.status_code, write.json) == (401, UNAUTHORIZED)
    assert api.get(path(section)).json == {'options': SEEDED[section]}


@pytest.mark.parametrize('section', SECTIONS)
def test_the_token_tenant_decides_not_the_header(api, section):
    assert api.as_(tenant=SUB).get(path(section)).status_code == 200
    assert api.as_(SUB_TOKEN, tenant=SUB).get(path(section)).status_code == 401
    # a sub-tenant token may not even name the master tenant
    assert api.as_(SUB_TOKEN, tenant=MAIN).get(path(section)).status_code == 401
