# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import gzip
import json
import logging

import pytest

from wazo_confd_pjsip.options import OptionCatalogue, OptionSpec, validate_options
from wazo_confd_pjsip.options.catalogue import DOC_SECTIONS

DOC_ENTRY_KEYS = {'name', 'default', 'synopsis', 'description', 'note', 'choices'}

# asterisk-pjsip.md §2: the options that accumulate when repeated.
REPEATABLE = [
    ('endpoint', 'allow'),
    ('endpoint', 'disallow'),
    ('endpoint', 'set_var'),
    ('endpoint', 'acl'),
    ('endpoint', 'deny'),
    ('endpoint', 'permit'),
    ('endpoint', 'contact_acl'),
    ('endpoint', 'contact_deny'),
    ('endpoint', 'contact_permit'),
    ('aor', 'contact'),
    ('identify', 'match'),
    ('transport', 'local_net'),
    ('transport', 'cipher'),
    ('auth', 'password_digest'),
]
LAST_ONE_WINS = [
    ('endpoint', 'aors'),
    ('endpoint', 'auth'),
    ('endpoint', 'outbound_auth'),
    ('endpoint', 'identify_by'),
    ('endpoint', 'mailboxes'),
    ('endpoint', 'context'),
    ('aor', 'max_contacts'),
]


@pytest.fixture
def bundled():
    return OptionCatalogue.bundled()


def write_doc_file(path, content):
    with gzip.open(path, 'wt', encoding='utf-8') as doc_file:
        json.dump(content, doc_file)
    return path


def test_bundled_is_loaded_once():
    assert OptionCatalogue.bundled() is OptionCatalogue.bundled()


def test_spec_holds_the_bundled_facts(bundled):
    assert bundled.spec('endpoint', 'dtmf_mode') == OptionSpec(
        name='dtmf_mode',
        datatype='enum',
        default='rfc4733',
        choices=('rfc4733', 'inband', 'none', 'info', 'auto', 'auto_info'),
        repeatable=False,
    )
    assert bundled.spec('aor', 'max_contacts').default == '0'


def test_option_counts_are_the_references_without_type(bundled):
    assert len(bundled.option_names('endpoint')) == 145
    assert len(bundled.option_names('aor')) == 15
    assert len(bundled.option_names('transport')) == 29
    assert bundled.option_names('aor') == tuple(sorted(bundled.option_names('aor')))


@pytest.mark.parametrize('object_type', ['endpoint', 'aor', 'auth', 'identify', 'registration', 'global', 'system'])
def test_type_is_never_an_option(bundled, object_type):
    assert not bundled.knows(object_type, 'type')
    assert 'type' not in bundled.option_names(object_type)


@pytest.mark.parametrize('object_type,key', REPEATABLE)
def test_repeatable_options(bundled, object_type, key):
    assert bundled.is_repeatable(object_type, key)


@pytest.mark.parametrize('object_type,key', LAST_ONE_WINS)
def test_last_one_wins_options(bundled, object_type, key):
    assert bundled.knows(object_type, key)
    assert not bundled.is_repeatable(object_type, key)


def test_unknown_things_are_unknown_without_raising(bundled):
    assert bundled.spec('endpoint', 'nope') is None
    assert bundled.spec('no_such_type', 'allow') is None
    assert bundled.spec('endpoint', ['allow']) is None
    assert bundled.spec(None, 'allow') is None
    assert not bundled.is_repeatable('endpoint', 'nope')
    assert bundled.option_names('no_such_type') == ()


def test_bundled_doc_shape(bundled):
    doc = bundled.doc()

    assert tuple(doc) == DOC_SECTIONS
    for section, entries in doc.items():
        assert 'type' not in entries, section
        for name, entry in entries.items():
            assert set(entry) == DOC_ENTRY_KEYS, (section, name)
            assert entry['name'] == name
            assert all(isinstance(entry[k], str) for k in DOC_ENTRY_KEYS - {'choices'})
            assert all(isinstance(v, str) for v in entry['choices'].values())
    assert doc['endpoint']['direct_media_method'] == {
        'name': 'direct_media_method',
        'default': 'invite',
        'synopsis': '',
        'description': '',
        'note': '',
        'choices': {'invite': '', 'reinvite': '', 'update': ''},
    }
    assert 'match' in doc['identify']
    assert 'server_uri' in doc['registration']
    assert doc['global']['user_agent']['default'] == 'Asterisk PBX <version>'


def test_doc_returns_a_fresh_copy(bundled):
    bundled.doc()['endpoint']['dtmf_mode']['choices']['evil'] = 'x'
    assert 'evil' not in bundled.doc()['endpoint']['dtmf_mode']['choices']


