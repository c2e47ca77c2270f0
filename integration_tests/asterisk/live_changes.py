# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A registered phone whose endpoint and template change again and again, and a poller of its ARI state.

Shared by test_no_gap.py and the gap benchmark (``make bench BENCH_ARGS=gap``).
"""
import threading
from collections import Counter
from dataclasses import dataclass

import requests

from .conftest import ENDPOINTS, TEMPLATES
from .engine import ARI_PASSWORD, ARI_USER, AsteriskEngine
from .service import Api
from .test_sip import Phone, contacts, template, unique

CHANGES = 20
PASSWORD = 'no-gap-secret'
CONTEXT = 'from-phones'
HOLD_EXTENSION = 'hold'
# The held call: answered, then nothing but waiting (no media is needed), until the phone hangs up.
EXTENSIONS = f"""[general]
static = yes
writeprotect = yes

[{CONTEXT}]
exten => {HOLD_EXTENSION},1,Answer()
 same => n,Wait(120)
 same => n,Hangup()
"""


@dataclass
class Target:
    """One engine, the service pushing to it, and the API of the sub-tenant on that service."""

    engine: AsteriskEngine
    api: Api
    sip_port: int


@dataclass
class Line:
    """A registered phone's endpoint, and the template it inherits its context from."""

    phone: Phone
    uuid: str
    template_uuid: str

    @property
    def name(self):
        return self.phone.name


def registered_line(target):
    api = target.api
    parent = api.post(
        TEMPLATES,
        {
            'label': unique('no-gap'),
            'endpoint_section_options': [['context', CONTEXT]],
            'templates': [template(api, 'global')],
        },
    )
    phone = Phone(target.sip_port, unique('phone'), unique('user'))
    endpoint = api.post(ENDPOINTS, endpoint_body(phone, 'fr_FR', parent['uuid']))
    assert phone.register(PASSWORD).statuses[-1] == 200
    assert contacts(target.engine, phone.name) == [phone.contact]
    held = target.engine.object('endpoint', phone.name)
    # As the patch reads it back, or as a stock Asterisk does (under the variable's name).
    assert '__WAZO_TENANT_UUID' in held or any(v.startswith('__WAZO_TENANT_UUID=') for v in held['set_var']), held
    return Line(phone, endpoint['uuid'], parent['uuid'])


def endpoint_body(phone, language, template_uuid):
    return {
        'name': phone.name,
        'auth_section_options': [['username', phone.username], ['password', PASSWORD]],
        # Not qualified: sipp answers no OPTIONS once registered, so its state is its contact's presence.
        'aor_section_options': [['max_contacts', '1'], ['remove_existing', 'yes'], ['qualify_frequency', '0']],
        'endpoint_section_options': [['language', language]],
        'templates': [{'uuid': template_uuid}],
    }


def change_endpoint(target, line, index):
    language = f'l{index}'
    target.api.put(f'{ENDPOINTS}/{line.uuid}', endpoint_body(line.phone, language, line.template_uuid))
    return 'language', language


def change_template(target, line, index):
    code = f'acct{index}'
    target.api.put(
        f'{TEMPLATES}/{line.template_uuid}',
        {
            'endpoint_section_options': [['context', CONTEXT], ['accountcode', code]],
            'templates': [template(target.api, 'global')],
        },
    )
    return 'accountcode', code


class Poller(threading.Thread):
    """Reads the endpoint's state from ARI, again and again (every ~2 ms), counting what it saw."""

    def __init__(self, engine, name):
        super().__init__(daemon=True)
        self._url = f'{engine.ari_url}/endpoints/PJSIP/{name}'
        self._stopping = threading.Event()
        self._polled = threading.Condition()
        self.seen: Counter = Counter()  # 'absent' (404) or the endpoint's state

    def run(self):
        with requests.Session() as session:
            while not self._stopping.is_set():
                response = session.get(self._url, auth=(ARI_USER, ARI_PASSWORD), timeout=10)
                outcome = 'absent' if response.status_code == 404 else response.json()['state']
                with self._polled:
                    self.seen[outcome] += 1
                    self._polled.notify_all()
                self._stopping.wait(0.002)

    def wait_for_next_poll(self):
        """Returns once a poll started after this call has been counted (so each change is seen)."""
        with self._polled:
            target = self.total() + 2  # the one under way may have started before the change
            assert self._polled.wait_for(lambda: self.total() >= target, timeout=30), 'the poller is stuck'

    def total(self):
        return sum(self.seen.values())

    def stop(self):
        self._stopping.set()
        self.join()
