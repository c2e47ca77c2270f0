# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Each tenant's default templates: made once, when the tenant is recorded (never by a read), and its own."""
import re

from wazo_confd_pjsip.core import build_core

from ..conftest import MAIN, MASTER_TOKEN, OTHER, OTHER_TOKEN, SUB, SUB_TOKEN
from .helpers import (
    DEFAULT_LABELS,
    ENDPOINTS,
    TEMPLATES,
    create_endpoint,
    create_transport,
    default_templates,
    item_path,
    parents,
    row_counts,
)

GLOBAL_AOR = [
    ['max_contacts', '1'],
    ['remove_existing', 'yes'],
    ['qualify_frequency', '60'],
    ['maximum_expiration', '3600'],
    ['default_expiration', '120'],
    ['minimum_expiration', '60'],
]
GLOBAL_ENDPOINT = [
    ['allow', '!all,ulaw'],
    ['dtmf_mode', 'rfc4733'],
    ['direct_media', 'no'],
    ['language', 'en_US'],
    ['rtp_timeout', '7200'],
    ['timers_sess_expires', '600'],
    ['timers_min_se', '90'],
    ['allow_subscribe', 'yes'],
    ['allow_transfer', 'yes'],
    ['use_ptime', 'yes'],
    ['inband_progress', 'no'],
    ['trust_id_inbound', 'no'],
    ['notify_early_inuse_ringing', 'yes'],
]
WEBRTC_AOR = [['max_contacts', '10'], ['remove_existing', 'no']]
WEBRTC_ENDPOINT = [
    ['webrtc', 'yes'],
    ['dtls_auto_generate_cert', 'yes'],
    ['allow', '!all,opus,g722,alaw,ulaw,vp9,vp8,h264'],
    ['max_audio_streams', '1'],
    ['max_video_streams', '25'],
]
REGISTRATION_TRUNK_REGISTRATION = [
    ['retry_interval', '20'],
    ['max_retries', '10000'],
    ['forbidden_retry_interval', '30'],
    ['fatal_retry_interval', '30'],
    ['auth_rejection_permanent', 'no'],
]


def templates_of(api, tenant):
    """A tenant's templates seen from the master tenant, without making that tenant "seen"."""
    items = api.as_(MASTER_TOKEN).get(TEMPLATES, query={'recurse': 'true', 'limit': 1000}).json['items']
    return [item for item in items if item['tenant_uuid'] == tenant]


def test_the_first_list_creates_the_reference_templates(api):
    defaults = default_templates(api)

    assert sorted(defaults) == sorted(DEFAULT_LABELS)
    glob, webrtc, guest, trunk = (defaults[label] for label in DEFAULT_LABELS)
    assert all(re.fullmatch('[a-z0-9]{8}', item['name']) for item in defaults.values())
    assert all(item['tenant_uuid'] == MAIN for item in defaults.values())
    assert (glob['aor_section_options'], glob['endpoint_section_options'], glob['templates']) == (
        GLOBAL_AOR,
        GLOBAL_ENDPOINT,
        [],
    )
    assert (webrtc['aor_section_options'], webrtc['endpoint_section_options']) == (WEBRTC_AOR, WEBRTC_ENDPOINT)
    assert webrtc['templates'] == [{'uuid': glob['uuid'], 'label': 'global'}]
    assert guest['templates'] == [{'uuid': webrtc['uuid'], 'label': 'webrtc'}]
    assert trunk['templates'] == [{'uuid': glob['uuid'], 'label': 'global'}]
    assert trunk['registration_section_options'] == REGISTRATION_TRUNK_REGISTRATION
    for item in (guest, trunk):
        assert item['aor_section_options'] == item['endpoint_section_options'] == []
    # no transport exists: none is set
    assert all(item['transport'] is None for item in defaults.values())


def test_transports_named_udp_and_wss_are_used_when_they_exist(api):
    udp = create_transport(api, 'transport-udp')
    wss = create_transport(api, 'transport-wss')

    defaults = default_templates(api)

    assert defaults['global']['transport'] == {'uuid': udp['uuid']}
    assert defaults['webrtc']['transport'] == {'uuid': wss['uuid']}
    assert defaults['meeting_guest']['transport'] is None
    assert defaults['registration_trunk']['transport'] is None
    merged = api.get(item_path(TEMPLATES, defaults['meeting_guest']), query={'view': 'merged'}).json
    assert merged['transport'] == {'uuid': wss['uuid']}


def test_only_the_existing_transport_is_set(api):
    udp = create_transport(api, 'transport-udp')
    defaults = default_templates(api)
    assert defaults['global']['transport'] == {'uuid': udp['uuid']}
    assert defaults['webrtc']['transport'] is None


