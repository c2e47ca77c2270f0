# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Wazo bus events for committed changes (wazo-auth.md, "Bus events"): pure formatting, no I/O.

Headers carry what the broker routes on and what wazo-websocketd filters on; the body repeats
them and adds `data`. The body is serialised here, once, so what leaves is exactly what is tested.
"""
import dataclasses
import json

# resource of a Change → routing key prefix; the event name is always `<resource>_<action>`.
ROUTING_KEY_PREFIXES = {
    'sip_endpoint': 'config.sip_endpoint',
    'sip_endpoint_template': 'config.sip_endpoint_template',
    'sip_transport': 'config.sip.transports',
    'pjsip_global': 'config.pjsip_global',
    'pjsip_system': 'config.pjsip_system',
}
# Events about one tenant's objects: visible to that tenant's users.
TENANT_RESOURCES = frozenset({'sip_endpoint', 'sip_endpoint_template'})


@dataclasses.dataclass(frozen=True)
class BusEvent:
    name: str
    routing_key: str
    headers: dict
    body: dict

    def payload(self) -> str:
        return json.dumps(self.body)


def event_for_change(change, origin_uuid, timestamp):
    """The event announcing a committed Change, or None for a resource the bus does not hear of."""
    prefix = ROUTING_KEY_PREFIXES.get(change.resource)
    if prefix is None:
        return None
    name = f'{change.resource}_{change.action}'
    routing_key = f'{prefix}.{change.action}'
    headers = {
        'name': name,
        'origin_uuid': origin_uuid,
        'timestamp': timestamp,
        'required_access': f'event.{name}',
        'required_acl': f'events.{routing_key}',
    }
    if change.resource in TENANT_RESOURCES:
        headers['tenant_uuid'] = change.tenant_uuid
        headers['user_uuid:*'] = True
    return BusEvent(name, routing_key, headers, {**headers, 'data': change.data})


def events_for_changes(changes, origin_uuid, timestamp):
    events = (event_for_change(change, origin_uuid, timestamp) for change in changes)
    return [event for event in events if event is not None]
