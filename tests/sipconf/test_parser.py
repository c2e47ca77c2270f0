# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wazo_confd_pjsip.sipconf import map_sip_conf
from wazo_confd_pjsip.sipconf.parser import APPEND, NORMAL, TEMPLATE, SipConfError, parse, section_lines


def lines_of(conf, name):
    return [(line.key, line.value) for line in conf.definition(name).lines]


def test_sections_keep_kind_parents_and_positions():
    conf = parse(
        '[base](!)\n' 'context = internal\n' '[codecs](!)\n' 'allow = ulaw\n' '[alice](base,codecs)\n' 'secret = s\n',
        file='sip.conf',
    )

    assert [(s.name, s.kind, s.parents, s.line_no) for s in conf.sections] == [
        ('base', TEMPLATE, [], 1),
        ('codecs', TEMPLATE, [], 3),
        ('alice', NORMAL, ['base', 'codecs'], 5),
    ]
    secret = conf.definition('alice').lines[0]
    assert (secret.key, secret.value, secret.file, secret.line_no) == ('secret', 's', 'sip.conf', 6)
    # Inheritance is recorded, not flattened.
    assert lines_of(conf, 'alice') == [('secret', 's')]
    assert [(line.key, line.value) for line in section_lines(conf, 'alice')] == [
        ('context', 'internal'),
        ('allow', 'ulaw'),
        ('secret', 's'),
    ]


def test_template_with_parents_and_parent_lookup_is_case_insensitive():
    conf = parse('[Base](!)\na = 1\n[mid](!,base)\nb = 2\n[peer](MID)\nc = 3\n')

    assert conf.definition('mid').kind == TEMPLATE
    assert conf.definition('mid').parents == ['Base']
    assert conf.definition('peer').parents == ['mid']
    assert [line.key for line in section_lines(conf, 'peer')] == ['a', 'b', 'c']


def test_append_section_adds_lines_to_the_earlier_section():
    conf = parse('[alice]\ncontext = a\n[bob]\ncontext = b\n[alice](+)\nallow = ulaw\n')

    assert [(s.name, s.kind) for s in conf.sections] == [('alice', NORMAL), ('bob', NORMAL), ('alice', APPEND)]
    assert conf.sections[2].lines[0].line_no == 6
    assert lines_of(conf, 'alice') == [('context', 'a'), ('allow', 'ulaw')]
    assert list(conf.definitions) == ['alice', 'bob']


def test_append_with_parents_copies_their_lines_like_asterisk():
    conf = parse('[t](!)\nallow = g722\n[alice]\ncontext = a\n[alice](+,t)\ndisallow = all\n')

    assert lines_of(conf, 'alice') == [('context', 'a'), ('allow', 'g722'), ('disallow', 'all')]


def test_plus_equal_appends_raw_text_to_the_previous_line_of_the_key():
    conf = parse('[alice]\nallow = ulaw\ncontext = x\nallow = alaw\nallow +=,g722\nallow += ,g729\n')

    # The text after '=' is appended as is, spaces included, as Asterisk does.
    assert lines_of(conf, 'alice') == [('allow', 'ulaw'), ('context', 'x'), ('allow', 'alaw,g722 ,g729')]


def test_plus_equal_reaches_across_an_append_section():
    conf = parse('[alice]\ncallerid = "Alice\n[alice](+)\ncallerid += " <100>\n')

    assert lines_of(conf, 'alice') == [('callerid', '"Alice " <100>')]


def test_plus_equal_on_an_inherited_key_extends_the_inherited_value():
    conf = parse('[t](!)\nallow = ulaw\n[alice](t)\nallow +=,alaw\n')

    assert lines_of(conf, 'alice') == [('allow', 'ulaw,alaw')]
    assert lines_of(conf, 't') == [('allow', 'ulaw')]


