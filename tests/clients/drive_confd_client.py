# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every PJSIP command of Wazo's wazo-confd-client, and its line/trunk associations, against a service.

Run by the python of a venv holding the client (never imported by the tests: the client's pinned
dependencies stay out of the test process):

    python drive_confd_client.py URL TOKEN TENANT SUB_TENANT SUB_TOKEN

Prints one JSON object: for each step its name and what the client returned, or the status and
reason of the requests.HTTPError it raised.
"""
import json
import sys
from urllib.parse import urlsplit

import requests
from wazo_confd_client import Client

LINE_ID = 7
OTHER_LINE_ID = 8
TRUNK_ID = 9


def client_for(url, token, tenant):
    parts = urlsplit(url)
    prefix, _, version = parts.path.rstrip('/').rpartition('/')
    return Client(
        parts.hostname, port=parts.port, prefix=prefix or None, version=version, https=False, token=token, tenant=tenant
    )


class Steps:
    def __init__(self):
        self.results = {}

    def __call__(self, step, command, /, *args, **kwargs):
        assert step not in self.results, step
        try:
            result = command(*args, **kwargs)
        except requests.HTTPError as error:
            self.results[step] = {'error': {'status': error.response.status_code, 'reason': error.response.reason}}
            return None
        self.results[step] = {'result': result}
        return result


def transports(step, client):
    created = step(
        'transport_create',
        client.sip_transports.create,
        {'name': 'client-transport', 'options': [['protocol', 'udp'], ['bind', '0.0.0.0:5070']]},
    )
    step('transport_list', client.sip_transports.list, search='client-transport')
    body = step('transport_get', client.sip_transports.get, created['uuid'])
    step('transport_update', client.sip_transports.update, {**body, 'options': [*body['options'], ['tos', 'cs3']]})
    step('transport_get_updated', client.sip_transports.get, created)
    return created


def templates(step, client, transport):
    created = step(
        'template_create',
        client.endpoints_sip_templates.create,
        {
            'name': 'client-template',
            'label': 'client template',
            'aor_section_options': [['max_contacts', '3']],
            'endpoint_section_options': [['allow', '!all,ulaw'], ['set_var', 'FROM_TEMPLATE=1']],
            'transport': {'uuid': transport['uuid']},
        },
    )
    step('template_list', client.endpoints_sip_templates.list, search='client-template')
    body = step('template_get', client.endpoints_sip_templates.get, created['uuid'])
    step('template_update', client.endpoints_sip_templates.update, {**body, 'label': 'client template 2'})
    step('template_get_updated', client.endpoints_sip_templates.get, created)
    return created


def endpoints(step, client, template, sub_tenant):
    created = step(
        'endpoint_create',
        client.endpoints_sip.create,
        {
            'name': 'client-endpoint',
            'label': 'client endpoint',
            'auth_section_options': [['username', 'client-endpoint'], ['password', 'secret']],
            'endpoint_section_options': [['callerid', '"Client" <1234>'], ['set_var', 'OWN=1']],
            'templates': [{'uuid': template['uuid']}],
        },
    )
    step('endpoint_create_in_sub_tenant', client.endpoints_sip.create, {'name': 'client-sub'}, tenant_uuid=sub_tenant)
    step('endpoint_list_search', client.endpoints_sip.list, search='client-endpoint')
    step('endpoint_list_name', client.endpoints_sip.list, name='client-endpoint')
    step('endpoint_list', client.endpoints_sip.list, search='client-')
    step(
        'endpoint_list_recurse',
        client.endpoints_sip.list,
        search='client-',
        recurse=True,
        order='name',
        direction='desc',
    )
    step('endpoint_list_sub_tenant', client.endpoints_sip.list, tenant_uuid=sub_tenant)
    body = step('endpoint_get', client.endpoints_sip.get, created['uuid'])
    step('endpoint_get_merged', client.endpoints_sip.get, created['uuid'], view='merged')
    step(
        'endpoint_update',
        client.endpoints_sip.update,
        {**body, 'label': 'client endpoint 2', 'endpoint_section_options': [['callerid', '"Client" <5678>']]},
    )
    step('endpoint_get_updated', client.endpoints_sip.get, created)
    return created


def associations(step, client, endpoint):
    uuid = endpoint['uuid']
    trunk_endpoint = step('trunk_endpoint_create', client.endpoints_sip.create, {'name': 'client-trunk'})
    step('line_add_endpoint_sip', client.lines.relations(LINE_ID).add_endpoint_sip, uuid)
    step('line_add_endpoint_sip_again', client.lines(LINE_ID).add_endpoint_sip, uuid)
    step('endpoint_get_with_line', client.endpoints_sip.get, uuid)
    step('endpoint_list_with_line', client.endpoints_sip.list, name='client-endpoint')
    step('other_line_add_same_endpoint', client.lines(OTHER_LINE_ID).add_endpoint_sip, uuid)
    step('line_remove_endpoint_sip', client.lines(LINE_ID).remove_endpoint_sip, uuid)
    step('endpoint_get_after_line_removed', client.endpoints_sip.get, uuid)
    # the endpoint's own side of the same routes
    step('endpoint_associate_line', client.endpoints_sip.relations(uuid).associate_line, OTHER_LINE_ID)
    step('endpoint_get_with_other_line', client.endpoints_sip.get, uuid)
    step('endpoint_dissociate_line', client.endpoints_sip(uuid).dissociate_line, OTHER_LINE_ID)
    step('endpoint_get_after_dissociate_line', client.endpoints_sip.get, uuid)

    step('trunk_add_endpoint_sip', client.trunks.relations(TRUNK_ID).add_endpoint_sip, trunk_endpoint['uuid'])
    step('trunk_endpoint_get_with_trunk', client.endpoints_sip.get, trunk_endpoint['uuid'])
    step('line_add_trunk_endpoint', client.lines(LINE_ID).add_endpoint_sip, trunk_endpoint['uuid'])
    step('trunk_add_second_endpoint', client.trunks(TRUNK_ID).add_endpoint_sip, uuid)
    step('trunk_remove_endpoint_sip', client.trunks(TRUNK_ID).remove_endpoint_sip, trunk_endpoint['uuid'])
    step('trunk_endpoint_get_after_trunk_removed', client.endpoints_sip.get, trunk_endpoint['uuid'])
    step('line_add_unknown_endpoint', client.lines(LINE_ID).add_endpoint_sip, '00000000-0000-4000-8000-000000000000')
    # deleting an associated endpoint ends its association: the trunk is free again
    step('trunk_add_endpoint_again', client.trunks(TRUNK_ID).add_endpoint_sip, trunk_endpoint['uuid'])
    step('trunk_endpoint_delete_associated', client.endpoints_sip.delete, trunk_endpoint['uuid'])
    step('trunk_add_endpoint_after_delete', client.trunks(TRUNK_ID).add_endpoint_sip, uuid)
    step('endpoint_get_with_trunk', client.endpoints_sip.get, uuid)
    step('trunk_remove_endpoint_after_delete', client.trunks(TRUNK_ID).remove_endpoint_sip, uuid)


def engine_settings(step, client):
    for name, command, option, value in (
        ('global', client.pjsip_global, 'max_forwards', '42'),
        ('system', client.pjsip_system, 'timer_t1', '600'),
    ):
        original = step(f'{name}_get', command.get)
        step(f'{name}_update', command.update, {'options': {**original['options'], option: value}})
        step(f'{name}_get_updated', command.get)
        step(f'{name}_update_type', command.update, {'options': {'type': name}})
        step(f'{name}_restore', command.update, original)
        step(f'{name}_get_restored', command.get)
    step('doc_get', client.pjsip_doc.get)


def refusals(step, client, template):
    step('endpoint_create_bad_name', client.endpoints_sip.create, {'name': 'bad name'})
    step('endpoint_create_duplicate', client.endpoints_sip.create, {'name': 'client-endpoint'})
    step(
        'endpoint_create_unknown_option',
        client.endpoints_sip.create,
        {'endpoint_section_options': [['auth_type', 'x']]},
    )
    step('template_delete_used', client.endpoints_sip_templates.delete, template['uuid'])
    step('endpoint_list_bad_order', client.endpoints_sip.list, order='nope')


def sub_tenant_refusals(step, client):
    """Engine-wide settings are the master tenant's: a sub-tenant's token neither reads nor writes them."""
    step('sub_global_get', client.pjsip_global.get)
    step('sub_system_update', client.pjsip_system.update, {'options': {}})
    step('sub_transport_create', client.sip_transports.create, {'name': 'sub-transport', 'options': []})
    step('sub_transport_list', client.sip_transports.list)
    step('sub_endpoint_list', client.endpoints_sip.list, search='client-')


def deletions(step, client, endpoint, template, transport):
    for name, command, resource in (
        ('endpoint', client.endpoints_sip, endpoint),
        ('template', client.endpoints_sip_templates, template),
        ('transport', client.sip_transports, transport),
    ):
        step(f'{name}_delete', command.delete, resource)
        step(f'{name}_get_deleted', command.get, resource['uuid'])
        step(f'{name}_delete_deleted', command.delete, resource['uuid'])
    sub = client.endpoints_sip.list(name='client-sub', recurse=True)['items']
    step('endpoint_delete_sub_tenant', client.endpoints_sip.delete, sub[0])


def main(url, token, tenant, sub_tenant, sub_token):
    client = client_for(url, token, tenant)
    step = Steps()
    transport = transports(step, client)
    template = templates(step, client, transport)
    endpoint = endpoints(step, client, template, sub_tenant)
    associations(step, client, endpoint)
    engine_settings(step, client)
    refusals(step, client, template)
    sub_tenant_refusals(step, client_for(url, sub_token, None))
    deletions(step, client, endpoint, template, transport)
    json.dump(step.results, sys.stdout)


if __name__ == '__main__':
    main(*sys.argv[1:])
