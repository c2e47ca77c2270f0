# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Wazo's own wazo-confd-client (../shared/wazo-clients), unchanged, against the service (a process, fake ARI)."""
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from integration_tests.asterisk.service import MASTER_TENANT, MASTER_TOKEN, SUB_TENANT, SUB_TOKEN, ServiceProcess

from ..databases import create_database, drop_database
from ..fakes.fake_ari import FakeAri
from ..fakes.wazo_auth import FakeWazoAuth
from ..fakes.wazo_confd import FakeWazoConfd

ROOT = Path(__file__).resolve().parents[2]
# Beside the project, as ../shared/asterisk is (integration_tests/asterisk/engine.py); or where this says.
CLIENTS = Path(os.environ.get('WAZO_SHARED_CLIENTS', ROOT.parent / 'shared' / 'wazo-clients'))
TARBALLS = ('wazo-lib-rest-client-301b6a9.tar.gz', 'wazo-confd-client-a435b41.tar.gz')
SCRIPT = Path(__file__).with_name('drive_confd_client.py')
COMMAND = Path(sys.executable).with_name('wazo-confd-pjsip')
INSTALL_TIMEOUT = 600  # seconds; the clients' dependencies come from PyPI


def _unavailable(reason):
    if os.environ.get('CI') == 'true':
        pytest.fail(f'{reason}; CI must test with the real client')
    pytest.skip(reason)


@pytest.fixture(scope='session')
def client_python(tmp_path_factory):
    """The python of a throw-away venv holding the two tarballs and their dependencies."""
    missing = [name for name in TARBALLS if not (CLIENTS / name).is_file()]
    if missing:
        _unavailable(f'{", ".join(missing)} not in {CLIENTS}')
    directory = tmp_path_factory.mktemp('wazo-confd-client')
    venv.EnvBuilder(with_pip=True, clear=True).create(directory)
    python = directory / 'bin' / 'python'
    pip = [str(python), '-m', 'pip', '--disable-pip-version-check', '--quiet', 'install']
    result = subprocess.run(
        [*pip, *(str(CLIENTS / name) for name in TARBALLS)], capture_output=True, text=True, timeout=INSTALL_TIMEOUT
    )
    if result.returncode != 0:
        _unavailable(f'cannot install the wazo clients (no network?):\n{result.stdout[-2000:]}{result.stderr[-2000:]}')
    return python


@pytest.fixture(scope='module')
def service(tmp_path_factory, postgres_server_uri):
    db_uri, name = create_database(postgres_server_uri, prefix='client')
    with FakeAri(username='wazo', password='secret') as ari:
        ari.up()
        engines = {'default': {'ari': {'url': f'{ari.url}/ari', 'username': 'wazo', 'password': 'secret'}}}
        process = ServiceProcess(COMMAND, tmp_path_factory.mktemp('service'), db_uri, engines)
        process.start()
        yield process
        process.stop()
    drop_database(postgres_server_uri, name)