def test_plus_equal_in_an_append_block_leaves_the_parent_lines_alone():
    conf = parse('[t](!)\nallow = ulaw\n[alice]\ncontext = a\n[alice](+,t)\nallow +=,alaw\n')

    assert lines_of(conf, 'alice') == [('context', 'a'), ('allow', 'ulaw,alaw')]
    assert lines_of(conf, 't') == [('allow', 'ulaw')]


@pytest.mark.parametrize(
    'text, line',
    [
        ('[tpl](!)\ncontext = a\n[p](tpl)\ntype = friend\n[tpl](+)\nallow = ulaw\n', 6),
        ('[tpl](!)\n[mid](!,tpl)\n[p](mid)\n[tpl](+)\n\nallow = ulaw\n', 6),
        ('[tpl](!)\n[other](!)\n[p](tpl)\n[tpl](+,other)\n', 4),
        ('[tpl]\ntype = friend\n[p]\n[p](+,tpl)\n[tpl](+)\nallow = ulaw\n', 6),
    ],
)
def test_lines_appended_to_a_parent_after_a_child_inherited_it_are_an_error(text, line):
    error = error_of(text)

    child = 'mid' if '[mid]' in text else 'p'
    assert (error.file, error.line) == ('sip.conf', line)
    assert error.message == (
        f"lines appended to template 'tpl' after '{child}' inherited from it would not reach '{child}' in chan_sip:"
        " move them into the template's definition"
    )


def test_appending_to_a_parent_before_any_child_is_fine():
    conf = parse('[tpl](!)\ncontext = a\n[tpl](+)\nallow = ulaw\n[p](tpl)\ntype = friend\n')

    assert [(line.key, line.value) for line in section_lines(conf, 'p')] == [
        ('context', 'a'),
        ('allow', 'ulaw'),
        ('type', 'friend'),
    ]


def test_plus_equal_without_previous_line_sets_the_key():
    conf = parse('[alice]\nallow += ulaw\n')

    assert lines_of(conf, 'alice') == [('allow', 'ulaw')]


def test_arrow_is_an_equal_sign_and_first_equal_splits():
    conf = parse('[alice]\nsetvar => A=1\nkey=>value\n')

    assert lines_of(conf, 'alice') == [('setvar', 'A=1'), ('key', 'value')]


def test_comments_and_escaped_semicolons():
    conf = parse(
        '; leading comment\n'
        '[alice] ; a comment after the header\n'
        'callerid = Alice \\; Bob ; trailing comment\n'
        ';context = ignored\n'
        'language = fr;comment\n'
        ';---------- a separator, not a block comment\n'
        'dtmfmode = rfc2833\n'
    )

    assert lines_of(conf, 'alice') == [('callerid', 'Alice ; Bob'), ('language', 'fr'), ('dtmfmode', 'rfc2833')]


def test_block_comments_span_lines_and_nest():
    conf = parse(
        '[alice]\n'
        'context = a ;-- start\n'
        'secret = hidden\n'
        ';-- nested --; still = hidden\n'
        'end --; language = fr\n'
        'allow = ulaw\n'
    )

    assert lines_of(conf, 'alice') == [('context', 'a'), ('language', 'fr'), ('allow', 'ulaw')]


def test_register_and_realm_auth_lines_are_structured():
    conf = parse(
        '[general]\n'
        'register => user:secret@203.0.113.1:5060/100\n'
        '[authentication]\n'
        'auth = bob:pw@example.com\n'
        'auth = carol#0123abcd@other.example.com\n'
    )

    registration = conf.registrations[0]
    assert (registration.user, registration.secret, registration.host, registration.port, registration.extension) == (
        'user',
        'secret',
        '203.0.113.1',
        '5060',
        '100',
    )
    assert (registration.file, registration.line_no) == ('sip.conf', 2)
    assert [(c.user, c.secret, c.md5secret, c.realm, c.line_no) for c in conf.credentials] == [
        ('bob', 'pw', None, 'example.com', 4),
        ('carol', None, '0123abcd', 'other.example.com', 5),
    ]


