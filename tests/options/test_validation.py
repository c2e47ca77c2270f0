# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wazo_confd_pjsip.options import OptionCatalogue, OptionError, validate_option_mapping, validate_options
from wazo_confd_pjsip.options.values import MAX_LENGTH

CATALOGUE = OptionCatalogue.bundled()
INJECTIONS = ['x\n[evil]\ntype=endpoint', 'a\x00b', 'a\rb', 'a\r\n[evil](!)', 'yes\n#include /etc/passwd']

# wazo-confd-api.md: the default templates every tenant gets, and the examples of the bodies.
GLOBAL_TEMPLATE_ENDPOINT = [
    ['allow', '!all,ulaw'], ['dtmf_mode', 'rfc4733'], ['direct_media', 'no'], ['language', 'en_US'],
    ['rtp_timeout', '7200'], ['timers_sess_expires', '600'], ['timers_min_se', '90'], ['allow_subscribe', 'yes'],
    ['allow_transfer', 'yes'], ['use_ptime', 'yes'], ['inband_progress', 'no'], ['trust_id_inbound', 'no'],
    ['notify_early_inuse_ringing', 'yes'],
]  # fmt: skip
VALID_SECTIONS = [
    ('endpoint', GLOBAL_TEMPLATE_ENDPOINT),
    (
        'endpoint',
        [
            ['webrtc', 'yes'], ['dtls_auto_generate_cert', 'yes'], ['allow', '!all,opus,g722,alaw,ulaw,vp9,vp8,h264'],
            ['max_audio_streams', '1'], ['max_video_streams', '25'],
            ['callerid', '"A" <100>'], ['set_var', 'X=1'], ['set_var', 'Y=2'],
        ],
    ),
    (
        'aor',
        [
            ['max_contacts', '1'], ['remove_existing', 'yes'], ['qualify_frequency', '60'],
            ['maximum_expiration', '3600'], ['default_expiration', '120'], ['minimum_expiration', '60'],
        ],
    ),
    ('auth', [['username', 'u'], ['password', 'p;with;semicolons']]),
    ('identify', [['match', '54.172.60.0'], ['match', '54.172.60.1']]),
    (
        'registration',
        [
            ['client_uri', 'sip:peer@proxy'], ['server_uri', 'sip:proxy'], ['retry_interval', '20'],
            ['max_retries', '10000'], ['forbidden_retry_interval', '30'], ['fatal_retry_interval', '30'],
            ['auth_rejection_permanent', 'no'],
        ],
    ),
    ('transport', [['protocol', 'udp'], ['bind', '0.0.0.0:5060']]),
    (
        'transport',
        [['protocol', 'wss'], ['bind', '[::]:5443'], ['local_net', '10.0.0.0/8'], ['local_net', 'fe80::/10']],
    ),
    ('transport', [['protocol', 'tls'], ['cipher', 'ECDHE-RSA-AES128-GCM-SHA256,ECDHE-RSA-AES256-GCM-SHA384']]),
]  # fmt: skip


@pytest.mark.parametrize('object_type,options', VALID_SECTIONS)
def test_valid_sections_pass(object_type, options):
    assert validate_options(CATALOGUE, object_type, options) == []


def test_tuples_are_pairs_too():
    assert validate_options(CATALOGUE, 'aor', (('max_contacts', '1'),)) == []


def test_non_repeatable_key_twice_is_allowed():
    assert validate_options(CATALOGUE, 'endpoint', [['context', 'a'], ['context', 'b']]) == []


def test_unknown_key_gets_the_wazo_confd_wording():
    [error] = validate_options(CATALOGUE, 'auth', [['username', 'u'], ['auth_typo', 'userpass']])

    assert error.index == 1
    assert error.key == 'auth_typo'
    assert error.message == 'invalid variable (auth_typo)'
    assert error.allowed == CATALOGUE.option_names('auth')
    assert error.describe('auth_section_options') == (
        "'auth_section_options: invalid variable (auth_typo)' must be one of (auth_type, ...): "
        f"did you mean auth_type? all {len(CATALOGUE.option_names('auth'))} are in GET /1.1/asterisk/pjsip/doc"
    )


