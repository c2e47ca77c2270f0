# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Refused bodies: the 400's exact text, and nothing written (on create as on update)."""
import pytest

from .helpers import ENDPOINTS, SECTION_FIELDS, TEMPLATES, create_endpoint, create_template, item_path, row_counts

OBJECT_TYPES = {
    'aor_section_options': 'aor',
    'auth_section_options': 'auth',
    'endpoint_section_options': 'endpoint',
    'identify_section_options': 'identify',
    'registration_section_options': 'registration',
    'registration_outbound_auth_section_options': 'auth',
    'outbound_auth_section_options': 'auth',
}
CUSTOM_KEY_FIELDS = ('aor_section_options', 'endpoint_section_options')

# A valid line and a line with a known key but a bad value, for each section.
VALID_LINE = {
    'aor_section_options': ['max_contacts', '2'],
    'auth_section_options': ['auth_type', 'userpass'],
    'endpoint_section_options': ['direct_media', 'no'],
    'identify_section_options': ['match', '10.0.0.0/8'],
    'registration_section_options': ['max_retries', '3'],
    'registration_outbound_auth_section_options': ['username', 'u'],
    'outbound_auth_section_options': ['password', 'p'],
}
BAD_VALUE = {
    'aor_section_options': (['max_contacts', 'abc'], 'must be an integer from 0 to 4294967295'),
    'auth_section_options': (['auth_type', 'plain'], 'must be one of: userpass, md5, google_oauth, digest'),
    'endpoint_section_options': (['dtmf_mode', 'nope'], 'must be one of: rfc4733, inband, none, info, auto, auto_info'),
    'identify_section_options': (
        ['match', 'not an ip!'],
        "'not an ip!' is not an address, a network (address/mask) or a hostname",
    ),
    'registration_section_options': (['retry_interval', '-1'], 'must be an integer from 0 to 4294967295'),
    'registration_outbound_auth_section_options': (
        ['auth_type', 'plain'],
        'must be one of: userpass, md5, google_oauth, digest',
    ),
    'outbound_auth_section_options': (['auth_type', 'plain'], 'must be one of: userpass, md5, google_oauth, digest'),
}


def unknown_key(field, key):
    """The start of the message (its end: the nearest keys, tests/options/test_validation.py)."""
    return f"Input Error - '{field}: invalid variable ({key})' must be one of ("


@pytest.fixture(params=[ENDPOINTS, TEMPLATES])
def base(request):
    return request.param


@pytest.fixture
def refused(api, database, base):
    """post(body) / put(body): assert a 400 with these messages and that nothing changed."""
    existing = api.post(
        base, json={'name': 'existing', 'label': 'kept', 'endpoint_section_options': [['context', 'c']]}
    ).json
    api.get(TEMPLATES)  # the tenant's defaults are there before counting

    def check(body, messages=None, prefix=None):
        before = row_counts(database)
        for response in (api.post(base, json=body), api.put(item_path(base, existing), json=body)):
            assert response.status_code == 400, response.json
            if messages is not None:
                assert response.json == messages
            if prefix is not None:
                assert len(response.json) == 1 and response.json[0].startswith(prefix), response.json
        assert row_counts(database) == before
        assert api.get(item_path(base, existing)).json == existing

    return check


def test_every_section_accepts_its_valid_options(api, base):
    body = {field: [line] for field, line in VALID_LINE.items()}
    created = api.post(base, json=body).json
    assert {field: created[field] for field in body} == body


def test_an_unknown_key_names_the_section_field_and_the_allowed_keys(refused):
    for field in SECTION_FIELDS:
        refused({field: [VALID_LINE[field], ['auth_typo', 'x']]}, prefix=unknown_key(field, 'auth_typo'))


def test_an_option_of_another_section_is_unknown(refused):
    for field in SECTION_FIELDS:
        foreign = 'qualify_frequency' if OBJECT_TYPES[field] != 'aor' else 'context'
        refused({field: [[foreign, '1']]}, prefix=unknown_key(field, foreign))


def test_type_is_never_accepted(refused):
    for field in SECTION_FIELDS:
        refused({field: [['type', OBJECT_TYPES[field]]]}, prefix=unknown_key(field, 'type'))


def test_a_bad_value_names_the_section_the_option_and_what_is_allowed(refused):
    for field in SECTION_FIELDS:
        line, allowed = BAD_VALUE[field]
        refused({field: [line]}, [f'Input Error - {field}: invalid value for {line[0]}: {allowed}'])