def test_register_outside_general_is_an_ordinary_line():
    conf = parse('[alice]\nregister => a@b\n')

    assert conf.registrations == []
    assert lines_of(conf, 'alice') == [('register', 'a@b')]


def test_includes_are_relative_to_the_including_file_and_continue_its_section():
    files = {
        'conf/peers/alice.conf': b'secret = a\n[bob]\nsecret = b\n',
        'conf/peers/common.conf': '[common](!)\ncontext = internal\n',
    }
    conf = parse(
        '#include "peers/common.conf"\n' '[alice](common)\n' '#include peers/alice.conf\n' 'language = fr\n',
        file='conf/sip.conf',
        read_include=files.get,
    )

    assert lines_of(conf, 'alice') == [('secret', 'a'), ('language', 'fr')]
    assert lines_of(conf, 'bob') == [('secret', 'b')]
    alice_secret = conf.definition('alice').lines[0]
    assert (alice_secret.file, alice_secret.line_no) == ('conf/peers/alice.conf', 1)
    assert conf.definition('common').file == 'conf/peers/common.conf'


def test_tryinclude_of_a_missing_file_is_skipped():
    def read(path):
        raise FileNotFoundError(path)

    conf = parse('[alice]\n#tryinclude missing.conf\ncontext = a\n', read_include=read)

    assert lines_of(conf, 'alice') == [('context', 'a')]


def error_of(text, **kwargs):
    with pytest.raises(SipConfError) as caught:
        parse(text, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    'text, line, words',
    [
        ('[general]\nfoo = 1\n[alice\ncontext = a\n', 3, "no closing ']'"),
        ('[alice](!\n', 1, "no closing ')'"),
        ('[alice] (!)\n', 1, 'unexpected text'),
        ('[]\n', 1, 'empty section name'),
        ('; comment\ncontext = a\n', 2, 'outside a section'),
        ('[alice](base)\n', 1, 'unknown section [base]'),
        ('[alice](+)\n', 1, 'unknown section [alice]'),
        ('[alice]\n[bob]\n[Alice]\n', 3, 'already defined at sip.conf:1'),
        ('[alice]\njust words\n', 2, "expected 'key = value'"),
        ('[alice]\n = value\n', 2, 'missing key'),
        ('[alice]\ncontext = a ;-- never closed\nx = 1\n', 2, 'unterminated block comment'),
        ('[alice]\n#exec /bin/true\n', 2, "unsupported directive '#exec'"),
        ('[general]\nregister => nohost\n', 2, "no '@host'"),
        ('[general]\nregister => user@host:99999\n', 2, 'invalid port'),
        ('[authentication]\nauth = nobody\n', 2, 'no \'@realm\''),
    ],
)
def test_malformed_text_is_an_error_with_file_and_line(text, line, words):
    error = error_of(text)

    assert (error.file, error.line) == ('sip.conf', line)
    assert words in error.message
    assert str(error).startswith(f'sip.conf:{line}: ')


def test_inheritance_that_expands_too_much_is_refused():
    # Each level inherits the previous one twice (a diamond): 2, 4, 8... copies of the first line.
    text = '[t0](!)\nallow = ulaw\n' + ''.join(f'[t{n}](!,t{n - 1},t{n - 1})\n' for n in range(1, 12))

    error = error_of(text)

    assert (error.file, error.line) == ('sip.conf', 12)
    assert error.message == '[t10] inherits 1024 lines (more than 1000): templates nest too much'


def test_include_without_reader_is_not_allowed():
    error = error_of('[alice]\n#include other.conf\n')

    assert (error.file, error.line) == ('sip.conf', 2)
    assert 'not allowed' in error.message


def test_missing_include_is_an_error():
    error = error_of('#include other.conf\n', read_include=lambda path: None)

    assert (error.file, error.line) == ('sip.conf', 1)
    assert "'other.conf' not found" in error.message


