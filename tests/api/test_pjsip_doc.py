# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""/1.1/asterisk/pjsip/doc: the PJSIP options per section, from the Asterisk doc file or the bundled facts."""
import contextlib
import gzip
import json

import pytest

from .conftest import OTHER_TOKEN, SUB_TOKEN, ApiClient, make_config, service_app

SECTIONS = [
    'endpoint',
    'aor',
    'auth',
    'contact',
    'domain_alias',
    'transport',
    'system',
    'global',
    'identify',
    'registration',
]
ENTRY_KEYS = ['name', 'default', 'synopsis', 'description', 'note', 'choices']


def test_bundled_doc_shape(api):
    response = api.get('/asterisk/pjsip/doc')

    assert response.status_code == 200
    doc = response.json
    assert list(doc) == SECTIONS
    for section, entries in doc.items():
        assert entries, section
        assert 'type' not in entries, section
        for name, entry in entries.items():
            assert list(entry) == ENTRY_KEYS, (section, name)
            assert entry['name'] == name
            assert all(isinstance(entry[key], str) for key in ENTRY_KEYS[:-1])
            assert isinstance(entry['choices'], dict)


def test_bundled_doc_entries(api):
    doc = api.get('/asterisk/pjsip/doc').json

    assert doc['transport']['protocol'] == {
        'name': 'protocol',
        'default': 'udp',
        'synopsis': '',
        'description': '',
        'note': '',
        'choices': {'udp': '', 'tcp': '', 'tls': '', 'ws': '', 'wss': '', 'flow': ''},
    }
    assert doc['identify']['match']['choices'] == {}
    assert 'server_uri' in doc['registration']
    assert 'max_forwards' in doc['global'] and 'timer_t1' in doc['system']


@pytest.mark.parametrize('token', [SUB_TOKEN, OTHER_TOKEN])
def test_any_tenant_may_read(api, token):
    assert api.as_(token).get('/asterisk/pjsip/doc').status_code == 200


def write_doc_file(path, content):
    with gzip.open(path, 'wt', encoding='utf-8') as doc_file:
        json.dump(content, doc_file)
    return path


DOC_FILE_CONTENT = {
    'transport': {
        'type': {'name': 'type', 'default': '', 'synopsis': 'Must be of type transport'},
        'protocol': {
            'name': 'protocol',
            'default': 'udp',
            'synopsis': 'Protocol to use for SIP traffic',
            'description': 'The protocol of the transport.',
            'note': 'Changing it needs a restart.',
            'choices': {'udp': '', 'tcp': '', 'tls': '', 'ws': '', 'wss': '', 'flow': 'Flow transport'},
        },
        'quantum_tunnel': {'name': 'quantum_tunnel', 'default': 'off', 'synopsis': 'From a newer Asterisk'},
    },
}


@contextlib.contextmanager
def service_api(config, db_uri):
    """A client of the application the service builds from `config`."""
    with service_app(config, db_uri) as (app, _):
        yield ApiClient(app.test_client())


@pytest.fixture
def documented_api(tmp_path, fake_auth, db_uri, core):
    # `core` only to start from a clean database; the app under test is built from its config.
    config = make_config(fake_auth, pjsip_doc_file=str(write_doc_file(tmp_path / 'pjsip.json.gz', DOC_FILE_CONTENT)))
    with service_api(config, db_uri) as api:
        yield api


def test_doc_file_from_config_is_served(documented_api):
    doc = documented_api.get('/asterisk/pjsip/doc').json

    assert doc['transport']['protocol'] == {
        'name': 'protocol',
        'default': 'udp',
        'synopsis': 'Protocol to use for SIP traffic',
        'description': 'The protocol of the transport.',
        'note': 'Changing it needs a restart.',
        'choices': {'udp': '', 'tcp': '', 'tls': '', 'ws': '', 'wss': '', 'flow': 'Flow transport'},
    }
    assert doc['transport']['quantum_tunnel'] == {
        'name': 'quantum_tunnel',
        'default': 'off',
        'synopsis': 'From a newer Asterisk',
        'description': '',
        'note': '',
        'choices': {},
    }
    assert 'type' not in doc['transport']
    # sections the file lacks keep the bundled facts
    assert list(doc) == SECTIONS
    assert doc['transport']['bind']['synopsis'] == ''
    assert 'match' in doc['identify']


def test_doc_file_options_are_accepted(documented_api, api):
    body = {'name': 'future', 'options': [['quantum_tunnel', 'on']]}

    assert documented_api.post('/sip/transports', json=body).status_code == 201
    # the app built without the file does not know the option
    assert api.post('/sip/transports', json={**body, 'name': 'past'}).status_code == 400


def test_unreadable_doc_file_falls_back_on_bundled_facts(tmp_path, fake_auth, db_uri, core, api):
    broken = tmp_path / 'broken.json.gz'
    broken.write_text('not gzip')
    with service_api(make_config(fake_auth, pjsip_doc_file=str(broken)), db_uri) as broken_api:
        response = broken_api.get('/asterisk/pjsip/doc')

    assert response.status_code == 200
    assert response.json == api.get('/asterisk/pjsip/doc').json
