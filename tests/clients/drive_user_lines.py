# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""wazo-confd-client's line association and user-line commands against a service that reads a wazo-confd:

    python drive_user_lines.py URL TOKEN TENANT LINE_ID USER_UUID

Prints one JSON object, as drive_confd_client.py does.
"""
import json
import sys

from drive_confd_client import Steps, client_for

UNKNOWN_LINE_ID = 999999


def main(url, token, tenant, line_id, user_uuid):
    client = client_for(url, token, tenant)
    step = Steps()
    endpoint = step('endpoint_create', client.endpoints_sip.create, {'name': 'client-line-endpoint'})
    step('unknown_line_add_endpoint_sip', client.lines(UNKNOWN_LINE_ID).add_endpoint_sip, endpoint)
    step('line_add_endpoint_sip', client.lines(line_id).add_endpoint_sip, endpoint)
    step('endpoint_get_merged', client.endpoints_sip.get, endpoint['uuid'], view='merged')
    step('user_main_endpoint_sip', client.users.get_main_endpoint_sip, user_uuid)
    step('user_main_endpoint_sip_merged', client.users.get_main_endpoint_sip, user_uuid, view='merged')
    step('user_line_endpoint_sip', client.users(user_uuid).get_endpoint_sip, line_id)
    step('line_with_user_remove_endpoint_sip', client.lines(line_id).remove_endpoint_sip, endpoint)
    step('endpoint_delete', client.endpoints_sip.delete, endpoint)
    step('user_main_endpoint_sip_after_delete', client.users.get_main_endpoint_sip, user_uuid)
    json.dump(step.results, sys.stdout)


if __name__ == '__main__':
    url, token, tenant, line_id, user_uuid = sys.argv[1:]
    main(url, token, tenant, int(line_id), user_uuid)