@pytest.mark.parametrize(
    'object_type,key,expected',
    [
        ('endpoint', 'contxt', "must be one of (context, ...): did you mean context?"),
        (
            'endpoint',
            'Context',
            "must be one of (context, overlap_context, message_context, ...): did you mean context?",
        ),
        (
            'aor',
            'qualify_frequncy',
            'must be one of (qualify_frequency, qualify_timeout, qualify_2xx_only, ...): '
            'did you mean qualify_frequency?',
        ),
        ('endpoint', 'zzzz', "must be one of (100rel, accept_multiple_sdp_answers, accountcode, ...): all"),
    ],
)
def test_an_unknown_key_gets_the_nearest_ones_and_a_short_message(object_type, key, expected):
    [error] = validate_options(CATALOGUE, object_type, [[key, 'x']])

    message = error.describe('field')
    assert message.startswith(f"'field: invalid variable ({key})' {expected}")
    assert message.endswith(' are in GET /1.1/asterisk/pjsip/doc') and len(message) < 250


def test_key_of_another_section_is_unknown():
    [error] = validate_options(CATALOGUE, 'aor', [['allow', 'ulaw']])
    assert error.message == 'invalid variable (allow)'


@pytest.mark.parametrize('object_type', ['endpoint', 'aor', 'auth', 'identify', 'registration', 'transport'])
def test_type_is_refused(object_type):
    [error] = validate_options(CATALOGUE, object_type, [['type', object_type]], allow_custom_keys=True)
    assert error.message == 'invalid variable (type)'
    assert 'type' not in error.allowed


def test_value_error_names_the_key_and_describes_plainly():
    [error] = validate_options(CATALOGUE, 'endpoint', [['allow', '!all,ulawx']])

    assert error.index == 0
    assert error.allowed == ()
    assert error.message.startswith('invalid value for allow: ')
    assert error.describe('endpoint_section_options') == f'endpoint_section_options: {error.message}'


def test_every_bad_option_is_reported_in_order():
    errors = validate_options(
        CATALOGUE,
        'endpoint',
        [['direct_media', 'maybe'], ['context', 'ok'], ['nope', 'x'], ['max_audio_streams', '-1']],
    )
    assert [(e.index, e.key) for e in errors] == [(0, 'direct_media'), (2, 'nope'), (3, 'max_audio_streams')]


def test_custom_keys_only_where_allowed():
    assert validate_options(CATALOGUE, 'endpoint', [['@custom', 'anything']], allow_custom_keys=True) == []

    [error] = validate_options(CATALOGUE, 'auth', [['@custom', 'anything']])
    assert error.message == 'invalid variable (@custom)'
    assert error.allowed


@pytest.mark.parametrize('value', INJECTIONS + ['', ' padded', 7, None])
def test_custom_key_values_still_get_the_safety_check(value):
    [error] = validate_options(CATALOGUE, 'aor', [['@custom', value]], allow_custom_keys=True)
    assert error.message.startswith('invalid value for @custom: ')


@pytest.mark.parametrize('key', ['@', '@with space', '@a=b', '@x\n[evil]'])
def test_malformed_custom_keys_are_refused(key):
    [error] = validate_options(CATALOGUE, 'endpoint', [[key, 'v']], allow_custom_keys=True)
    assert error.message.startswith('invalid custom variable (')
    assert '\n' not in error.message


@pytest.mark.parametrize('value', INJECTIONS)
@pytest.mark.parametrize('object_type,key', [('endpoint', 'context'), ('auth', 'password'), ('transport', 'bind')])
def test_injection_in_values_is_refused(object_type, key, value):
    [error] = validate_options(CATALOGUE, object_type, [[key, value]])
    assert error.message == f'invalid value for {key}: must not contain line breaks or control characters'


def test_injection_in_keys_is_refused_and_not_echoed_raw():
    [error] = validate_options(CATALOGUE, 'endpoint', [['context\n[evil]\ntype', 'x']])
    assert error.message == 'invalid variable (context\\n[evil]\\ntype)'


def test_value_is_never_echoed():
    secret = 'p4ss\nword'
    [error] = validate_options(CATALOGUE, 'auth', [['password', secret]])
    assert 'p4ss' not in error.describe('auth_section_options')


def test_long_keys_are_echoed_truncated():
    [error] = validate_options(CATALOGUE, 'endpoint', [['k' * MAX_LENGTH, 'v']])
    assert len(error.message) < 200


@pytest.mark.parametrize(
    'value,accepted',
    [('x' * MAX_LENGTH, True), ('x' * (MAX_LENGTH + 1), False), ('', False)],
)
def test_value_length_limits(value, accepted):
    assert (validate_options(CATALOGUE, 'endpoint', [['context', value]]) == []) is accepted


@pytest.mark.parametrize(
    'options',
    [None, 'string', 123, {'context': 'x'}, 12.5, True],
)
def test_body_that_is_not_a_list(options):
    assert validate_options(CATALOGUE, 'endpoint', options) == [
        OptionError(None, None, 'must be a list of [key, value] pairs')
    ]