@pytest.fixture(scope='module')
def steps(client_python, service):
    """What each step of drive_confd_client.py got back: {'result': ...} or {'error': {status, reason}}."""
    result = subprocess.run(
        [str(client_python), str(SCRIPT), service.url, MASTER_TOKEN, MASTER_TENANT, SUB_TENANT, SUB_TOKEN],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f'{result.stderr}\n{service.log_tail()}'
    return json.loads(result.stdout)


def result(steps, name):
    assert 'result' in steps[name], f'{name}: {steps[name]}'
    return steps[name]['result']


def refusal(steps, name):
    assert 'error' in steps[name], f'{name} was not refused: {steps[name]}'
    error = steps[name]['error']
    return error['status'], error['reason']


def names(listing):
    return [item['name'] for item in listing['items']]


def test_transports(steps):
    created = result(steps, 'transport_create')
    options = [['protocol', 'udp'], ['bind', '0.0.0.0:5070']]

    assert created == {'uuid': created['uuid'], 'name': 'client-transport', 'options': options}
    assert result(steps, 'transport_list') == {'total': 1, 'items': [created]}
    assert result(steps, 'transport_get') == created
    assert result(steps, 'transport_update') is None
    assert result(steps, 'transport_get_updated')['options'] == [*options, ['tos', 'cs3']]


def test_templates(steps, service):
    transport = result(steps, 'transport_create')
    created = result(steps, 'template_create')

    assert created['tenant_uuid'] == MASTER_TENANT
    assert (created['name'], created['label']) == ('client-template', 'client template')
    assert created['aor_section_options'] == [['max_contacts', '3']]
    assert created['endpoint_section_options'] == [['allow', '!all,ulaw'], ['set_var', 'FROM_TEMPLATE=1']]
    assert created['transport'] == {'uuid': transport['uuid']}
    href = f'{service.url}/endpoints/sip/templates/{created["uuid"]}'
    assert created['links'] == [{'rel': 'endpoint_sip_templates', 'href': href}]
    assert result(steps, 'template_list') == {'total': 1, 'items': [created]}
    assert result(steps, 'template_get') == created
    assert result(steps, 'template_update') is None
    assert result(steps, 'template_get_updated') == {**created, 'label': 'client template 2'}


def test_endpoints(steps, service):
    template = result(steps, 'template_get_updated')
    created = result(steps, 'endpoint_create')
    sub = result(steps, 'endpoint_create_in_sub_tenant')

    assert created['tenant_uuid'] == MASTER_TENANT
    assert (created['name'], created['label']) == ('client-endpoint', 'client endpoint')
    assert created['auth_section_options'] == [['username', 'client-endpoint'], ['password', 'secret']]
    assert created['endpoint_section_options'] == [['callerid', '"Client" <1234>'], ['set_var', 'OWN=1']]
    assert created['templates'] == [{'uuid': template['uuid'], 'label': 'client template 2'}]
    assert (created['transport'], created['line'], created['trunk']) == (None, None, None)
    assert created['links'] == [{'rel': 'endpoint_sip', 'href': f'{service.url}/endpoints/sip/{created["uuid"]}'}]
    assert (sub['tenant_uuid'], sub['name']) == (SUB_TENANT, 'client-sub')
    assert result(steps, 'endpoint_list_search') == {'total': 1, 'items': [created]}
    assert result(steps, 'endpoint_list_name') == {'total': 1, 'items': [created]}
    # the client's list() sends recurse=False: the sub-tenant's endpoint only with recurse=True
    assert names(result(steps, 'endpoint_list')) == ['client-endpoint']
    assert names(result(steps, 'endpoint_list_recurse')) == ['client-sub', 'client-endpoint']
    assert names(result(steps, 'endpoint_list_sub_tenant')) == ['client-sub']
    assert result(steps, 'endpoint_get') == created


def test_endpoint_merged_view_and_update(steps):
    template = result(steps, 'template_get_updated')
    created = result(steps, 'endpoint_create')

    merged = result(steps, 'endpoint_get_merged')

    assert merged['aor_section_options'] == template['aor_section_options']
    assert merged['endpoint_section_options'] == [
        *template['endpoint_section_options'],
        *created['endpoint_section_options'],
    ]
    assert merged['transport'] == template['transport']
    assert result(steps, 'endpoint_update') is None
    assert result(steps, 'endpoint_get_updated') == {
        **created,
        'label': 'client endpoint 2',
        'endpoint_section_options': [['callerid', '"Client" <5678>']],
    }


def owner(steps, step, side):
    body = result(steps, step)
    other = 'trunk' if side == 'line' else 'line'
    assert body[other] is None, f'{step}: {body}'
    return body[side]


def test_line_associations(steps, service):
    endpoint = result(steps, 'endpoint_create')

    for step in ('line_add_endpoint_sip', 'line_add_endpoint_sip_again', 'line_remove_endpoint_sip'):
        assert result(steps, step) is None
    line = {'id': 7, 'links': [{'rel': 'lines', 'href': f'{service.url}/lines/7'}]}
    assert owner(steps, 'endpoint_get_with_line', 'line') == line
    assert result(steps, 'endpoint_list_with_line')['items'][0]['line'] == line
    assert refusal(steps, 'other_line_add_same_endpoint') == (
        400,
        "Resource Error - Line is associated with a Endpoint"
        f" ('line_id': 7, 'endpoint': 'sip', 'endpoint_uuid': '{endpoint['uuid']}')",
    )
    assert owner(steps, 'endpoint_get_after_line_removed', 'line') is None
    # EndpointSipRelation.associate_line / dissociate_line: the same routes from the endpoint's side
    assert result(steps, 'endpoint_associate_line') is None
    assert owner(steps, 'endpoint_get_with_other_line', 'line')['id'] == 8
    assert result(steps, 'endpoint_dissociate_line') is None
    assert owner(steps, 'endpoint_get_after_dissociate_line', 'line') is None
    assert refusal(steps, 'line_add_unknown_endpoint') == (
        404,
        "Resource Not Found - SIPEndpoint was not found ('uuid': '00000000-0000-4000-8000-000000000000')",
    )


def test_trunk_associations(steps, service):
    trunk_endpoint = result(steps, 'trunk_endpoint_create')

    assert result(steps, 'trunk_add_endpoint_sip') is None
    trunk = {'id': 9, 'links': [{'rel': 'trunks', 'href': f'{service.url}/trunks/9'}]}
    assert owner(steps, 'trunk_endpoint_get_with_trunk', 'trunk') == trunk
    words = (
        "Resource Error - Trunk is associated with a Endpoint ('trunk_id': 9, 'endpoint': 'sip', 'endpoint_{}': '{}')"
    )
    # an endpoint of a trunk is no line's; a trunk has one endpoint
    assert refusal(steps, 'line_add_trunk_endpoint') == (400, words.format('uuid', trunk_endpoint['uuid']))
    assert refusal(steps, 'trunk_add_second_endpoint') == (400, words.format('id', trunk_endpoint['uuid']))
    assert result(steps, 'trunk_remove_endpoint_sip') is None
    assert owner(steps, 'trunk_endpoint_get_after_trunk_removed', 'trunk') is None
    # deleting an associated endpoint ends its association: the trunk takes another endpoint
    assert result(steps, 'trunk_add_endpoint_again') is None
    assert result(steps, 'trunk_endpoint_delete_associated') is None
    assert result(steps, 'trunk_add_endpoint_after_delete') is None
    assert owner(steps, 'endpoint_get_with_trunk', 'trunk') == trunk
    assert result(steps, 'trunk_remove_endpoint_after_delete') is None


@pytest.mark.parametrize(
    'section, option, value, count',
    [('global', 'max_forwards', '42', 28), ('system', 'timer_t1', '600', 16)],
)
def test_pjsip_global_and_system(steps, section, option, value, count):
    original = result(steps, f'{section}_get')['options']

    assert result(steps, f'{section}_update') is None
    assert result(steps, f'{section}_get_updated') == {'options': {**original, option: value}}
    status, reason = refusal(steps, f'{section}_update_type')
    assert status == 400
    assert reason.startswith("Input Error - 'options: invalid variable (type)' must be one of (")
    assert reason.endswith(f'all {count} are in GET /1.1/asterisk/pjsip/doc')
    assert result(steps, f'{section}_get_restored') == {'options': original}


def test_pjsip_seeded_global(steps):
    assert result(steps, 'global_get') == {
        'options': {'user_agent': 'Wazo PBX', 'endpoint_identifier_order': 'auth_username,username,ip'}
    }


def test_pjsip_doc(steps):
    doc = result(steps, 'doc_get')

    sections = {'endpoint', 'aor', 'auth', 'contact', 'domain_alias', 'transport', 'system', 'global'}
    assert set(doc) == sections | {'identify', 'registration'}
    assert not [name for name in doc if 'type' in doc[name]]
    assert set(doc['endpoint']['allow']) == {'name', 'default', 'synopsis', 'description', 'note', 'choices'}
    assert doc['endpoint']['allow']['name'] == 'allow'
    assert (len(doc['global']), len(doc['system'])) == (28, 16)


def test_refusals_reach_the_client_in_the_services_words(steps):
    endpoint = result(steps, 'endpoint_create')

    assert refusal(steps, 'endpoint_create_bad_name') == (
        400,
        'Input Error - name: Must be 1 to 79 characters among letters, digits, "-", "_" and "."',
    )
    assert refusal(steps, 'endpoint_create_duplicate') == (
        400,
        "Resource Error - SIPEndpoint already exists ('name': 'client-endpoint')",
    )
    status, reason = refusal(steps, 'endpoint_create_unknown_option')
    assert status == 400
    assert reason.startswith("Input Error - 'endpoint_section_options: invalid variable (auth_type)' must be one of")
    assert refusal(steps, 'template_delete_used') == (
        400,
        f"Resource Error - SIPEndpointTemplate is inherited by: SIPEndpoint 'client-endpoint' ({endpoint['uuid']})",
    )
    assert refusal(steps, 'endpoint_list_bad_order') == (400, "Input Error - order: column 'nope' was not found")


def test_a_sub_tenant_sees_its_own_and_not_the_engine_settings(steps):
    unauthorized = (401, 'Unauthorized: invalid token or unauthorized access')
    for step in ('sub_global_get', 'sub_system_update', 'sub_transport_create'):
        assert refusal(steps, step) == unauthorized
    assert names(result(steps, 'sub_transport_list')) == ['client-transport']
    assert names(result(steps, 'sub_endpoint_list')) == ['client-sub']


@pytest.mark.parametrize(
    'kind, created, resource',
    [
        ('endpoint', 'endpoint_create', 'SIPEndpoint'),
        ('template', 'template_create', 'SIPEndpointTemplate'),
        ('transport', 'transport_create', 'Transport'),
    ],
)
def test_deleted_then_not_found(steps, kind, created, resource):
    uuid = result(steps, created)['uuid']
    not_found = (404, f"Resource Not Found - {resource} was not found ('uuid': '{uuid}')")

    assert result(steps, f'{kind}_delete') is None
    assert refusal(steps, f'{kind}_get_deleted') == not_found
    assert refusal(steps, f'{kind}_delete_deleted') == not_found


def test_the_sub_tenants_endpoint_is_deleted_through_the_master_tenant(steps):
    assert result(steps, 'endpoint_delete_sub_tenant') is None


# --- with a wazo-confd: a fake one serving the line and its user, and a fake wazo-auth for the service token

USER_LINES_SCRIPT = Path(__file__).with_name('drive_user_lines.py')
SERVICE_USER = ('wazo-confd-pjsip', 'client-test-secret')


@pytest.fixture(scope='module')
def wazo_steps(client_python, tmp_path_factory, postgres_server_uri):
    db_uri, name = create_database(postgres_server_uri, prefix='client_lines')
    with FakeAri(username='wazo', password='secret') as ari, FakeWazoAuth() as auth, FakeWazoConfd(auth) as confd:
        ari.up()
        auth.add_tenant(MASTER_TENANT, None, 'master')
        auth.add_tenant(SUB_TENANT, MASTER_TENANT, 'sub')
        auth.add_token(MASTER_TOKEN, tenant_uuid=MASTER_TENANT, acl=['confd.#', 'auth.tenants.read'])
        auth.add_user(*SERVICE_USER, tenant_uuid=MASTER_TENANT, acl=['confd.#.read', 'auth.tenants.read'])
        line = confd.add_line(SUB_TENANT, context='client-ctx')
        user = confd.add_user(SUB_TENANT)
        confd.add_user_to_line(user, line)
        username, password = SERVICE_USER
        process = ServiceProcess(
            COMMAND,
            tmp_path_factory.mktemp('service-with-confd'),
            db_uri,
            {'default': {'ari': {'url': f'{ari.url}/ari', 'username': 'wazo', 'password': 'secret'}}},
            extra_config={
                'auth': auth.config(username=username, password=password, master_tenant_uuid=MASTER_TENANT),
                'confd': confd.config(),
            },
        )
        process.start()
        try:
            arguments = [service_url := process.url, MASTER_TOKEN, SUB_TENANT, str(line['id']), user['uuid']]
            result = subprocess.run(
                [str(client_python), str(USER_LINES_SCRIPT), *arguments], capture_output=True, text=True, timeout=300
            )
            assert result.returncode == 0, f'{result.stderr}\n{process.log_tail()}'
            yield json.loads(result.stdout), line, service_url
        finally:
            process.stop()
    drop_database(postgres_server_uri, name)


def test_a_line_of_wazo_confd_through_the_client(wazo_steps):
    steps, line, url = wazo_steps
    endpoint = result(steps, 'endpoint_create')

    assert refusal(steps, 'unknown_line_add_endpoint_sip') == (
        404,
        "Resource Not Found - Line was not found ('id': 999999)",
    )
    assert result(steps, 'line_add_endpoint_sip') is None
    merged = result(steps, 'endpoint_get_merged')
    assert merged['line'] == {'id': line['id'], 'links': [{'rel': 'lines', 'href': f'{url}/lines/{line["id"]}'}]}
    assert ['context', 'client-ctx'] in merged['endpoint_section_options']
    for step in ('user_main_endpoint_sip', 'user_line_endpoint_sip'):
        assert result(steps, step)['uuid'] == endpoint['uuid'], step
        assert result(steps, step)['endpoint_section_options'] == []  # its own options
    assert (
        result(steps, 'user_main_endpoint_sip_merged')['endpoint_section_options'] == merged['endpoint_section_options']
    )
    # the line has a user: wazo-confd's rule keeps its endpoint; deleting the endpoint is allowed
    status, reason = refusal(steps, 'line_with_user_remove_endpoint_sip')
    assert (status, reason.split(' (')[0]) == (400, 'Resource Error - Line is associated with a User')
    assert result(steps, 'endpoint_delete') is None
    status, reason = refusal(steps, 'user_main_endpoint_sip_after_delete')
    assert (status, reason.split(' (')[0]) == (404, 'Resource Not Found - SIPEndpoint was not found')
