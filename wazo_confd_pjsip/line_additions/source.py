# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a line or trunk adds, read from wazo-confd and checked like any option before it may reach Asterisk."""
import logging

from ..options.validation import validate_options
from ..sections import SECTION_OBJECT_TYPES
from .additions import WazoOptions, line_options, trunk_options

logger = logging.getLogger(__name__)


class ConfdSource:
    def __init__(self, client, catalogue):
        self._client = client
        self._catalogue = catalogue

    def reading_pickups_once(self):
        """This source, reading each tenant's call pickups at most once: for a pass over many lines."""
        return ConfdSource(_PickupsReadOnce(self._client), self._catalogue)

    def line(self, tenant_uuid, line_id):
        """WazoOptions of the line, None when wazo-confd has no such line in that tenant."""
        line = self._client.line(tenant_uuid, line_id)
        if line is None:
            return None
        users = [self._client.user(tenant_uuid, user['uuid']) for user in line.get('users') or []]
        users = [user for user in users if user is not None]  # deleted meanwhile: its event follows
        voicemail_ids = {(user.get('voicemail') or {}).get('id') for user in users} - {None}
        voicemails = {voicemail_id: self._client.voicemail(tenant_uuid, voicemail_id) for voicemail_id in voicemail_ids}
        pickups = self._client.call_pickups(tenant_uuid) if users else []
        return self._checked(line_options(line, users, voicemails, pickups), f'line {line_id}')

    def trunk(self, tenant_uuid, trunk_id):
        trunk = self._client.trunk(tenant_uuid, trunk_id)
        return None if trunk is None else self._checked(trunk_options(trunk), f'trunk {trunk_id}')

    def line_members(self, tenant_uuid, line_id):
        """{'user_ids', 'extension_ids', 'device_id'} of the line, None when wazo-confd has no such line."""
        line = self._client.line(tenant_uuid, line_id)
        if line is None:
            return None
        users = [self._client.user(tenant_uuid, user['uuid']) for user in line.get('users') or []]
        return {
            'user_ids': [user['id'] for user in users if user is not None],
            'extension_ids': [extension['id'] for extension in line.get('extensions') or []],
            'device_id': line.get('device_id'),
        }

    def has_line(self, tenant_uuid, line_id):
        return self._client.line(tenant_uuid, line_id) is not None

    def user(self, tenant_uuid, user_uuid):
        return self._client.user(tenant_uuid, user_uuid)

    def _checked(self, options, owner):
        """Options whose value Asterisk would refuse (a context with a space...) are left out, and logged."""
        sections = {}
        for section, lines in options.sections.items():
            errors = validate_options(self._catalogue, SECTION_OBJECT_TYPES[section], lines)
            refused = {error.index for error in errors}
            for error in errors:
                logger.warning('wazo-confd %s: %s left out (%s)', owner, lines[error.index][0], error.message)
            sections[section] = [[key, value] for index, (key, value) in enumerate(lines) if index not in refused]
        return WazoOptions(sections, options.user_uuids)


class _PickupsReadOnce:
    """A wazo-confd client whose call pickups are read once per tenant; the rest as the client does."""

    def __init__(self, client):
        self._client = client
        self._pickups = {}

    def call_pickups(self, tenant_uuid):
        if tenant_uuid not in self._pickups:
            self._pickups[tenant_uuid] = self._client.call_pickups(tenant_uuid)
        return self._pickups[tenant_uuid]

    def __getattr__(self, name):
        return getattr(self._client, name)