@pytest.mark.parametrize(
    'pair,message',
    [
        (None, 'option 0 must be a [key, value] pair'),
        ('ab', 'option 0 must be a [key, value] pair'),
        (['context'], 'option 0 must be a [key, value] pair'),
        (['context', 'a', 'b'], 'option 0 must be a [key, value] pair'),
        ({'context': 'a'}, 'option 0 must be a [key, value] pair'),
        ([1, 'x'], 'option keys must be strings'),
        ([None, 'x'], 'option keys must be strings'),
        ([['context'], 'x'], 'option keys must be strings'),
        (['context', 5], 'invalid value for context: must be a string'),
        (['context', None], 'invalid value for context: must be a string'),
        (['context', ['x']], 'invalid value for context: must be a string'),
        (['context', {'a': 'b'}], 'invalid value for context: must be a string'),
    ],
)
def test_malformed_pairs(pair, message):
    [error] = validate_options(CATALOGUE, 'endpoint', [pair])
    assert error.index == 0
    assert error.message == message


def test_mapping_of_global_options():
    assert validate_option_mapping(CATALOGUE, 'global', {}) == []
    assert (
        validate_option_mapping(
            CATALOGUE,
            'global',
            {'user_agent': 'Wazo PBX', 'endpoint_identifier_order': 'auth_username,username,ip', 'max_forwards': '5'},
        )
        == []
    )
    assert validate_option_mapping(CATALOGUE, 'system', {'timer_t1': '500', 'compact_headers': 'yes'}) == []


def test_mapping_errors():
    errors = validate_option_mapping(
        CATALOGUE,
        'global',
        {
            'max_forwards': 'five',
            'type': 'global',
            '@custom': 'x',
            'user_agent': 'a\nb',
            'debug': 23,
            'regcontext': None,
        },
    )
    assert [(e.index, e.key) for e in errors] == [
        (None, 'max_forwards'),
        (None, 'type'),
        (None, '@custom'),
        (None, 'user_agent'),
        (None, 'debug'),
        (None, 'regcontext'),
    ]
    assert errors[1].allowed == CATALOGUE.option_names('global')
    assert errors[2].allowed == CATALOGUE.option_names('global')


def test_system_keys_are_not_global_keys():
    [error] = validate_option_mapping(CATALOGUE, 'global', {'timer_t1': '500'})
    assert error.message == 'invalid variable (timer_t1)'


@pytest.mark.parametrize('mapping', [123, None, 'string', [['user_agent', 'x']], 1.5])
def test_mapping_that_is_not_an_object(mapping):
    assert validate_option_mapping(CATALOGUE, 'global', mapping) == [
        OptionError(None, None, 'must be an object of option names to string values')
    ]


def test_mapping_with_non_string_key():
    [error] = validate_option_mapping(CATALOGUE, 'global', {5: 'x'})
    assert error.key == 5
    assert error.message == 'option keys must be strings'


JSON_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
KEYS = st.sampled_from(['context', 'allow', 'bind', 'type', '@x', 'max_contacts', 'direct_media']) | st.text(max_size=8)
PAIRS = st.lists(st.tuples(KEYS | JSON_LIKE, st.text(max_size=30) | JSON_LIKE).map(list) | JSON_LIKE, max_size=6)


@settings(max_examples=150, deadline=None)
@given(options=PAIRS | JSON_LIKE, object_type=st.sampled_from(['endpoint', 'aor', 'transport', 'nope']))
def test_validate_options_never_raises(options, object_type):
    errors = validate_options(CATALOGUE, object_type, options, allow_custom_keys=True)
    assert all(isinstance(error, OptionError) and isinstance(error.describe('f'), str) for error in errors)


@settings(max_examples=100, deadline=None)
@given(mapping=st.dictionaries(KEYS, st.text(max_size=30) | JSON_LIKE, max_size=6) | JSON_LIKE)
def test_validate_option_mapping_never_raises(mapping):
    errors = validate_option_mapping(CATALOGUE, 'global', mapping)
    assert all(isinstance(error, OptionError) and isinstance(error.describe('f'), str) for error in errors)


@settings(max_examples=150, deadline=None)
@given(value=st.text(max_size=40))
def test_accepted_values_cannot_break_a_pjsip_conf_line(value):
    if validate_options(CATALOGUE, 'endpoint', [['context', value]]) == []:
        assert value.splitlines() == [value]
        assert value == value.strip(' \t\r\n\v\f')  # what Asterisk's ast_strip() removes
        value.encode('utf-8')