MD5_CRED_RULE = 'must be an MD5 digest (32 hex digits), or <md5|sha-256|sha-512-256>:<hex digest of that length>'
# Values a real Asterisk refuses (the endpoint would sit "rejected" after a 2xx): issue 16, test_option_audit.
ASTERISK_REFUSED = [
    ('auth_section_options', ['md5_cred', 'secret'], MD5_CRED_RULE),
    ('outbound_auth_section_options', ['md5_cred', '0123456789abcdef'], MD5_CRED_RULE),
    ('registration_outbound_auth_section_options', ['md5_cred', 'z' * 32], MD5_CRED_RULE),
    (
        'identify_section_options',
        ['match_header', 'X-Trunk'],
        'must be "Header-Name: value", the value literal or a /regular expression/',
    ),
    (
        'identify_section_options',
        ['match_header', 'X-Trunk: /(?:a)/'],
        "'/(?:a)/' is not a valid POSIX extended regular expression",
    ),
    (
        'endpoint_section_options',
        ['stir_shaken', 'maybe'],
        'must be a boolean (yes/no, true/false, on/off, 1/0), attest or verify',
    ),
]


@pytest.mark.parametrize('field,line,allowed', ASTERISK_REFUSED, ids=[line[0] for _, line, _ in ASTERISK_REFUSED])
def test_values_asterisk_refuses_are_refused_naming_the_field(refused, field, line, allowed):
    refused({field: [line]}, [f'Input Error - {field}: invalid value for {line[0]}: {allowed}'])


def test_values_that_would_inject_configuration_are_refused(refused):
    keys = [(field, VALID_LINE[field][0]) for field in SECTION_FIELDS]
    keys += [(field, '@custom') for field in CUSTOM_KEY_FIELDS]
    for field, key in keys:
        for value in ('x\n[evil]', 'x\r\ntype=endpoint', 'nul\x00', 'tab\there'):
            refused(
                {field: [VALID_LINE[field], [key, value]]},
                [f'Input Error - {field}: invalid value for {key}: must not contain line breaks or control characters'],
            )


def test_custom_keys_are_accepted_on_aor_and_endpoint(api, base):
    for field in CUSTOM_KEY_FIELDS:
        lines = [['@wazo_line', 'yes'], ['@x.y-z_1', 'any value: ok']]
        assert api.post(base, json={field: lines}).json[field] == lines


def test_custom_keys_are_refused_elsewhere(refused):
    for field in sorted(set(SECTION_FIELDS) - set(CUSTOM_KEY_FIELDS)):
        refused({field: [['@custom', 'x']]}, prefix=unknown_key(field, '@custom'))


def test_a_custom_key_needs_a_name(refused):
    refused(
        {'endpoint_section_options': [['@', 'x']]},
        prefix='Input Error - endpoint_section_options: invalid custom variable (@)',
    )
    refused({'endpoint_section_options': [['@a b', 'x']]}, prefix='Input Error - endpoint_section_options: ')


def test_a_custom_key_has_the_syntax_pjsip_conf_takes(refused):
    for key, shown in (('@a/b', '@a/b'), ('@a\n', '@a\\n'), ('@a~b', '@a~b')):
        refused(
            {'endpoint_section_options': [[key, 'x']]},
            prefix=f'Input Error - endpoint_section_options: invalid custom variable ({shown})',
        )


def test_at_most_512_options_per_section(api, base, refused):
    lines = [['set_var', f'V{index}=1'] for index in range(512)]
    assert len(api.post(base, json={'endpoint_section_options': lines}).json['endpoint_section_options']) == 512
    refused(
        {'endpoint_section_options': lines + [['set_var', 'ONE=TOO_MANY']]},
        ['Input Error - endpoint_section_options: Longer than maximum length 512.'],
    )


def test_keys_and_values_are_1_to_4092_characters(api, base, refused):
    assert api.post(base, json={'endpoint_section_options': [['@' + 'k' * 4091, 'v' * 4092]]}).status_code == 201
    field = 'endpoint_section_options'
    too_long = 'x' * 4093
    refused({field: [['', 'x']]}, [f'Input Error - {field}: item 0: the key must be 1 to 4092 characters long'])
    refused({field: [['context', '']]}, [f'Input Error - {field}: item 0: the value must be 1 to 4092 characters long'])
    refused(
        {field: [['context', too_long]]},
        [f'Input Error - {field}: item 0: the value must be 1 to 4092 characters long'],
    )
    refused(
        {field: [['@' + too_long, 'x']]}, [f'Input Error - {field}: item 0: the key must be 1 to 4092 characters long']
    )


