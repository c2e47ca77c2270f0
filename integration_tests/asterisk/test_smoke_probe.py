from .conftest import ENDPOINTS

def test_probe(api, asterisk):
    e = api.post(ENDPOINTS, {'name': 'probe1', 'auth_section_options': [['username', 'probe1'], ['password', 'x']],
                             'endpoint_section_options': [['context', 'from-internal'], ['set_var', 'A=1'], ['deny', '0.0.0.0/0'], ['permit', '127.0.0.1/32']]})
    print(api.get(f'{ENDPOINTS}/{e["uuid"]}/asterisk'))
    print(asterisk.object('endpoint', 'probe1'))
    print(asterisk.cli('pjsip show endpoint probe1'))
