# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The service's bus side, built from `bus:` in the configuration; nothing at all when disabled."""
import dataclasses
import datetime
import logging
import uuid

from .connection import broker_url, wazo_exchange
from .consumer import BusConsumer, UnusableEvent
from .events import events_for_changes
from .publisher import BusPublisher

logger = logging.getLogger(__name__)

# Durable: tenants created or deleted while the service is stopped are handled when it starts.
TENANT_EVENTS_QUEUE = 'wazo-confd-pjsip.tenant-events'


@dataclasses.dataclass
class BusComponents:
    publisher: BusPublisher
    consumer: BusConsumer

    def stop(self):
        self.consumer.stop()
        self.publisher.stop()


def change_events_hook(publisher, origin_uuid):
    """A Database after-commit hook: the committed changes, announced on the bus."""

    def publish_changes(changes):
        timestamp = datetime.datetime.now(datetime.timezone.utc).isoformat()
        for event in events_for_changes(changes, origin_uuid, timestamp):
            publisher.publish(event)

    return publish_changes


def tenant_event_handlers(tenants):
    return {
        'auth_tenant_added': lambda data, _tenant: tenants.add(_tenant_uuid(data)),
        'auth_tenant_deleted': lambda data, _tenant: tenants.remove(_tenant_uuid(data)),
    }


def _tenant_uuid(data):
    # Checked before the database: the consumer drops such an event at once instead of retrying it.
    try:
        return str(uuid.UUID(data['uuid']))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise UnusableEvent(f'no tenant uuid in the data ({error!r})') from error


@dataclasses.dataclass(frozen=True)
class BusSettings:
    """What a test changes: a private, non-durable queue and short retries."""

    queue_name: str = TENANT_EVENTS_QUEUE
    durable_queue: bool = True
    max_backoff: float = 30.0


def build_publisher(config, settings=BusSettings()):
    """The publisher of the change events, not started; None when the bus is disabled."""
    bus_config = config['bus']
    if not bus_config['enabled']:
        return None
    if not config.get('uuid'):
        logger.warning('bus: no `uuid` configured: events will carry a null origin_uuid')
    return BusPublisher(broker_url(bus_config), wazo_exchange(bus_config), max_backoff=settings.max_backoff)


def build_consumer(config, tenants, settings=BusSettings(), more_handlers=None):
    """The consumer of wazo-auth's tenant events (and of `more_handlers`, event name → handler), not
    started; the bus must be enabled."""
    bus_config = config['bus']
    return BusConsumer(
        broker_url(bus_config),
        wazo_exchange(bus_config),
        settings.queue_name,
        {**tenant_event_handlers(tenants), **(more_handlers or {})},
        durable=settings.durable_queue,
        max_backoff=settings.max_backoff,
    )
