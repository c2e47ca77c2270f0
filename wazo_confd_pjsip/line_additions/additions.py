# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a wazo-confd line (with its users) or trunk adds to its endpoint's Asterisk objects: pure.

The values, their order and their sources are Wazo's (xivo-dao's asterisk_conf_dao, which
wazo-confgend writes to pjsip.conf), from the bodies of wazo-confd's REST API:

- a line: `WAZO_CHANNEL_DIRECTION=from-wazo`, `WAZO_LINE_ID`, `context` (the line's, or its
  application's Stasis context), `TRANSFER_CONTEXT`; for each user, main user first, `XIVO_USERID`,
  `WAZO_USERID`, `XIVO_USERUUID`, `WAZO_USERUUID`, `WAZO_USER_DTMF_RECORD_TOGGLE_ENABLED`,
  `WAZO_CALLER_SIMULTCALLS`; `PICKUPMARK` from the main extension; `named_pickup_group` and
  `named_call_group`, the ids of the enabled call pickups whose interceptors (targets) hold a user,
  or a group of the user when this is the main line of its main user; `mailboxes` (endpoint and
  aor) from the users' voicemails;
- a trunk: `WAZO_PAI_FORMAT=` (Wazo always sets it empty) and its `context`.

`__WAZO_TENANT_UUID`, which Wazo also sets, comes from the builder for every endpoint.
"""
import dataclasses

DIRECTION = 'from-wazo'
APPLICATION_CONTEXT = 'stasis-wazo-app-{}'


@dataclasses.dataclass(frozen=True)
class WazoOptions:
    sections: dict  # section → [[key, value], ...]
    user_uuids: tuple[str, ...] = ()


def line_options(line, users, voicemails, pickups=()):
    """line: GET /lines/{id}; users: GET /users/{uuid} of its users, main user first;
    voicemails: voicemail id → GET /voicemails/{id}; pickups: the items of GET /callpickups."""
    endpoint = [_set_var('WAZO_CHANNEL_DIRECTION', DIRECTION), _set_var('WAZO_LINE_ID', line['id'])]
    application = line.get('application') or {}
    context = APPLICATION_CONTEXT.format(application['uuid']) if application.get('uuid') else line.get('context')
    if context:
        endpoint.append(['context', context])
    if line.get('context'):
        endpoint.append(_set_var('TRANSFER_CONTEXT', line['context']))
    for user in users:
        endpoint += [
            _set_var('XIVO_USERID', user['id']),
            _set_var('WAZO_USERID', user['id']),
            _set_var('XIVO_USERUUID', user['uuid']),
            _set_var('WAZO_USERUUID', user['uuid']),
        ]
        if user.get('online_call_record_enabled'):
            endpoint.append(_set_var('WAZO_USER_DTMF_RECORD_TOGGLE_ENABLED', 1))
        if user.get('simultaneous_calls') is not None:
            endpoint.append(_set_var('WAZO_CALLER_SIMULTCALLS', user['simultaneous_calls']))
    extensions = line.get('extensions') or []
    if extensions:
        endpoint.append(_set_var('PICKUPMARK', f'{extensions[0]["exten"]}%{extensions[0]["context"]}'))
    for key, side in (('named_pickup_group', 'interceptors'), ('named_call_group', 'targets')):
        ids = _pickup_ids(line, users, pickups, side)
        if ids:
            endpoint.append([key, ','.join(str(pickup_id) for pickup_id in ids)])
    sections = {'endpoint': endpoint}
    mailboxes = ','.join(
        f'{voicemail["number"]}@{voicemail["context"]}'
        for voicemail in (voicemails.get((user.get('voicemail') or {}).get('id')) for user in users)
        if voicemail
    )
    if mailboxes:
        endpoint.append(['mailboxes', mailboxes])
        sections['aor'] = [['mailboxes', mailboxes]]
    return WazoOptions(sections, tuple(str(user['uuid']) for user in users))


def _pickup_ids(line, users, pickups, side):
    """The call pickups whose `side` holds a user of the line; through a group, only on the main line
    of the main user (Wazo's rule)."""
    main_user_groups = set()
    if users and [user_line['id'] for user_line in users[0].get('lines') or []][:1] == [line['id']]:
        main_user_groups = {group['id'] for group in users[0].get('groups') or []}
    user_uuids = {str(user['uuid']) for user in users}
    found = []
    for pickup in pickups:
        members = pickup.get(side) or {}
        if not pickup.get('enabled', True):
            continue
        if user_uuids & {str(member['uuid']) for member in members.get('users') or []} or main_user_groups & {
            group['id'] for group in members.get('groups') or []
        }:
            found.append(pickup['id'])
    return sorted(found)


def trunk_options(trunk):
    """trunk: GET /trunks/{id}."""
    endpoint = [_set_var('WAZO_PAI_FORMAT', '')]
    if trunk.get('context'):
        endpoint.append(['context', trunk['context']])
    return WazoOptions({'endpoint': endpoint})


def _set_var(name, value):
    return ['set_var', f'{name}={value}']
