# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Wazo bus (RabbitMQ): configuration events out, wazo-auth's tenant events in."""
from .components import BusComponents, BusSettings, build_consumer, build_publisher, change_events_hook

__all__ = ['BusComponents', 'BusSettings', 'build_consumer', 'build_publisher', 'change_events_hook']
