# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from marshmallow import EXCLUDE, Schema, fields

from ...http.fields import OptionLines, PJSIPName

MAX_TRANSPORT_OPTIONS = 128


class TransportSchema(Schema):
    class Meta:
        unknown = EXCLUDE
        ordered = True

    uuid = fields.String(dump_only=True)
    name = PJSIPName(required=True)
    options = OptionLines(max_items=MAX_TRANSPORT_OPTIONS, load_default=list)


class TransportUpdateSchema(TransportSchema):
    name = PJSIPName()
    options = OptionLines(max_items=MAX_TRANSPORT_OPTIONS)