def test_merged_webrtc_combines_global_and_webrtc_like_asterisk(api):
    webrtc = default_templates(api)['webrtc']
    merged = api.get(item_path(TEMPLATES, webrtc), query={'view': 'merged'}).json
    assert merged['aor_section_options'] == [
        ['max_contacts', '10'],
        ['remove_existing', 'no'],
        *GLOBAL_AOR[2:],
    ]
    endpoint = dict(merged['endpoint_section_options'])
    assert endpoint['allow'] == '!all,opus,g722,alaw,ulaw,vp9,vp8,h264'
    assert (endpoint['webrtc'], endpoint['dtmf_mode']) == ('yes', 'rfc4733')


def test_they_are_created_once(api, core):
    first = default_templates(api)
    create_endpoint(api, templates=parents(first['global']))
    api.get(ENDPOINTS)
    assert api.delete(item_path(TEMPLATES, first['meeting_guest'])).status_code == 204

    # even a registry that forgot the tenant (a restart) finds it recorded
    core.services.tenants.forget(MAIN)
    assert api.get(TEMPLATES).json['total'] == 3
    assert default_templates(api) == {label: first[label] for label in ('global', 'webrtc', 'registration_trunk')}


def test_listing_never_writes(api, database):
    assert api.as_(SUB_TOKEN).get(ENDPOINTS).json == {'total': 0, 'items': []}
    assert api.as_(SUB_TOKEN).get(TEMPLATES).json == {'total': 0, 'items': []}
    assert templates_of(api, SUB) == []
    assert row_counts(database)['tenant'] == 0


def test_at_start_every_tenant_the_auth_backend_knows_gets_them(api, core, fake_auth):
    """The tenant sync of Core.start: as if each had just been announced (the service's own token)."""
    fake_auth.add_user('confd-pjsip', 'secret', tenant_uuid=MAIN, acl=['auth.tenants.read'])
    config = {**core.config, 'auth': {**core.config['auth'], 'username': 'confd-pjsip', 'password': 'secret'}}
    started = build_core(config, core.db)
    try:
        started.start(worker=False, consumer=False)
        assert started.tenant_sync.done.wait(10)
    finally:
        started.stop()

    for tenant in fake_auth.tenants:
        assert sorted(item['label'] for item in templates_of(api, tenant)) == sorted(DEFAULT_LABELS)


def test_a_create_in_an_unseen_tenant_makes_them_first(api):
    created = create_endpoint(api.as_(MASTER_TOKEN, tenant=SUB), name='first-in-sub')
    assert created['tenant_uuid'] == SUB
    assert sorted(item['label'] for item in templates_of(api, SUB)) == sorted(DEFAULT_LABELS)
    assert templates_of(api, OTHER) == []


def test_reading_an_item_or_a_failed_create_does_not_make_them(api):
    endpoint = create_endpoint(api.as_(MASTER_TOKEN, tenant=SUB))
    api.as_(OTHER_TOKEN).get(item_path(ENDPOINTS, endpoint))
    response = api.as_(OTHER_TOKEN).post(ENDPOINTS, json={'templates': [{'uuid': endpoint['uuid']}]})
    assert response.status_code == 400
    assert templates_of(api, OTHER) == []


def test_each_tenant_has_its_own_set_visible_to_it_only(api):
    main = default_templates(api)
    other = default_templates(api.as_(OTHER_TOKEN))
    assert all(item['tenant_uuid'] == OTHER for item in other.values())
    assert {item['uuid'] for item in main.values()}.isdisjoint(item['uuid'] for item in other.values())
    other_listed = api.as_(OTHER_TOKEN).get(TEMPLATES, query={'recurse': 'true'}).json
    assert other_listed['total'] == 4
    assert {item['uuid'] for item in other_listed['items']} == {item['uuid'] for item in other.values()}
    response = api.as_(OTHER_TOKEN).get(item_path(TEMPLATES, main['global']))
    assert response.status_code == 404
    response = api.as_(OTHER_TOKEN).post(ENDPOINTS, json={'templates': parents(main['global'])})
    assert response.status_code == 400
    assert create_endpoint(api.as_(OTHER_TOKEN), templates=parents(other['webrtc']))['templates'] == [
        {'uuid': other['webrtc']['uuid'], 'label': 'webrtc'}
    ]


def test_defaults_are_ordinary_templates(api):
    defaults = default_templates(api)
    glob = defaults['global']
    assert api.put(item_path(TEMPLATES, glob), json={'endpoint_section_options': [['context', 'x']]}).status_code == 204
    response = api.delete(item_path(TEMPLATES, glob))
    assert response.status_code == 400
    assert defaults['webrtc']['uuid'] in response.json[0] and defaults['registration_trunk']['uuid'] in response.json[0]
