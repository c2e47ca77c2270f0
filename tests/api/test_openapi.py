"""GET /1.1/api/api.yml: one valid swagger 2.0 document, describing exactly the routes the app serves."""
import re

import pytest
import yaml
from openapi_spec_validator import openapi_v2_spec_validator, validate_spec

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
    validate_spec(document, validator=openapi_v2_spec_validator)


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
    ids = [operation['operationId'] for operation in documented_operations(document).values() if 'operationId' in operation]
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
    assert {('query', name) for name in (
        'recurse', 'search', 'order', 'direction', 'limit', 'offset', 'uuid', 'name', 'label', 'asterisk_id', 'template_uuid'
    )} <= listing
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
    assert _properties(document, 'PJSIPSection') == list(api.get('/asterisk/pjsip/global').json)
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
    assert document['definitions']['Error'] == {'type': 'array', 'description': 'Messages, as strings.', 'items': {'type': 'string'}}
