# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The bodies the API benchmark creates: per tenant a 3-level template chain, endpoints inheriting from its leaf.

Deterministic from (tenant index, endpoint serial), so two runs create the same configuration.
"""
import random

FIRST_NAMES = ('Alice', 'Bruno', 'Chloé', 'David', 'Emma', 'Farid', 'Giulia', 'Hugo', 'Inès', 'Jules')
LAST_NAMES = (
    'Martin',
    'Bernard',
    'Dubois',
    'Thomas',
    'Robert',
    'Richard',
    'Petit',
    'Durand',
    'Leroy',
    'Moreau',
    'Simon',
    'Laurent',
    'Lefebvre',
    'Michel',
    'Garcia',
    'David',
    'Bertrand',
    'Roux',
    'Vincent',
    'Fournier',
)
FIRST_EXTENSION = 1000


def template_chain_bodies(tenant_index):
    """t1 ← t2 ← t3: bodies without `templates`; the caller links each to the previous one once created."""
    return [
        {
            'label': 'bench base',
            'aor_section_options': [['max_contacts', '1'], ['remove_existing', 'yes'], ['qualify_frequency', '60']],
            'endpoint_section_options': [
                ['allow', '!all,ulaw'],
                ['dtmf_mode', 'rfc4733'],
                ['direct_media', 'no'],
                ['language', 'en_US'],
                ['set_var', 'WAZO_BENCH_LEVEL=base'],
            ],
        },
        {
            'label': 'bench office',
            'endpoint_section_options': [
                ['allow', 'alaw'],
                ['allow', 'g722'],
                ['rtp_timeout', '7200'],
                ['set_var', f'WAZO_BENCH_OFFICE=office-{tenant_index:03d}'],
                ['set_var', 'WAZO_BENCH_LEVEL=office'],
            ],
        },
        {
            'label': 'bench phones',
            'aor_section_options': [['max_contacts', '2']],
            'endpoint_section_options': [
                ['disallow', 'ulaw'],
                ['allow', 'opus'],
                ['context', f'ctx-tenant-{tenant_index:03d}'],
                ['set_var', 'WAZO_BENCH_LEVEL=phones'],
            ],
        },
    ]


def endpoint_name(serial):
    return f'bench{serial:06d}'


def endpoint_body(serial, tenant_index, leaf_template_uuid):
    """A phone line as wazo-ui provisions one: credentials, one contact, caller id, context, a codec."""
    rng = random.Random(serial)
    name = endpoint_name(serial)
    display_name = f'{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}'
    return {
        'name': name,
        'label': display_name,
        'auth_section_options': [['username', name], ['password', f'{rng.getrandbits(64):016x}']],
        'aor_section_options': [['max_contacts', '1']],
        'endpoint_section_options': [
            ['callerid', f'"{display_name}" <{FIRST_EXTENSION + serial}>'],
            ['context', f'ctx-tenant-{tenant_index:03d}'],
            ['allow', 'g729'],
        ],
        'templates': [{'uuid': leaf_template_uuid}],
    }


def updated_body(body, revision):
    """The whole body again (as wazo-confd-client PUTs it) with another caller id."""
    endpoint_options = [
        [key, f'"{body["label"]} ({revision})" <{value.rpartition("<")[2]}' if key == 'callerid' else value]
        for key, value in body['endpoint_section_options']
    ]
    return {**body, 'endpoint_section_options': endpoint_options}


def search_term(rng):
    """A last name: each matches about one endpoint in twenty, in every tenant."""
    return rng.choice(LAST_NAMES)
