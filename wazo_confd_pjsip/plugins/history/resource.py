# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The history routes: thin; who may see secrets is asked of the auth backend, per resource."""
import datetime
import functools
import uuid as uuid_lib

from flask import g, request

from ...auth.interface import AuthServiceUnavailable, Unauthorized
from ...database.session import Resource
from ...errors import InvalidInput
from ...http.auth import AuthResource, master_tenant_only, required_acl
from ...http.params import parse_bool, parse_non_negative_int, parse_text
from ...option_diff import option_changes
from ...secrets import masked, masked_changes
from .dao import HistoryQuery

# The ACL that shows a resource's secrets through its own GET: the history shows them to the same tokens.
READ_ACLS = {
    Resource.SIP_ENDPOINT.value: 'confd.endpoints.sip.{uuid}.read',
    Resource.SIP_ENDPOINT_TEMPLATE.value: 'confd.endpoints.sip.templates.{uuid}.read',
    Resource.SIP_TRANSPORT.value: 'confd.sip.transports.{uuid}.read',
    Resource.PJSIP_GLOBAL.value: 'confd.asterisk.pjsip.global.read',
    Resource.PJSIP_SYSTEM.value: 'confd.asterisk.pjsip.system.read',
}
VIEWS = ('diff',)


class _HistoryResource(AuthResource):
    def _page(self, total, rows):
        view = request.args.get('view')
        if view is not None and view not in VIEWS:
            raise InvalidInput('view', f'Must be one of: {", ".join(VIEWS)}.')
        may_read = functools.lru_cache(maxsize=None)(self._may_read_secrets)
        return {
            'total': total,
            'items': [_record(row, may_read(row.resource, row.resource_uuid), view) for row in rows],
        }

    def _may_read_secrets(self, resource, resource_uuid):
        acl = READ_ACLS[resource].format(uuid=resource_uuid)
        try:
            self._authenticator.backend.check_token(g.tenant.token, acl, tenant=g.tenant.known_uuid())
        except (Unauthorized, AuthServiceUnavailable):
            return False  # unsure: masked
        return True

    def _token_of_master_tenant(self):
        """Engine-wide records are for them, as the engine-wide routes are."""
        return g.tenant.token_tenant_uuid == self._authenticator.backend.master_tenant_uuid()

    def _of_resource(self, resource, uuid):
        tenants = None if resource not in _TENANT_RESOURCES else sorted(g.tenant.visible_uuids())
        limit, offset = _paging()
        return self._page(*self.service.of_resource(resource, uuid, tenants, limit, offset))


_TENANT_RESOURCES = (Resource.SIP_ENDPOINT.value, Resource.SIP_ENDPOINT_TEMPLATE.value)


def _paging():
    return parse_non_negative_int('limit', request.args.get('limit')), (
        parse_non_negative_int('offset', request.args.get('offset')) or 0
    )


def _record(row, secrets_visible, view):
    record = {
        'change_uuid': row.change_uuid,
        'change_set_uuid': row.change_set_uuid,
        'recorded_at': row.recorded_at.isoformat(),
        'resource': row.resource,
        'resource_uuid': row.resource_uuid,
        'tenant_uuid': row.tenant_uuid,
        'action': row.action,
        'actor': {
            'via': row.via,
            'user_uuid': row.user_uuid,
            'tenant_uuid': row.actor_tenant_uuid,
            'auth_id': row.auth_id,
        },
        'request_id': row.request_id,
    }
    resource = Resource(row.resource)
    if view == 'diff':
        changes = option_changes(row.before, row.after)
        record['changes'] = changes if secrets_visible else masked_changes(changes, resource)
    elif secrets_visible:
        record['before'], record['after'] = row.before, row.after
    else:
        record['before'], record['after'] = masked(row.before, resource), masked(row.after, resource)
    return record


def _reverted(change_set_uuid, changes):
    return {
        'change_set_uuid': change_set_uuid,
        'changes': [
            {'change_uuid': c.id, 'resource': c.resource.value, 'resource_uuid': c.uuid, 'action': c.action.value}
            for c in changes
        ],
    }


