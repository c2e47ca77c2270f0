# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A tenant's "general" configuration: Wazo's default templates, made once, when the tenant is recorded.

Templates are identified by their label; their names are generated like any other.
"""
from ... import names
from ...database.session import Action
from ..transports import dao as transport_dao
from . import dao, notifier

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

# label, parent label, transport name, sections — parents listed before their children.
DEFAULT_TEMPLATES: tuple[tuple[str, str | None, str | None, dict[str, list[list[str]]]], ...] = (
    ('global', None, 'transport-udp', {'aor': GLOBAL_AOR, 'endpoint': GLOBAL_ENDPOINT}),
    ('webrtc', 'global', 'transport-wss', {'aor': WEBRTC_AOR, 'endpoint': WEBRTC_ENDPOINT}),
    ('meeting_guest', 'webrtc', None, {}),
    ('registration_trunk', 'global', None, {'registration': REGISTRATION_TRUNK_REGISTRATION}),
)


def create_default_templates(uow, tenant_uuid):
    session = uow.session
    created = {}
    for label, parent_label, transport_name, sections in DEFAULT_TEMPLATES:
        row = dao.insert(
            session,
            tenant_uuid=tenant_uuid,
            template=True,
            name=names.generate(session, 'template'),
            label=label,
            transport_uuid=transport_dao.uuid_named(session, transport_name) if transport_name else None,
            options={section: [list(line) for line in lines] for section, lines in sections.items()},
            parent_uuids=[created[parent_label].uuid] if parent_label else [],
        )
        created[label] = row
        parents = [(created[parent_label].uuid, parent_label)] if parent_label else []
        notifier.record(uow, Action.CREATED, row, parents=parents)
