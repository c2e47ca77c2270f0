# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A sip.conf using the features operators rely on, imported through the API."""
import pytest

from wazo_confd_pjsip.sipconf import general_template_name, parse

from ..conftest import MAIN
from .conftest import check_round_trip, engine_section, imported, rows_by_name

MAIN_GENERAL = general_template_name(MAIN)  # 'sip-general-<tenant uuid>': names are one namespace

SIP_CONF = '''\
[general]
context=public
allowguest=no
disallow=all
allow=ulaw
udpbindaddr=[::]:5060
useragent=Imported PBX
timert1=600
registertimeout=30
register => acct:pw:authname@203.0.113.1:5070/4000
register => v6acct:pw@[2001:db8::1]
register => other:pw@198.51.100.99

[codecs](!)
disallow=all
allow=alaw
[office](!)
type=friend
host=dynamic
context=office
[office](+)
language=fr
[sales](!,office)
callgroup=2

[alice](sales,codecs)
secret=a
qualify=yes
[alice](+)
allow=g722

[trunk]
type=peer
host=203.0.113.1
port=5070
deny=0.0.0.0/0.0.0.0
permit=203.0.113.1/255.255.255.255
insecure=invite

[v6trunk]
type=peer
host=2001:db8::1
permit=2001:db8::/32
'''
REGISTRATION_SETTINGS = [
    ['retry_interval', '30'],
    ['max_retries', '10'],
    ['expiration', '120'],
    ['transport', 'transport-udp6'],
]


@pytest.fixture
def report(api):
    return imported(api, SIP_CONF)


@pytest.fixture
def rows(report, database):
    return rows_by_name(database)


def test_report_lists_what_was_created(report):
    assert report['created'] == {
        'templates': [MAIN_GENERAL, 'codecs', 'office', 'sales'],
        'endpoints': ['alice', 'trunk', 'v6trunk', 'reg_198.51.100.99'],
        'registrations': [
            {'endpoint': 'trunk', 'file': 'sip.conf', 'line': 10},
            {'endpoint': 'v6trunk', 'file': 'sip.conf', 'line': 11},
            {'endpoint': 'reg_198.51.100.99', 'file': 'sip.conf', 'line': 12},
        ],
        'transports': ['transport-udp6'],
        'global': {'user_agent': 'Imported PBX'},
        'system': {'timer_t1': '600'},
    }
    assert (report['skipped'], report['conflicts'], report['warnings'], report['errors']) == ([], [], [], [])


def test_every_unmapped_key_is_reported_with_file_and_line(report):
    assert report['unmapped'] == [
        {'section': 'general', 'file': 'sip.conf', 'line': 3, 'key': 'allowguest', 'reason': 'no PJSIP equivalent'},
    ]


def test_templates_keep_their_parents_and_appended_lines(rows):
    templates = {
        name: row
        for name, row in rows.items()
        if row['template'] and name in (MAIN_GENERAL, 'codecs', 'office', 'sales')
    }
    assert {name: (row['parents'], row['options']) for name, row in templates.items()} == {
        MAIN_GENERAL: ([], {'endpoint': [['context', 'public'], ['disallow', 'all'], ['allow', 'ulaw']]}),
        'codecs': ([], {'endpoint': [['disallow', 'all'], ['allow', 'alaw']]}),
        'office': ([], {'endpoint': [['context', 'office'], ['language', 'fr']]}),
        'sales': (['office'], {'endpoint': [['call_group', '2']]}),
    }
    assert {row['tenant_uuid'] for row in templates.values()} == {MAIN}


def test_endpoints_inherit_general_first_then_their_templates(rows):
    assert {name: rows[name]['parents'] for name in ('alice', 'trunk', 'v6trunk', 'reg_198.51.100.99')} == {
        'alice': [MAIN_GENERAL, 'sales', 'codecs'],
        'trunk': [MAIN_GENERAL],
        'v6trunk': [MAIN_GENERAL],
        'reg_198.51.100.99': [],
    }
    assert rows['alice']['options'] == {
        'aor': [['max_contacts', '1'], ['qualify_frequency', '60']],
        'auth': [['username', 'alice'], ['password', 'a']],
        'endpoint': [['allow', 'g722']],
    }


def test_acls_stay_on_their_own_endpoint(rows):
    acl_keys = {'permit', 'deny', 'acl'}

    def acls(name):
        return [line for line in rows[name]['options'].get('endpoint', []) if line[0] in acl_keys]

    assert acls('trunk') == [['deny', '0.0.0.0/0.0.0.0'], ['permit', '203.0.113.1/255.255.255.255']]
    assert acls('v6trunk') == [['permit', '2001:db8::/32']]
    assert acls('alice') == []
    assert [name for name, row in rows.items() if row['template'] and acls(name)] == []


def test_registrations_ride_on_the_peer_they_target(rows):
    trunk = rows['trunk']['options']
    assert trunk['registration'] == [
        ['server_uri', 'sip:203.0.113.1:5070'],
        ['client_uri', 'sip:acct@203.0.113.1:5070'],
        ['contact_user', '4000'],
        *REGISTRATION_SETTINGS,
    ]
    assert trunk['registration_outbound_auth'] == [['username', 'authname'], ['password', 'pw']]
    # insecure=invite: the trunk's calls are not challenged
    assert 'auth' not in trunk
    assert rows['reg_198.51.100.99']['options'] == {
        'registration': [
            ['server_uri', 'sip:198.51.100.99'],
            ['client_uri', 'sip:other@198.51.100.99'],
            *REGISTRATION_SETTINGS,
        ],
        'registration_outbound_auth': [['username', 'other'], ['password', 'pw']],
    }


def test_ipv6_hosts_are_bracketed_in_uris(rows, api):
    v6trunk = rows['v6trunk']['options']
    assert v6trunk['aor'] == [['contact', 'sip:[2001:db8::1]']]
    assert v6trunk['identify'] == [['match', '2001:db8::1']]
    assert v6trunk['registration'][:2] == [
        ['server_uri', 'sip:[2001:db8::1]'],
        ['client_uri', 'sip:v6acct@[2001:db8::1]'],
    ]
    (transport,) = api.get('/sip/transports').json['items']
    assert transport['options'] == [['protocol', 'udp'], ['bind', '[::]:5060']]


def test_general_keys_are_merged_into_the_engine_sections(report, database):
    # user_agent replaced in place, the other keys kept
    assert engine_section(database, 'global') == [
        ['user_agent', 'Imported PBX'],
        ['endpoint_identifier_order', 'auth_username,username,ip'],
    ]
    assert engine_section(database, 'system') == [['timer_t1', '600']]


def test_each_endpoint_resolves_to_its_flattened_peer(core, database, report):
    """Templates kept, yet every endpoint ends up with what the reference mapping gives its flat peer."""
    check_round_trip(core, database, parse(SIP_CONF), report, MAIN)
