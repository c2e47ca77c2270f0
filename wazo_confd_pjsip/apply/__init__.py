# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Getting every change to the running Asterisk engines, durably.

outbox:   in the transaction of a change, record what must be applied (and wake the worker).
desired:  what an endpoint must be in Asterisk: inheritance resolved, objects built.
worker:   drain the outbox: diff against what the engine acknowledged, push only the differences.
engines:  the configured Asterisk engines.
"""
