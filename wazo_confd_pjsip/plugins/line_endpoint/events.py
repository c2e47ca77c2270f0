# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The wazo-confd bus events after which what lines, users or trunks add may have changed (wazo-bus payloads)."""
import uuid

from ...bus.consumer import UnusableEvent
from .service import LINE, TRUNK

# Their data does not say every user they concern (members replaced, pickup disabled): every line of
# the event's tenant is read again (of every tenant, for an event that does not name its tenant).
PICKUP_AND_GROUP_EVENTS = (
    'call_pickup_edited',
    'call_pickup_deleted',
    'call_pickup_interceptor_users_associated',
    'call_pickup_target_users_associated',
    'call_pickup_interceptor_groups_associated',
    'call_pickup_target_groups_associated',
    'group_member_users_associated',
)


def wazo_confd_event_handlers(refresher):
    """event name → handler(data, tenant_uuid), for the bus consumer."""

    def line(*path):
        return lambda data, _tenant: refresher.refresh(LINE, [_id(data, path)])

    def users(key):
        return lambda data, _tenant: refresher.refresh_users([_uuid(data, key)])

    return {
        'line_edited': line('id'),
        'line_deleted': lambda data, _tenant: refresher.delete_endpoint_of(LINE, _id(data, ('id',))),
        'user_line_associated': line('line', 'id'),
        'user_line_dissociated': line('line', 'id'),
        'line_extension_associated': line('line_id'),
        'line_extension_dissociated': line('line_id'),
        'line_application_associated': line('line', 'id'),
        'line_application_dissociated': line('line', 'id'),
        'user_edited': users('uuid'),
        'user_deleted': users('uuid'),
        'user_voicemail_associated': users('user_uuid'),
        'user_voicemail_dissociated': users('user_uuid'),
        'user_voicemail_edited': users('user_uuid'),
        'user_groups_associated': users('user_uuid'),
        **{name: lambda data, tenant: refresher.refresh_every(LINE, tenant) for name in PICKUP_AND_GROUP_EVENTS},
        'trunk_edited': lambda data, _tenant: refresher.refresh(TRUNK, [_id(data, ('id',))]),
        'trunk_deleted': lambda data, _tenant: refresher.delete_endpoint_of(TRUNK, _id(data, ('id',))),
    }


def _id(data, path):
    # Checked before anything is read: the consumer drops such an event at once instead of retrying it.
    value = data
    try:
        for key in path:
            value = value[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f'{value!r} is not an id')
    except (KeyError, TypeError) as error:
        raise UnusableEvent(f'no {".".join(path)} in the data ({error!r})') from error
    return value


def _uuid(data, key):
    try:
        return str(uuid.UUID(data[key]))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise UnusableEvent(f'no {key} uuid in the data ({error!r})') from error
