# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""SIP against the real Asterisk: what the API configures is what phones, trunks and registrars meet.

sipp plays the phone, the trunk and the remote registrar on loopback. Every object comes from the API
and reaches Asterisk through ARI only: no test reloads anything.
"""
import re
import secrets
import time
from dataclasses import dataclass, field

from .conftest import ENDPOINTS, TEMPLATES
from .sipp import Sipp, free_udp_port

TRUNK_ADDRESS = '127.0.0.2'  # a loopback address of its own, so only the trunk's identify matches it
OTHER_ADDRESS = '127.0.0.3'
REFUSED = (401, 403)
CONTACT_LINE = re.compile(r'^ contact +: (\S+)$', re.MULTILINE)


def unique(prefix):
    return f'{prefix}-{secrets.token_hex(4)}'


def template(api, label):
    [found] = [item for item in api.get(TEMPLATES, params={'label': label})['items'] if item['label'] == label]
    return {'uuid': found['uuid']}


@dataclass
class Phone:
    """A phone registering from its own port to the endpoint (and aor) `name`."""

    sip_port: int
    name: str
    username: str
    port: int = field(default_factory=free_udp_port)

    def register(self, password, expires=60):
        return Sipp(
            'register.xml',
            f'127.0.0.1:{self.sip_port}',
            local_port=self.port,
            keys={'aor': self.name, 'expires': expires},
            credentials=(self.username, password),
        ).run()

    @property
    def contact(self):
        return f'sip:{self.name}@127.0.0.1:{self.port}'


def create_phone(api, sip_port, password):
    phone = Phone(sip_port, unique('phone'), unique('user'))
    api.post(
        ENDPOINTS,
        {
            'name': phone.name,
            'auth_section_options': [['username', phone.username], ['password', password]],
            'aor_section_options': [['max_contacts', '1']],
            'templates': [template(api, 'global')],
        },
    )
    return phone


def contacts(asterisk, aor):
    """The contact URIs bound to `aor`, as `pjsip show aor` lists them."""
    return CONTACT_LINE.findall(asterisk.cli(f'pjsip show aor {aor}'))


def create_trunk(api):
    """A trunk without credentials, known by its address, whose calls go to context from-test."""
    trunk = unique('trunk')
    api.post(
        ENDPOINTS,
        {
            'name': trunk,
            'endpoint_section_options': [['context', 'from-test']],
            'identify_section_options': [['match', TRUNK_ADDRESS]],
            'templates': [template(api, 'global')],
        },
    )
    return trunk


def call(sip_port, source_address):
    """A call to echo from `source_address`; the caller's name is no endpoint's, so only the address can match."""
    keys = {'exten': 'echo', 'caller': 'caller'}
    return Sipp('call.xml', f'127.0.0.1:{sip_port}', local_ip=source_address, keys=keys).run()


def registered(asterisk, trunk, server_uri):
    return any(
        line.split()[:1] == [f'{trunk}/{server_uri}'] and 'Registered' in line.split()
        for line in asterisk.cli('pjsip show registrations').splitlines()
    )


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_phone_registers_with_the_credentials_of_the_api(api, asterisk, sip_port):
    phone = create_phone(api, sip_port, 'S3cret-pass')

    assert phone.register('S3cret-pass').statuses == [401, 200]
    assert contacts(asterisk, phone.name) == [phone.contact]

    assert phone.register('S3cret-pass', expires=0).statuses == [401, 200]
    assert contacts(asterisk, phone.name) == []


def test_a_wrong_password_is_refused(api, asterisk, sip_port):
    phone = create_phone(api, sip_port, 'S3cret-pass')

    statuses = phone.register('not-the-password').statuses

    assert statuses[-1] in REFUSED and 200 not in statuses
    assert contacts(asterisk, phone.name) == []


def test_a_new_password_is_live_without_reload(api, asterisk, sip_port):
    phone = create_phone(api, sip_port, 'old-password')
    [endpoint] = api.get(ENDPOINTS, params={'name': phone.name})['items']
    assert phone.register('old-password').statuses[-1] == 200

    api.put(
        f'{ENDPOINTS}/{endpoint["uuid"]}',
        {'auth_section_options': [['username', phone.username], ['password', 'new-password']]},
    )

    old = phone.register('old-password').statuses
    assert old[-1] in REFUSED and 200 not in old
    assert phone.register('new-password').statuses[-1] == 200
    phone.register('new-password', expires=0)


def test_a_trunk_matched_by_its_address_is_answered(api, asterisk, sip_port):
    trunk = create_trunk(api)
    log_offset = asterisk.log_size()

    exchange = call(sip_port, TRUNK_ADDRESS)

    assert exchange.statuses[-2:] == [200, 200]  # the INVITE answered, then the BYE
    # the trunk's channel ran the trunk's context
    assert wait_for(lambda: f'[echo@from-test:1] Answer("PJSIP/{trunk}-' in asterisk.log_since(log_offset))


def test_a_call_from_another_address_is_not_taken_for_the_trunk(api, asterisk, sip_port):
    trunk = create_trunk(api)
    log_offset = asterisk.log_size()

    statuses = call(sip_port, OTHER_ADDRESS).statuses

    assert statuses[-1] in REFUSED and 200 not in statuses
    assert f'PJSIP/{trunk}-' not in asterisk.log_since(log_offset)


def test_an_outbound_registration_reaches_the_registrar(api, asterisk, sip_port):
    trunk, username, password = unique('trunk'), unique('provider-user'), 'provider-pass'
    registrar = Sipp('registrar.xml', keys={'username': username, 'password': password}).start().wait_listening()
    server_uri = f'sip:127.0.0.1:{registrar.local_port}'

    api.post(
        ENDPOINTS,
        {
            'name': trunk,
            'registration_section_options': [
                ['server_uri', server_uri],
                ['client_uri', f'sip:{username}@127.0.0.1'],
                ['max_random_initial_delay', '0'],  # else Asterisk waits a random 1 to 10 s before the first REGISTER
            ],
            'registration_outbound_auth_section_options': [['username', username], ['password', password]],
            'templates': [template(api, 'registration_trunk')],
        },
    )

    exchange = registrar.wait()
    assert [line.split()[0] for line in exchange.received] == ['REGISTER', 'REGISTER']
    assert f'Authorization: Digest username="{username}"' in exchange.messages  # the registrar verified the digest
    assert wait_for(lambda: registered(asterisk, trunk, server_uri))