class EndpointSIPHistory(_HistoryResource):
    @required_acl('confd.endpoints.sip.{uuid}.history.read')
    def get(self, uuid):
        return self._of_resource(Resource.SIP_ENDPOINT.value, str(uuid))


class EndpointSIPTemplateHistory(_HistoryResource):
    @required_acl('confd.endpoints.sip.templates.{uuid}.history.read')
    def get(self, uuid):
        return self._of_resource(Resource.SIP_ENDPOINT_TEMPLATE.value, str(uuid))


class TransportHistory(_HistoryResource):
    @required_acl('confd.sip.transports.{uuid}.history.read')
    @master_tenant_only
    def get(self, uuid):
        return self._of_resource(Resource.SIP_TRANSPORT.value, str(uuid))


def engine_settings_history(section):
    resource = Resource.PJSIP_GLOBAL.value if section == 'global' else Resource.PJSIP_SYSTEM.value

    class EngineSettingsHistory(_HistoryResource):
        @required_acl(f'confd.asterisk.pjsip.{section}.history.read')
        @master_tenant_only
        def get(self):
            limit, offset = _paging()
            return self._page(*self.service.search(HistoryQuery(resources=(resource,)), limit, offset))

    EngineSettingsHistory.__name__ = f'PJSIP{section.capitalize()}History'
    return EngineSettingsHistory


class EndpointSIPRevert(_HistoryResource):
    @required_acl('confd.endpoints.sip.{uuid}.history.revert')
    def post(self, uuid, change_uuid):
        return _reverted(*self.service.revert(g.tenant, Resource.SIP_ENDPOINT.value, str(uuid), str(change_uuid)))


class EndpointSIPTemplateRevert(_HistoryResource):
    @required_acl('confd.endpoints.sip.templates.{uuid}.history.revert')
    def post(self, uuid, change_uuid):
        resource = Resource.SIP_ENDPOINT_TEMPLATE.value
        return _reverted(*self.service.revert(g.tenant, resource, str(uuid), str(change_uuid)))


class ChangeSetRevert(_HistoryResource):
    @required_acl('confd.history.change_sets.{uuid}.revert')
    def post(self, uuid):
        return _reverted(*self.service.revert_change_set(g.tenant, str(uuid), self._token_of_master_tenant()))


class History(_HistoryResource):
    """Every change of the tenant (recurse: and of its sub-tenants); the master tenant's token also
    sees the engine-wide ones (transports, [global], [system])."""

    @required_acl('confd.history.read')
    def get(self):
        args = request.args
        resources = tuple(item for item in (args.get('resource') or '').split(',') if item)
        unknown = [item for item in resources if item not in READ_ACLS]
        if unknown:
            raise InvalidInput('resource', f'Must be among: {", ".join(READ_ACLS)}.')
        query = HistoryQuery(
            tenant_uuids=g.tenant.list_scope(parse_bool('recurse', args.get('recurse'))),
            engine_wide=self._token_of_master_tenant(),
            resources=resources,
            user_uuid=parse_text('user_uuid', args.get('user_uuid')),
            since=_time('from', args.get('from')),
            until=_time('until', args.get('until')),
            change_set_uuid=_uuid('change_set_uuid', args.get('change_set_uuid')),
        )
        limit, offset = _paging()
        return self._page(*self.service.search(query, limit, offset))


def _time(name, raw):
    if raw is None:
        return None
    try:
        moment = datetime.datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(name, 'Not a valid ISO 8601 date and time.')
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.timezone.utc)
    try:
        # in UTC: PostgreSQL takes offsets up to 15:59 only, Python up to 23:59
        return moment.astimezone(datetime.timezone.utc)
    except OverflowError:
        raise InvalidInput(name, 'Not a valid ISO 8601 date and time.')


def _uuid(name, raw):
    if raw is None:
        return None
    try:
        return str(uuid_lib.UUID(raw))
    except ValueError:
        raise InvalidInput(name, 'Not a valid UUID.')
