# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A fake wazo-confd: the reads the service makes of lines, users, voicemails and trunks, over real HTTP.

Bodies have the fields of wazo-confd's schemas (plugins/{line,user,voicemail,trunk}/schema.py) that
matter here, and a few more, as wazo-confd shapes them. Tokens are checked with a FakeWazoAuth: the
token must be valid and hold the resource's read ACL (`confd.lines.{id}.read`...), and a resource is
found only in the subtree of `Wazo-Tenant` (which the token must see), else 404 as wazo-confd says.
Stopped (`stop()`), it refuses connections, as a wazo-confd that is down.
"""
import uuid

from wazo_confd_pjsip.auth.acl import acl_allows
from wazo_confd_pjsip.auth.tenant_tree import subtree

from .http_service import FakeHttpService

BASE = '/1.1'


class FakeWazoConfd(FakeHttpService):
    THREAD_NAME = 'fake-wazo-confd'

    def __init__(self, auth):
        super().__init__()
        self.auth = auth  # a FakeWazoAuth: tokens, tenants
        self.lines = {}  # id → body
        self.users = {}  # uuid → body
        self.voicemails = {}
        self.trunks = {}
        self.call_pickups = {}
        self._ids = iter(range(1, 10**6))

    # --- seeding, with wazo-confd's shapes

    def add_line(self, tenant_uuid, *, context='default', extensions=(), application_uuid=None, line_id=None):
        line_id = line_id or next(self._ids)
        self.lines[line_id] = {
            'id': line_id,
            'tenant_uuid': tenant_uuid,
            'name': f'line{line_id}',
            'protocol': 'sip',
            'context': context,
            'position': 1,
            'caller_id_name': None,
            'caller_id_num': None,
            'provisioning_code': '123456',
            'provisioning_extension': '123456',
            'registrar': 'default',
            'device_id': None,
            'device_slot': 1,
            'is_webrtc': False,
            'application': {'uuid': application_uuid, 'name': 'app', 'links': []} if application_uuid else None,
            'extensions': [
                {'id': next(self._ids), 'exten': exten, 'context': exten_context, 'links': []}
                for exten, exten_context in extensions
            ],
            'users': [],
            'endpoint_sip': None,
            'endpoint_sccp': None,
            'endpoint_custom': None,
            'links': [{'rel': 'lines', 'href': f'https://localhost/api/confd/1.1/lines/{line_id}'}],
        }
        return self.lines[line_id]

    def add_user(
        self, tenant_uuid, *, simultaneous_calls=5, online_call_record_enabled=False, voicemail=None, group_ids=()
    ):
        user_uuid = str(uuid.uuid4())
        user_id = next(self._ids)
        voicemail_ref = None
        if voicemail is not None:
            number, context = voicemail
            voicemail_id = next(self._ids)
            self.voicemails[voicemail_id] = {
                'id': voicemail_id,
                'tenant_uuid': tenant_uuid,
                'name': f'vm {number}',
                'number': number,
                'context': context,
                'links': [],
            }
            voicemail_ref = {'id': voicemail_id, 'name': f'vm {number}', 'links': []}
        self.users[user_uuid] = {
            'id': user_id,
            'uuid': user_uuid,
            'tenant_uuid': tenant_uuid,
            'firstname': 'Alice',
            'lastname': str(user_id),
            'caller_id': f'"Alice {user_id}"',
            'simultaneous_calls': simultaneous_calls,
            'online_call_record_enabled': online_call_record_enabled,
            'ring_seconds': 30,
            'lines': [],
            'voicemail': voicemail_ref,
            'groups': [
                {'id': group_id, 'uuid': str(uuid.uuid4()), 'name': f'group{group_id}'} for group_id in group_ids
            ],
            'links': [],
        }
        return self.users[user_uuid]

    def add_user_to_line(self, user, line):
        """Main user and main line: the first of each list, as wazo-confd orders them."""
        line['users'].append({'uuid': user['uuid'], 'firstname': user['firstname'], 'lastname': user['lastname']})
        user['lines'].append({key: line[key] for key in ('id', 'name', 'context', 'provisioning_code', 'links')})

    def add_call_pickup(self, tenant_uuid, *, interceptors=(), targets=(), enabled=True):
        """interceptors, targets: user bodies, or {'id': group_id} for groups."""

        def members(items):
            return {
                'users': [
                    {'uuid': item['uuid'], 'firstname': 'x', 'lastname': 'y'} for item in items if 'uuid' in item
                ],
                'groups': [{'id': item['id'], 'name': f'group{item["id"]}'} for item in items if 'uuid' not in item],
            }

        pickup_id = next(self._ids)
        self.call_pickups[pickup_id] = {
            'id': pickup_id,
            'tenant_uuid': tenant_uuid,
            'name': f'pickup{pickup_id}',
            'enabled': enabled,
            'interceptors': members(interceptors),
            'targets': members(targets),
            'links': [],
        }
        return self.call_pickups[pickup_id]

    def add_trunk(self, tenant_uuid, *, context='from-extern'):
        trunk_id = next(self._ids)
        self.trunks[trunk_id] = {
            'id': trunk_id,
            'tenant_uuid': tenant_uuid,
            'context': context,
            'twilio_incoming': False,
            'outgoing_caller_id_format': '+E164',
            'endpoint_sip': None,
            'endpoint_custom': None,
            'endpoint_iax': None,
            'outcalls': [],
            'register_iax': None,
            'links': [],
        }
        return self.trunks[trunk_id]

    def config(self, **overrides):
        """The `confd` configuration of a service using this fake."""
        return {'enabled': True, 'host': '127.0.0.1', 'port': self.port, 'https': False, 'timeout': 2, **overrides}

    def requests_of(self, path_prefix):
        with self._lock:
            return [request for request in self.requests if request.path.startswith(BASE + path_prefix)]

    # --- the protocol (called from the handler threads)

    def answer(self, request):
        with self._lock:
            self.requests.append(request)
        parts = request.path.removeprefix(BASE).strip('/').split('/')
        if request.method == 'GET' and parts == ['callpickups']:
            return self._list_call_pickups(request)
        if request.method != 'GET' or len(parts) != 2:
            return 405, {'message': 'not faked'}
        collection, key = parts
        found = {
            'lines': ('Line', 'id', self.lines),
            'users': ('User', 'uuid', self.users),
            'voicemails': ('Voicemail', 'id', self.voicemails),
            'trunks': ('Trunk', 'id', self.trunks),
        }.get(collection)
        if found is None:
            return 405, {'message': 'not faked'}
        resource, id_name, items = found
        refused, tenant_uuid, parents = self._authorized(request, f'confd.{collection}.{key}.read')
        if refused:
            return refused
        item = items.get(int(key) if id_name == 'id' and key.isdigit() else key)
        if item is None or item['tenant_uuid'] not in subtree(parents, tenant_uuid):
            return 404, [f"Resource Not Found - {resource} was not found ('{id_name}': {key!r})"]
        return 200, item

    def _list_call_pickups(self, request):
        refused, tenant_uuid, _ = self._authorized(request, 'confd.callpickups.read')
        if refused:
            return refused
        items = [pickup for pickup in self.call_pickups.values() if pickup['tenant_uuid'] == tenant_uuid]
        return 200, {'total': len(items), 'items': items}

    def _authorized(self, request, acl):
        """(refusal or None, the request's tenant, the tenant tree)."""
        token = self.auth._valid_token(request.header('X-Auth-Token'))
        if token is None or not acl_allows(token.acl, acl, user_uuid=token.user_uuid, session_uuid=token.session_uuid):
            return (401, {'message': 'Unauthorized', 'error_id': 'unauthorized'}), None, None
        tenant_uuid = request.header('Wazo-Tenant') or token.tenant_uuid
        with self.auth._lock:
            parents = self.auth._parents()
        if tenant_uuid not in subtree(parents, token.tenant_uuid):
            return (401, {'message': 'Unauthorized tenant', 'error_id': 'unauthorized-tenant'}), None, None
        return None, tenant_uuid, parents
