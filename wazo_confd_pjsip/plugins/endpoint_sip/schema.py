# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from marshmallow import EXCLUDE, Schema, fields, validate

from ...http.fields import OptionLines, PJSIPName, label_validator
from ...sections import SECTIONS, field_name

MAX_SECTION_OPTIONS = 512


class _Reference(Schema):
    class Meta:
        unknown = EXCLUDE

    uuid = fields.UUID(required=True)


def _section_fields():
    return {field_name(section): OptionLines(max_items=MAX_SECTION_OPTIONS, load_default=list) for section in SECTIONS}


class _OrderedSchema(Schema):
    class Meta:
        # fields, hence error messages, in declaration order whatever the hash seed
        ordered = True


# Read-only keys (uuid, tenant_uuid, links, trunk, line, templates[].label) are ignored, so a GET
# body can be PUT back as it is, as wazo-confd-client does.
EndpointSIPSchema = _OrderedSchema.from_dict(
    {
        'name': PJSIPName(),
        'label': fields.String(allow_none=True, validate=label_validator, load_default=None),
        **_section_fields(),
        'templates': fields.List(fields.Nested(_Reference), load_default=list),
        'transport': fields.Nested(_Reference, allow_none=True, load_default=None),
        'asterisk_id': fields.String(allow_none=True, validate=validate.Length(max=1024), load_default=None),
    },
    name='EndpointSIPSchema',
)


def load_create(body):
    return EndpointSIPSchema(unknown=EXCLUDE).load(body)


def load_update(body):
    schema = EndpointSIPSchema(unknown=EXCLUDE)
    # Partial at top level only: partial=True would also let `templates: [{}]` or `transport: {}` through.
    return schema.load(body, partial=tuple(schema.fields))


class ViewSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    view = fields.String(validate=validate.OneOf(['merged']), load_default=None)
    template_uuid = fields.UUID(load_default=None)
