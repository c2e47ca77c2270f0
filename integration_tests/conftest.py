# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures of the integration tests: the real services they run against."""
from .rabbitmq import rabbitmq  # noqa: F401 (a fixture)