def test_unreadable_include_is_an_error():
    def read(path):
        raise PermissionError(13, 'Permission denied')

    error = error_of('#include other.conf\n', read_include=read)

    assert (error.file, error.line) == ('sip.conf', 1)
    assert 'Permission denied' in error.message


def test_include_loop_is_detected():
    files = {'a.conf': '[a]\nx = 1\n#include b.conf\n', 'b.conf': '\n#include a.conf\n'}

    error = error_of('#include a.conf\n', read_include=files.get)

    assert (error.file, error.line) == ('b.conf', 2)
    assert error.message == 'include loop: a.conf -> b.conf -> a.conf'


def test_a_file_including_itself_is_a_loop():
    error = error_of('[a]\n#include sip.conf\n', read_include=lambda path: '[b]\n')

    assert (error.file, error.line) == ('sip.conf', 2)
    assert 'include loop' in error.message


def test_deep_include_chains_are_refused():
    error = error_of('#include 1.conf\n', read_include=lambda path: f'#include {int(path[:-5]) + 1}.conf\n')

    assert 'nested deeper than' in error.message


@pytest.mark.parametrize(
    'data, line',
    [
        (b'[alice]\ncontext = a\x00b\n', 2),
        (b'\x7fELF\x02\x01\x01\x00\x00', 1),
        (b'[alice]\n\ncallerid = \xff\xfe\n', 3),
        (b'[alice]\nx = \x1b[31m\n', 2),
    ],
)
def test_binary_input_is_an_error_with_its_line(data, line):
    error = error_of(data)

    assert (error.file, error.line) == ('sip.conf', line)
    assert 'binary' in error.message


def test_other_encodings_can_be_chosen():
    conf = parse('[alice]\ncallerid = "Andr\xe9" <100>\n'.encode('latin-1'), encoding='latin-1')

    assert lines_of(conf, 'alice') == [('callerid', '"Andr\xe9" <100>')]


def test_byte_order_mark_is_ignored():
    conf = parse('\ufeff[alice]\r\ncontext = a\r\n'.encode())

    assert lines_of(conf, 'alice') == [('context', 'a')]


def test_files_over_the_size_limit_are_refused():
    peer = b'[p]\ncontext = c\n'
    big = peer * (10 * 1024 * 1024 // len(peer) + 1)

    error = error_of(big)

    assert error.file == 'sip.conf'
    assert error.line == 10 * 1024 * 1024 // len(peer) * 2 + 1
    assert 'limit of 10485760 bytes' in error.message


def test_size_limit_counts_included_files():
    files = {'a.conf': b'[a]\n' + b'x = 1\n' * 20}

    error = error_of(b'#include a.conf\n', read_include=files.get, max_bytes=100)

    assert (error.file, error.line) == ('a.conf', 15)
    parse(b'#include a.conf\n', read_include=files.get, max_bytes=200)


config_like = st.lists(
    st.sampled_from(
        [
            '[a]',
            '[b](!)',
            '[c](a,b)',
            '[a](+)',
            '[general]',
            'type=friend',
            'host=dynamic',
            'host=[::1',
            'register => u:p@h',
            'register => x',
            'k += v',
            'allow=ulaw',
            ';--',
            '--;',
            '\\;',
            '#include x',
            '=',
            '[',
            '(',
            ')',
            ',',
            ' ',
            '\n',
            '\x00',
            'é',
        ]
    ),
    max_size=30,
).map(''.join)


@settings(max_examples=200, deadline=None)
@given(config_like)
def test_any_text_parses_and_maps_or_fails_with_a_position(text):
    try:
        conf = parse(text, read_include=lambda path: '[inc]\ntype=peer\n')
    except SipConfError as e:
        assert e.file and e.line >= 1
        return
    map_sip_conf(conf)
