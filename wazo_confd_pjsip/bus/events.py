# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Wazo bus events for committed changes (wazo-auth.md, "Bus events"): pure formatting, no I/O.

Headers carry what the broker routes on and what wazo-websocketd filters on; the body repeats
them and adds `data`. The body is serialised here, once, so what leaves is exactly what is tested.
"""
import dataclasses
import json

from ..database.session import Action, Resource

# resource of a Change → routing key prefix; the event name is always `<resource>_<action>`.
ROUTING_KEY_PREFIXES = {
    Resource.SIP_ENDPOINT: 'config.sip_endpoint',
    Resource.SIP_ENDPOINT_TEMPLATE: 'config.sip_endpoint_template',
    Resource.SIP_TRANSPORT: 'config.sip.transports',
    Resource.PJSIP_GLOBAL: 'config.pjsip_global',
    Resource.PJSIP_SYSTEM: 'config.pjsip_system',
}
# An association's key names both ends (wazo-bus): config.lines.{id}.endpoints.sip.{uuid}.updated.
ASSOCIATIONS = {Resource.LINE_ENDPOINT_SIP: ('lines', 'line'), Resource.TRUNK_ENDPOINT_SIP: ('trunks', 'trunk')}
ASSOCIATION_VERBS = {Action.ASSOCIATED: 'updated', Action.DISSOCIATED: 'deleted'}
# Events about one tenant's objects: visible to that tenant's users.
TENANT_RESOURCES = frozenset({Resource.SIP_ENDPOINT, Resource.SIP_ENDPOINT_TEMPLATE, *ASSOCIATIONS})


@dataclasses.dataclass(frozen=True)
class BusEvent:
    name: str
    routing_key: str
    headers: dict
    body: dict

    def payload(self) -> str:
        return json.dumps(self.body)


def event_for_change(change, origin_uuid, timestamp):
    """The event announcing a committed Change."""
    name = f'{change.resource.value}_{change.action.value}'
    routing_key = _routing_key(change)
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
    headers['change_id'] = change.id  # its record's change_uuid in the history
    return BusEvent(name, routing_key, headers, {**headers, 'data': change.data})


def _routing_key(change):
    if change.resource in ASSOCIATIONS:
        collection, owner = ASSOCIATIONS[change.resource]
        endpoint_uuid = change.data['endpoint_sip']['uuid']
        return f'config.{collection}.{change.data[owner]["id"]}.endpoints.sip.{endpoint_uuid}.' + (
            ASSOCIATION_VERBS[change.action]
        )
    return f'{ROUTING_KEY_PREFIXES[change.resource]}.{change.action.value}'


def events_for_changes(changes, origin_uuid, timestamp):
    return [
        event_for_change(change, origin_uuid, timestamp)
        for change in changes
        if change.resource in ROUTING_KEY_PREFIXES or change.resource in ASSOCIATIONS
    ]
