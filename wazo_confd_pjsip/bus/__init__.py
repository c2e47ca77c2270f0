"""The Wazo bus (RabbitMQ): configuration events out, wazo-auth's tenant events in."""
from .components import BusComponents, build_bus

__all__ = ['BusComponents', 'build_bus']
