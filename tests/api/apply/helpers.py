# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later


def create_endpoint(api, name, context='a', **extra):
    """An endpoint of three objects (auth, aor, endpoint), created through the API; `extra`: more fields."""
    response = api.post(
        '/endpoints/sip',
        json={
            'name': name,
            'auth_section_options': [['username', name], ['password', 'x']],
            'aor_section_options': [['max_contacts', '1']],
            'endpoint_section_options': [['context', context], ['allow', '!all,ulaw']],
            **extra,
        },
    )
    assert response.status_code == 201, response.json
    return response.json
