# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""GET /1.1/api/api.yml: one valid swagger 2.0 document, describing exactly the routes the app serves."""
import re

import pytest
import yaml
from marshmallow import ValidationError
from swagger_spec_validator.validator20 import validate_spec

from wazo_confd_pjsip.http.fields import validate_pjsip_name
from wazo_confd_pjsip.options.catalogue import OptionCatalogue
from wazo_confd_pjsip.options.values import safety_error, value_error
from wazo_confd_pjsip.plugins import api_fragments

from .conftest import SUB

DOCUMENT_PATH = '/1.1/api/api.yml'
PREFIX = '/1.1'
METHODS = {'get', 'post', 'put', 'delete', 'patch'}
ACL_IN_DESCRIPTION = re.compile(r'\*\*Required ACL:\*\* `([^`]+)`')


@pytest.fixture
def response(app):
    return app.test_client().get(DOCUMENT_PATH)


@pytest.fixture
def document(response):
    return yaml.safe_load(response.data)


def swagger_path(rule):
    """/1.1/sip/transports/<uuid:uuid> → /sip/transports/{uuid}"""
    return re.sub(r'<(?:[^:<>]+:)?([^<>]+)>', r'{\1}', rule.removeprefix(PREFIX))


def served_operations(app):
    """(swagger path, method) → the handler, for every route but the document itself."""
    operations = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == 'static' or rule.rule == DOCUMENT_PATH:
            continue
        view_class = app.view_functions[rule.endpoint].view_class
        for method in rule.methods - {'HEAD', 'OPTIONS'}:
            operations[(swagger_path(rule.rule), method.lower())] = getattr(view_class, method.lower())
    return operations


def documented_operations(document):
    return {
        (path, method): operation
        for path, item in document['paths'].items()
        for method, operation in item.items()
        if method in METHODS
    }


def test_document_is_served_as_yaml(response):
    assert response.status_code == 200
    assert response.mimetype == 'application/x-yaml'
    # every part spelled out: some tools do not follow YAML aliases
    assert not re.search(rb'[&*]id\d{3}', response.data)


def test_document_validates_as_swagger_2(document):
    assert document['swagger'] == '2.0'
    assert document['basePath'] == PREFIX
    validate_spec(document)


def test_every_fragment_is_a_mapping_of_known_sections():
    for path in api_fragments():
        fragment = yaml.safe_load(path.read_text())
        assert isinstance(fragment, dict), path
        assert set(fragment) <= {'paths', 'parameters', 'responses', 'definitions', 'tags'}, path


def test_every_served_route_is_documented_and_nothing_else(app, document):
    served = set(served_operations(app))
    documented = set(documented_operations(document))

    assert sorted(served - documented) == [], 'served but not documented'
    assert sorted(documented - served) == [], 'documented but not served'


def test_each_operation_states_the_acl_the_route_requires(app, document):
    handlers = served_operations(app)
    for key, operation in documented_operations(document).items():
        stated = ACL_IN_DESCRIPTION.findall(operation.get('description', ''))
        assert stated == [handlers[key].required_acl], key


def test_operation_ids_are_unique(document):
    ids = [
        operation['operationId'] for operation in documented_operations(document).values() if 'operationId' in operation
    ]
    assert len(ids) == len(set(ids))


def _parameter_names(document, path, method):
    item = document['paths'][path]
    names = set()
    for parameter in item.get('parameters', []) + item[method].get('parameters', []):
        if '$ref' in parameter:
            parameter = document['parameters'][parameter['$ref'].rsplit('/', 1)[1]]
        names.add((parameter['in'], parameter['name']))
    return names


@pytest.mark.parametrize('base', ['/endpoints/sip', '/endpoints/sip/templates'])
def test_endpoint_parameters(document, base):
    listing = _parameter_names(document, base, 'get')
    assert {
        ('query', name)
        for name in (
            'recurse',
            'search',
            'order',
            'direction',
            'limit',
            'offset',
            'uuid',
            'name',
            'label',
            'asterisk_id',
            'template_uuid',
        )
    } <= listing
    assert ('header', 'Wazo-Tenant') in listing
    item = _parameter_names(document, base + '/{uuid}', 'get')
    assert {('path', 'uuid'), ('query', 'view'), ('header', 'Wazo-Tenant')} <= item
    view = next(p for p in document['parameters'].values() if p['name'] == 'view')
    assert view['enum'] == ['merged']


def test_transport_delete_documents_the_fallback(document):
    assert ('query', 'fallback') in _parameter_names(document, '/sip/transports/{uuid}', 'delete')


