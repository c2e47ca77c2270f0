# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The reference's golden example, end to end: the API, the rows, the Asterisk objects."""
import sqlalchemy as sa

from tests.sipconf.samples import GOLDEN

from ..conftest import MAIN
from .conftest import imported, rows_by_name


def test_golden_example(api, database):
    report = imported(api, GOLDEN)

    assert report.pop('change_set_uuid') == api.get('/history').json['items'][0]['change_set_uuid']
    assert report == {
        'dry_run': False,
        'created': {
            'templates': [],
            'endpoints': ['mytrunk'],
            'registrations': [{'endpoint': 'mytrunk', 'file': 'sip.conf', 'line': 3}],
            'transports': ['transport-udp'],
            'global': {},
            'system': {},
        },
        'updated': {'templates': [], 'endpoints': []},
        'skipped': [],
        'conflicts': [],
        'unmapped': [],
        'warnings': [],
        'errors': [],
    }
    transports = api.get('/sip/transports').json['items']
    assert [(t['name'], t['options']) for t in transports] == [
        ('transport-udp', [['protocol', 'udp'], ['bind', '0.0.0.0']])
    ]
    trunk = rows_by_name(database)['mytrunk']
    assert (trunk['template'], trunk['tenant_uuid'], trunk['parents']) == (False, MAIN, [])
    assert trunk['options'] == {
        'aor': [['contact', 'sip:myaccountname@203.0.113.1']],
        'auth': [['username', 'mytrunk'], ['password', '1234567890']],
        'endpoint': [['disallow', 'all'], ['allow', 'ulaw'], ['context', 'from-external']],
        'identify': [['match', '203.0.113.1']],
        'registration': [
            ['server_uri', 'sip:203.0.113.1:5060'],
            ['client_uri', 'sip:myaccountname@203.0.113.1:5060'],
            ['retry_interval', '20'],
            ['max_retries', '10'],
            ['expiration', '120'],
            ['transport', 'transport-udp'],
        ],
        'registration_outbound_auth': [['username', 'myaccountname'], ['password', '1234567890']],
        'outbound_auth': [['username', 'myaccountname'], ['password', '1234567890']],
    }


def test_golden_example_as_asterisk_objects(api):
    imported(api, GOLDEN)
    (trunk,) = api.get('/endpoints/sip', query={'name': 'mytrunk'}).json['items']

    objects = api.get(f"/endpoints/sip/{trunk['uuid']}/asterisk").json['objects']

    by_key = {(o['type'], o['id']): dict(o['fields']) for o in objects}
    assert set(by_key) == {
        ('auth', 'mytrunk'),
        ('auth', 'mytrunk~outbound'),
        ('auth', 'mytrunk~registration'),
        ('aor', 'mytrunk'),
        ('endpoint', 'mytrunk'),
        ('identify', 'mytrunk'),
        ('registration', 'mytrunk'),
    }
    # The registration is the trunk's own, with its own credentials; it names no endpoint: without
    # line=yes (chan_sip has none) Asterisk refuses a registration that does.
    registration = by_key[('registration', 'mytrunk')]
    assert registration['outbound_auth'] == 'mytrunk~registration'
    assert 'endpoint' not in registration
    assert registration['server_uri'] == 'sip:203.0.113.1:5060'
    assert by_key[('auth', 'mytrunk~registration')]['username'] == 'myaccountname'
    endpoint = by_key[('endpoint', 'mytrunk')]
    assert (endpoint['aors'], endpoint['auth'], endpoint['outbound_auth']) == ('mytrunk', 'mytrunk', 'mytrunk~outbound')
    assert by_key[('identify', 'mytrunk')] == {'match': '203.0.113.1', 'endpoint': 'mytrunk'}


def test_created_objects_are_queued_for_asterisk(api, database):
    imported(api, GOLDEN)

    with database.engine.connect() as connection:
        queued = connection.execute(sa.text('SELECT kind, owner_uuid FROM apply_outbox ORDER BY id')).all()
    (trunk,) = api.get('/endpoints/sip', query={'name': 'mytrunk'}).json['items']
    # The endpoint, and the engine-wide sections for the new transport.
    assert sorted((kind, str(owner) if owner else None) for kind, owner in queued) == [
        ('endpoint', trunk['uuid']),
        ('sections', None),
    ]
