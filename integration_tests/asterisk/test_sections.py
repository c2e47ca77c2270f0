# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every section type and option kind, made, changed and deleted through the API, as a real Asterisk holds it.

After each step every Asterisk object of the endpoint (ARI GET) must equal, by meaning, both the objects
the service wants (`/asterisk`) and the API's merged view; objects of sections left empty, or of a
deleted endpoint, must be gone. The ACL options, which ARI never reads back, are checked by their effect
on an OPTIONS request.
"""
import secrets

from .compare import endpoint_differences, object_ids, options
from .conftest import ENDPOINTS, TEMPLATES
from .sipp import free_udp_port

ALLOWED, REFUSED = 200, 401  # a request the ACL refuses comes from nobody: Asterisk challenges it
OTHER_ADDRESS = '127.0.0.2'


def unique(prefix):
    return f'{prefix}-{secrets.token_hex(4)}'


def default_template(api, label):
    [found] = [item for item in api.get(TEMPLATES, params={'label': label})['items'] if item['label'] == label]
    return {'uuid': found['uuid']}


def assert_as_the_api_says(api, asterisk, *uuids):
    for uuid in uuids:
        differences = endpoint_differences(api, asterisk, uuid)
        assert not differences, '\n'.join(differences)


def assert_gone(asterisk, name):
    assert [key for key in object_ids(name).values() if asterisk.object(*key) is not None] == []


def trunk_sections(registrar_port):
    return {
        'endpoint_section_options': [
            ['context', 'from-test'],
            ['allow', '!all,ulaw,alaw,g722'],
            ['disallow', 'alaw'],
            ['direct_media', 'no'],
            ['rtp_timeout', '30'],
            ['tos_audio', 'ef'],
            ['call_group', '1,3-4'],
            ['named_pickup_group', 'sales,hr'],
            ['callerid', 'Trunk <100>'],
            ['set_var', 'FOO=one'],
            ['set_var', 'BAR=two'],
            ['set_var', 'FOO=three'],
            ['dtmf_mode', 'info'],
            ['language', 'fr'],
            ['codec_prefs_outgoing_offer', 'prefer:configured,operation:intersect,keep:first'],
        ],
        'aor_section_options': [
            ['contact', 'sip:peer@127.0.0.2:5070'],
            ['contact', 'sip:peer@127.0.0.3:5070'],
            ['qualify_timeout', '2.5'],
            ['default_expiration', '300'],
            ['remove_existing', 'yes'],
        ],
        'auth_section_options': [['username', 'trunk-in'], ['password', 'in-secret']],
        'identify_section_options': [['match', '127.0.0.2'], ['match', '10.1.0.0/16,192.168.5.5']],
        'registration_section_options': [
            ['server_uri', f'sip:127.0.0.1:{registrar_port}'],
            ['client_uri', f'sip:trunk@127.0.0.1:{registrar_port}'],
            ['retry_interval', '60'],
            ['expiration', '300'],
            ['line', 'yes'],
        ],
        'outbound_auth_section_options': [
            ['username', 'trunk-out'],
            ['password', 'out-secret'],
            ['md5_cred', '0123456789abcdef0123456789abcdef'],
        ],
        'registration_outbound_auth_section_options': [['username', 'trunk-reg'], ['password', 'reg-secret']],
    }


def changed(sections):
    """Scalars changed and removed, repeatable lines replaced, other codecs, variables and caller id."""
    return sections | {
        'endpoint_section_options': [
            ['context', 'from-internal'],
            ['allow', '!all,g722'],
            ['direct_media', 'yes'],
            ['tos_audio', '16'],
            ['call_group', '2'],
            ['callerid', '"New Name" <200>'],
            ['set_var', 'FOO=four'],
            ['dtmf_mode', 'info'],
        ],
        'aor_section_options': [
            ['contact', 'sip:peer@127.0.0.2:5070'],
            ['contact', 'sip:peer@127.0.0.4:5070'],
            ['qualify_timeout', '4'],
        ],
        'auth_section_options': [['username', 'trunk-in'], ['password', 'new-secret']],
        'outbound_auth_section_options': [['username', 'trunk-out'], ['password', 'out-secret']],  # md5_cred removed
        'identify_section_options': [['match', '127.0.0.5']],
        'registration_section_options': sections['registration_section_options'][:2] + [['retry_interval', '90']],
    }


def test_every_section_created_changed_and_deleted(api, asterisk):
    name = unique('trunk')
    sections = trunk_sections(free_udp_port())  # nobody answers there: the registration only retries
    uuid = api.post(ENDPOINTS, {'name': name, **sections})['uuid']
    assert_as_the_api_says(api, asterisk, uuid)

    api.put(f'{ENDPOINTS}/{uuid}', changed(sections))
    assert_as_the_api_says(api, asterisk, uuid)

    emptied = ('identify', 'registration', 'outbound_auth', 'registration_outbound_auth')
    api.put(f'{ENDPOINTS}/{uuid}', {f'{section}_section_options': [] for section in emptied})
    assert_as_the_api_says(api, asterisk, uuid)
    assert [asterisk.object(*object_ids(name)[section]) for section in emptied] == [None] * len(emptied)

    api.delete(f'{ENDPOINTS}/{uuid}')
    assert_gone(asterisk, name)


def test_templates_and_their_changes_reach_the_endpoints(api, asterisk):
    base = api.post(
        TEMPLATES,
        {
            'label': unique('base'),
            'endpoint_section_options': [
                ['allow', '!all,ulaw,alaw'],
                ['context', 'from-internal'],
                ['set_var', 'LEVEL=base'],
                ['set_var', 'BASE=1'],
                ['rtp_timeout', '60'],
            ],
            'aor_section_options': [['max_contacts', '3']],
        },
    )['uuid']
    child = api.post(
        TEMPLATES,
        {
            'label': unique('child'),
            'templates': [{'uuid': base}],
            'endpoint_section_options': [
                ['disallow', 'ulaw'],
                ['allow', 'g722'],
                ['set_var', 'LEVEL=child'],
                ['dtmf_mode', 'info'],
            ],
        },
    )['uuid']
    line_name = unique('line')
    line = api.post(
        ENDPOINTS,
        {
            'name': line_name,
            'templates': [{'uuid': child}],
            'endpoint_section_options': [['allow', 'gsm'], ['callerid', '"Line" <300>']],
            'auth_section_options': [['username', line_name], ['password', 'line-secret']],
        },
    )['uuid']
    # Wazo's default template first (its transport, codecs and aor), then ours over it.
    direct = api.post(
        ENDPOINTS,
        {
            'name': unique('direct'),
            'templates': [default_template(api, 'global'), {'uuid': base}],
            'endpoint_section_options': [['disallow', 'all'], ['allow', 'alaw:30']],
            'auth_section_options': [['username', 'direct'], ['password', 'direct-secret']],
        },
    )['uuid']
    assert_as_the_api_says(api, asterisk, line, direct)

    api.put(
        f'{TEMPLATES}/{base}',
        {
            'endpoint_section_options': [
                ['allow', '!all,alaw,g726'],
                ['context', 'from-test'],
                ['set_var', 'LEVEL=base'],
                ['deny', '0.0.0.0/0'],
                ['permit', '127.0.0.1/32'],
            ],
            'aor_section_options': [['max_contacts', '5'], ['qualify_frequency', '0']],
        },
    )
    assert_as_the_api_says(api, asterisk, line, direct)

    api.put(f'{TEMPLATES}/{child}', {'templates': []})  # the line loses everything of base, its aor too
    assert_as_the_api_says(api, asterisk, line, direct)
    assert asterisk.object(*object_ids(line_name)['aor']) is None

    api.delete(f'{ENDPOINTS}/{line}')
    api.delete(f'{TEMPLATES}/{child}')
    api.put(f'{ENDPOINTS}/{direct}', {'templates': [default_template(api, 'global')]})
    api.delete(f'{TEMPLATES}/{base}')
    assert_gone(asterisk, line_name)
    assert_as_the_api_says(api, asterisk, direct)


def test_acls_of_the_endpoint_and_its_templates_take_effect(api, asterisk, sip_port):
    name = unique('peer')  # no credentials: Asterisk answers its OPTIONS unless an ACL refuses them
    uuid = api.post(
        ENDPOINTS,
        {
            'name': name,
            'endpoint_section_options': [['context', 'from-test'], ['deny', '0.0.0.0/0'], ['permit', '127.0.0.1/32']],
        },
    )['uuid']
    assert_as_the_api_says(api, asterisk, uuid)
    assert options(sip_port, name).statuses[-1] == ALLOWED
    assert options(sip_port, name, source=OTHER_ADDRESS).statuses[-1] == REFUSED

    api.put(f'{ENDPOINTS}/{uuid}', {'endpoint_section_options': [['context', 'from-test'], ['acl', 'no-such-acl']]})
    assert_as_the_api_says(api, asterisk, uuid)
    assert options(sip_port, name).statuses[-1] == REFUSED  # Asterisk fails an ACL it does not know

    template = api.post(
        TEMPLATES,
        {
            'label': unique('contacts'),
            'endpoint_section_options': [['contact_deny', '0.0.0.0/0'], ['contact_permit', f'{OTHER_ADDRESS}/32']],
        },
    )['uuid']
    api.put(
        f'{ENDPOINTS}/{uuid}',
        {'templates': [{'uuid': template}], 'endpoint_section_options': [['context', 'from-test']]},
    )
    assert_as_the_api_says(api, asterisk, uuid)
    assert options(sip_port, name, contact_host='127.0.0.1').statuses[-1] == REFUSED
    assert options(sip_port, name, contact_host=OTHER_ADDRESS).statuses[-1] == ALLOWED

    api.put(f'{TEMPLATES}/{template}', {'endpoint_section_options': [['language', 'fr']]})
    assert_as_the_api_says(api, asterisk, uuid)
    assert options(sip_port, name, contact_host='127.0.0.1').statuses[-1] == ALLOWED