def _properties(document, definition):
    return list(document['definitions'][definition]['properties'])


def test_documented_fields_are_the_served_fields_in_order(api, document):
    transport = api.post('/sip/transports', json={'name': 'udp'}).json
    endpoint = api.post('/endpoints/sip', json={}).json
    template = api.post('/endpoints/sip/templates', json={}).json
    sub = api.as_(tenant=SUB)
    listed = sub.get('/endpoints/sip/templates').json

    assert _properties(document, 'Transport') == list(transport)
    assert _properties(document, 'EndpointSIP') == list(endpoint)
    assert _properties(document, 'EndpointSIPTemplate') == list(template)
    assert _properties(document, 'EndpointSIPTemplateItems') == list(listed)
    assert _properties(document, 'PJSIPGlobalSection') == list(api.get('/asterisk/pjsip/global').json)
    assert _properties(document, 'PJSIPSystemSection') == list(api.get('/asterisk/pjsip/system').json)
    engines = api.get('/asterisk/pjsip/sync').json['engines']
    assert _properties(document, 'PJSIPSyncEngine') == list(engines['default'])
    assert _properties(document, 'PJSIPDocOption') == list(api.get('/asterisk/pjsip/doc').json['endpoint']['allow'])
    assert _properties(document, 'PJSIPDoc') == list(api.get('/asterisk/pjsip/doc').json)
    assert _properties(document, 'Status') == list(api.get('/status').json)


def test_create_bodies_and_answers(document):
    for path, definition in (
        ('/sip/transports', 'Transport'),
        ('/endpoints/sip', 'EndpointSIP'),
        ('/endpoints/sip/templates', 'EndpointSIPTemplate'),
    ):
        post = document['paths'][path]['post']
        (body,) = [p for p in post['parameters'] if p.get('in') == 'body']
        assert body['schema'] == {'$ref': f'#/definitions/{definition}'}
        assert post['responses']['201']['schema'] == {'$ref': f'#/definitions/{definition}'}
        assert 'Location' in post['responses']['201']['headers']


def test_every_error_answer_is_a_list_of_strings(document):
    for key, operation in documented_operations(document).items():
        for status, answer in operation['responses'].items():
            if int(status) < 400:
                continue
            answer = answer if '$ref' not in answer else document['responses'][answer['$ref'].rsplit('/', 1)[1]]
            assert answer['schema'] == {'$ref': '#/definitions/Error'}, (key, status)
    assert document['definitions']['Error'] == {
        'type': 'array',
        'description': 'Messages, as strings.',
        'items': {'type': 'string'},
    }


# --- the document says what the server enforces


def _resolved(document, schema):
    while '$ref' in schema:
        schema = document['definitions'][schema['$ref'].rsplit('/', 1)[1]]
    return schema


def _body_examples(document):
    for (path, method), operation in documented_operations(document).items():
        for parameter in operation.get('parameters', []):
            if parameter.get('in') == 'body' and 'example' in _resolved(document, parameter['schema']):
                yield path, method, operation, _resolved(document, parameter['schema'])['example']


def test_every_body_example_is_accepted(api, document):
    examples = list(_body_examples(document))
    assert {(path, method) for path, method, _, _ in examples} >= {
        ('/asterisk/pjsip/global', 'put'),
        ('/asterisk/pjsip/system', 'put'),
        ('/asterisk/sip/import', 'post'),
    }
    for path, method, operation, example in examples:
        if operation.get('consumes') == ['text/plain']:
            response = api.request(method.upper(), path, data=example, headers={'Content-Type': 'text/plain'})
        else:
            response = api.request(method.upper(), path, json=example)

        assert response.status_code < 300, (path, method, response.json)


def test_list_orders_are_the_sortable_columns(api, document):
    for path, columns in (
        ('/endpoints/sip', ['name', 'label', 'uuid', 'asterisk_id', 'tenant_uuid']),
        ('/endpoints/sip/templates', ['name', 'label', 'uuid', 'asterisk_id', 'tenant_uuid']),
        ('/sip/transports', ['name', 'uuid']),
    ):
        parameters = [_resolved_parameter(document, p) for p in document['paths'][path]['get']['parameters']]
        (order,) = [p for p in parameters if p['name'] == 'order']
        assert order['enum'] == columns
        for column in columns:
            assert api.get(path, query={'order': column}).status_code == 200
        assert api.get(path, query={'order': 'options'}).status_code == 400


def _resolved_parameter(document, parameter):
    return document['parameters'][parameter['$ref'].rsplit('/', 1)[1]] if '$ref' in parameter else parameter