WRONG_SHAPES = [
    ([['context', 5]], 'item 0: the value must be a string'),
    ([['context', None]], 'item 0: the value must be a string'),
    ([['context', ['a']]], 'item 0: the value must be a string'),
    ([['context', 'ok'], [5, 'x']], 'item 1: the key must be a string'),
    ([['context']], 'item 0: must be a [key, value] pair'),
    ([['context', 'a', 'b']], 'item 0: must be a [key, value] pair'),
    ([{'context': 'a'}], 'item 0: must be a [key, value] pair'),
    (['context=a'], 'item 0: must be a [key, value] pair'),
    ({'context': 'a'}, 'Not a valid list.'),
    ('context=a', 'Not a valid list.'),
    (None, 'Field may not be null.'),
]


def test_wrong_shapes_of_a_section(refused):
    for lines, message in WRONG_SHAPES:
        refused({'endpoint_section_options': lines}, [f'Input Error - endpoint_section_options: {message}'])


WRONG_FIELDS = [
    ({'templates': 'x'}, 'Input Error - templates: Not a valid list.'),
    ({'templates': None}, 'Input Error - templates: Field may not be null.'),
    ({'templates': [5]}, 'Input Error - templates.0: Invalid input type.'),
    ({'templates': [{'uuid': 'bad'}]}, 'Input Error - templates.0.uuid: Not a valid UUID.'),
    ({'templates': [{}]}, 'Input Error - templates.0.uuid: Missing data for required field.'),
    ({'transport': {}}, 'Input Error - transport.uuid: Missing data for required field.'),
    ({'transport': 5}, 'Input Error - transport: Invalid input type.'),
    ({'transport': {'uuid': 'bad'}}, 'Input Error - transport.uuid: Not a valid UUID.'),
    (
        {'transport': {'uuid': '11111111-1111-1111-1111-111111111111'}},
        "Input Error - field 'transport': SIPTransport was not found ('uuid': '11111111-1111-1111-1111-111111111111')",
    ),
    ({'label': 'x' * 129}, 'Input Error - label: Longer than maximum length 128.'),
    ({'label': 5}, 'Input Error - label: Not a valid string.'),
    ({'asterisk_id': 'nope'}, "Input Error - asterisk_id: unknown Asterisk engine 'nope' (known: default)"),
    ({'asterisk_id': 5}, 'Input Error - asterisk_id: Not a valid string.'),
    ({'asterisk_id': 'x' * 1025}, 'Input Error - asterisk_id: Longer than maximum length 1024.'),
]


def test_wrong_fields(refused):
    for body, message in WRONG_FIELDS:
        refused(body, [message])


def test_one_message_per_wrong_field(refused):
    refused(
        {'label': 5, 'templates': 'x'},
        ['Input Error - label: Not a valid string.', 'Input Error - templates: Not a valid list.'],
    )


def test_the_configured_asterisk_engine_is_accepted(api, base):
    assert api.post(base, json={'asterisk_id': 'default'}).json['asterisk_id'] == 'default'


INVALID_JSON = [
    (b'', 'Input Error - body: Missing or invalid JSON body'),
    (b'{"name": ', 'Input Error - body: Missing or invalid JSON body'),
    (b'null', 'Input Error - body: Missing or invalid JSON body'),
    (b'[]', 'Input Error - body: Must be a JSON object'),
    (b'"x"', 'Input Error - body: Must be a JSON object'),
]


def test_missing_or_invalid_json(api, database, base):
    item = api.post(base, json={}).json
    before = row_counts(database)
    for data, message in INVALID_JSON:
        for method, path in (('POST', base), ('PUT', item_path(base, item))):
            response = api.request(method, path, data=data, headers={'Content-Type': 'application/json'})
            assert (response.status_code, response.json) == (400, [message])
    assert row_counts(database) == before


def test_a_refused_update_leaves_every_field_as_it_was(api, database):
    template = create_template(api)
    endpoint = create_endpoint(api, name='intact', label='before', endpoint_section_options=[['context', 'a']])
    before = row_counts(database)
    body = {
        'name': 'renamed',
        'label': 'after',
        'templates': [{'uuid': template['uuid']}],
        'aor_section_options': [['max_contacts', '1']],
        'endpoint_section_options': [['context', 'x\n[evil]']],
    }
    assert api.put(item_path(ENDPOINTS, endpoint), json=body).status_code == 400
    assert api.get(item_path(ENDPOINTS, endpoint)).json == endpoint
    assert row_counts(database) == before
    assert create_endpoint(api, name='renamed')  # the new name was not kept either


def test_labels_with_line_breaks_are_refused(api):
    response = api.post('/endpoints/sip', json={'label': 'Alice\n[evil]'})

    assert response.status_code == 400
    assert response.json == ['Input Error - label: Must not contain line breaks or control characters.']
    assert api.get('/endpoints/sip').json['total'] == 0