@pytest.fixture
def doc_file(tmp_path):
    return write_doc_file(
        tmp_path / 'pjsip.json.gz',
        {
            'endpoint': {
                'type': {'name': 'type', 'default': '', 'synopsis': 'Must be of type endpoint'},
                'direct_media_method': {
                    'name': 'direct_media_method',
                    'default': 'invite',
                    'synopsis': 'Direct Media method type',
                    'description': 'Method for setting up Direct Media between endpoints.',
                    'note': '',
                    'choices': {'invite': '', 'reinvite': 'Alias for the "invite" value.', 'update': ''},
                },
                'direct_media': {'name': 'direct_media', 'default': 'yes', 'synopsis': 'Direct media'},
                'shiny_new_option': {
                    'name': 'shiny_new_option',
                    'default': 'off',
                    'synopsis': 'From a newer Asterisk',
                    'choices': ['off', 'on'],
                },
                'broken_entry': 'not an object',
            },
            'identify': {'match_header': {'name': 'match_header', 'default': None, 'synopsis': 7}},
            'phoneprov': 'not an object',
        },
    )


def test_doc_file_text_replaces_the_bare_facts(doc_file):
    doc = OptionCatalogue.with_doc_file(doc_file).doc()

    assert doc['endpoint']['direct_media_method'] == {
        'name': 'direct_media_method',
        'default': 'invite',
        'synopsis': 'Direct Media method type',
        'description': 'Method for setting up Direct Media between endpoints.',
        'note': '',
        'choices': {'invite': '', 'reinvite': 'Alias for the "invite" value.', 'update': ''},
    }
    assert doc['endpoint']['direct_media']['description'] == ''  # missing fields become ''
    assert doc['endpoint']['shiny_new_option']['choices'] == {'off': '', 'on': ''}
    assert doc['identify']['match_header']['default'] == ''
    assert doc['identify']['match_header']['synopsis'] == '7'
    assert 'type' not in doc['endpoint']
    assert 'broken_entry' not in doc['endpoint']
    # Options the file does not describe keep their bundled facts.
    assert doc['endpoint']['dtmf_mode']['default'] == 'rfc4733'
    assert tuple(doc) == DOC_SECTIONS
    for entries in doc.values():
        for entry in entries.values():
            assert set(entry) == DOC_ENTRY_KEYS


def test_doc_file_keys_become_valid(doc_file, bundled):
    catalogue = OptionCatalogue.with_doc_file(doc_file)

    assert catalogue.knows('endpoint', 'shiny_new_option')
    assert catalogue.knows('identify', 'match_header')
    assert not catalogue.knows('endpoint', 'type')
    assert 'shiny_new_option' in catalogue.option_names('endpoint')
    assert validate_options(catalogue, 'endpoint', [['shiny_new_option', 'whatever it takes']]) == []
    assert validate_options(catalogue, 'endpoint', [['shiny_new_option', 'x\n[evil]']])
    # The bundled catalogue is untouched.
    assert not bundled.knows('endpoint', 'shiny_new_option')
    assert validate_options(bundled, 'endpoint', [['shiny_new_option', 'on']])


def test_doc_file_does_not_loosen_bundled_kinds(doc_file):
    catalogue = OptionCatalogue.with_doc_file(doc_file)

    assert catalogue.spec('endpoint', 'direct_media').datatype == 'bool'
    assert validate_options(catalogue, 'endpoint', [['direct_media', 'maybe']])


def test_doc_only_option_has_an_unknown_kind(doc_file):
    spec = OptionCatalogue.with_doc_file(doc_file).spec('endpoint', 'shiny_new_option')
    assert spec == OptionSpec('shiny_new_option', None, 'off', ('off', 'on'), False)


def test_no_doc_file_means_bundled():
    assert OptionCatalogue.with_doc_file(None) is OptionCatalogue.bundled()


def _unreadable_files(tmp_path):
    not_gzip = tmp_path / 'plain.json.gz'
    not_gzip.write_text('{}')
    not_json = tmp_path / 'not-json.json.gz'
    with gzip.open(not_json, 'wt') as f:
        f.write('{"endpoint": ')
    not_utf8 = tmp_path / 'latin1.json.gz'
    with gzip.open(not_utf8, 'wb') as f:
        f.write(b'{"endpoint": "\xe9"}')
    not_an_object = write_doc_file(tmp_path / 'list.json.gz', [['endpoint', 'allow']])
    return [tmp_path, not_gzip, not_json, not_utf8, not_an_object]


def test_unreadable_doc_file_falls_back_on_bundled_facts(tmp_path, caplog, bundled):
    for path in _unreadable_files(tmp_path):
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            catalogue = OptionCatalogue.with_doc_file(path)
        assert any(record.levelno == logging.WARNING for record in caplog.records), path
        assert catalogue.doc() == bundled.doc()
        assert catalogue.option_names('endpoint') == bundled.option_names('endpoint')


def test_a_missing_doc_file_is_no_warning(tmp_path, caplog, bundled):
    # Debian 12 has no asterisk-doc package: the default path is missing at every start.
    with caplog.at_level(logging.INFO):
        catalogue = OptionCatalogue.with_doc_file(tmp_path / 'missing.json.gz')

    assert [record.levelno for record in caplog.records] == [logging.INFO]
    assert catalogue.doc() == bundled.doc()