def test_asterisk_ids_are_the_configured_engines(document):
    definitions = document['definitions']
    assert definitions['EndpointSIP']['properties']['asterisk_id']['enum'] == ['default']
    assert definitions['EndpointSIPTemplate']['properties']['asterisk_id']['enum'] == ['default']
    assert definitions['PJSIPResync']['properties']['engine']['enum'] == ['default']


@pytest.mark.parametrize('engines_config', [{'east': {}, 'west': {}}])
def test_without_a_default_engine_an_endpoint_must_name_its_engine(app, engines_config):
    definitions = yaml.safe_load(app.test_client().get(DOCUMENT_PATH).data)['definitions']
    assert definitions['EndpointSIP']['properties']['asterisk_id']['enum'] == ['east', 'west']
    assert definitions['EndpointSIP']['properties']['asterisk_id']['x-nullable'] is False
    assert definitions['EndpointSIPTemplate']['properties']['asterisk_id']['x-nullable'] is True


@pytest.mark.parametrize('section', ['global', 'system'])
def test_section_options_are_the_catalogue_options(document, section):
    options = document['definitions'][f'PJSIP{section.capitalize()}Section']['properties']['options']
    assert list(options['properties']) == list(OptionCatalogue.bundled().option_names(section))
    assert options['additionalProperties'] is False


PROBED_VALUES = (
    '0',
    '007',
    '70',
    '4294967295',
    '4294967296',
    '00004294967295',
    '2147483647',
    '2147483648',
    '-2147483648',
    '-2147483649',
    '+12',
    '-0',
    '1.5',
    '',
    ' 1',
    'yes',
    'No',
    'TRUE',
    'off',
    'y',
    'maybe',
    'global',
    'none',
    'pjsip_only',
    'Wazo PBX',
    'md5',
    'x\ty',
)


@pytest.mark.parametrize('section', ['global', 'system'])
def test_documented_values_of_section_options_are_those_the_server_accepts(document, section):
    catalogue = OptionCatalogue.bundled()
    options = document['definitions'][f'PJSIP{section.capitalize()}Section']['properties']['options']
    for name, schema in options['properties'].items():
        schema = _resolved(document, schema)
        for value in PROBED_VALUES:
            accepted = value_error(value, catalogue.spec(section, name), section) is None
            assert _documented(schema, value) == accepted, (name, value)


def _documented(schema, value):
    if 'enum' in schema:
        return value in schema['enum']
    return re.search(schema['pattern'], value) is not None


def _accepts(check, value):
    try:
        check(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    'definition, server_check, values',
    [
        (
            'PJSIPName',
            validate_pjsip_name,
            ('a', 'a' * 79, 'a' * 80, '', 'ok-1.x_y', 'a b', 'a~b', 'é', 'global', 'system', 'Global', 'globals'),
        ),
        (
            'OptionValue',
            lambda value: _refuse(safety_error(value)),
            ('x', 'x' * 4092, 'x' * 4093, '', 'a b', ' a', 'a ', 'a\nb', 'a\x00', 'a\x85', 'a\u2028', 'é;[x]'),
        ),
    ],
)
def test_documented_texts_are_those_the_server_accepts(document, definition, server_check, values):
    schema = document['definitions'][definition]
    for value in values:
        fits = len(value) <= schema.get('maxLength', len(value))
        documented = fits and re.search(schema['pattern'], value) is not None
        assert documented == _accepts(server_check, value), value


def _refuse(error):
    if error:
        raise ValidationError(error)


def test_every_write_documents_wait_applied_and_its_header(document):
    writes = [
        (path, method, operation)
        for path, item in document['paths'].items()
        for method, operation in item.items()
        if method in ('post', 'put', 'delete')
    ]
    assert writes
    for path, method, operation in writes:
        assert ('query', 'wait_applied') in _parameter_names(document, path, method), (method, path)
        successes = [response for code, response in operation['responses'].items() if str(code).startswith('2')]
        assert successes and all('Wazo-Apply-Status' in response['headers'] for response in successes), (method, path)


def test_wait_applied_and_its_header_are_what_the_api_does(api):
    created = api.post('/endpoints/sip/templates', json={}, query={'wait_applied': '2'})
    assert created.status_code == 201
    assert created.headers['Wazo-Apply-Status'] == 'applied'  # a template alone has nothing to push
    refused = api.post('/endpoints/sip/templates', json={}, query={'wait_applied': '31'})
    assert (refused.status_code, refused.json) == (
        400,
        ['Input Error - wait_applied: Must be between 0 and 30 seconds.'],
    )
