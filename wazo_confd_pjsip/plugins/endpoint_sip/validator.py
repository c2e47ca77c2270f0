# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Business checks of an endpoint or template body that need more than its own fields."""
from ...engine_ids import DEFAULT_ENGINE, engine_of
from ...errors import InvalidInput, RelatedNotFound
from ...inheritance import most_copies, would_create_cycle
from ...sections import SECTION_OBJECT_TYPES, SECTIONS_WITH_CUSTOM_KEYS, field_name
from ..option_checks import check_option_lines
from ..transports import dao as transport_dao
from . import dao


def check_sections(catalogue, body):
    for section, object_type in SECTION_OBJECT_TYPES.items():
        lines = body.get(field_name(section))
        if lines is not None:
            check_option_lines(
                catalogue,
                field_name(section),
                object_type,
                lines,
                allow_custom_keys=section in SECTIONS_WITH_CUSTOM_KEYS,
            )


def check_asterisk_id(engines, asterisk_id, is_template):
    # A template is never pushed: only a named engine must exist.
    if engine_of(asterisk_id) in engines or (is_template and asterisk_id is None):
        return
    known = ', '.join(sorted(engines))
    if asterisk_id is None:
        raise InvalidInput(
            'asterisk_id', f"required: no engine named '{DEFAULT_ENGINE}' is configured (known: {known})"
        )
    raise InvalidInput('asterisk_id', f"unknown Asterisk engine '{asterisk_id}' (known: {known})")


# A ladder of diamonds doubles the copied lines at each rung; bounded so that resolution stays cheap.
MAX_TEMPLATE_COPIES = 16


UNKNOWN_TEMPLATE = 'no SIP endpoint template of this tenant has this uuid'


def check_parents(session, node_uuid, tenant_uuid, parent_uuids, is_template):
    """Parents must be distinct templates of the node's own tenant, and must not create a loop."""
    if len(set(parent_uuids)) != len(parent_uuids):
        raise InvalidInput('templates', 'the same template cannot be given twice')
    if node_uuid is not None and node_uuid in parent_uuids:
        raise InvalidInput('templates', f"a template cannot include itself ('uuid': '{node_uuid}')")
    found = dao.find_templates(session, parent_uuids)
    for uuid in parent_uuids:
        template = found.get(uuid)
        # Another tenant's template is reported exactly like a missing one: its existence is not ours to reveal.
        if template is None or template.tenant_uuid != tenant_uuid:
            # wazo-confd's words name the table; the hint says it is a template that is missing.
            raise RelatedNotFound('templates', 'endpoint_sip', hint=UNKNOWN_TEMPLATE, templates=uuid)
    updating_a_template = is_template and node_uuid is not None
    if len(parent_uuids) < 2 and not updating_a_template:
        # One parent adds no path: its own copies were bounded when it got its parents.
        return
    graph = dao.tenant_template_parents(session, tenant_uuid)
    if updating_a_template:
        loop = would_create_cycle(node_uuid, parent_uuids, graph)
        if loop:
            others = ', '.join(uuid for uuid in loop[1:])
            raise InvalidInput('templates', f'these templates would inherit from each other in a loop: {others}')
        graph = {**graph, node_uuid: parent_uuids}
        # the templates inheriting from this one are affected too
        copies = max([most_copies(parents, graph) for parents in graph.values()])
    else:
        copies = most_copies(parent_uuids, graph)
    if copies > MAX_TEMPLATE_COPIES:
        raise InvalidInput(
            'templates',
            f'a template would be copied {copies} times through diamonds (at most {MAX_TEMPLATE_COPIES}): '
            'Asterisk copies a template once per path that reaches it',
        )


def check_transport(session, transport_uuid):
    if transport_uuid is not None and not transport_dao.exists(session, transport_uuid):
        raise RelatedNotFound('transport', 'SIPTransport', uuid=transport_uuid)
