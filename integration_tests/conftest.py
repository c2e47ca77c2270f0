"""Fixtures of the integration tests: the real services they run against."""
from .rabbitmq import rabbitmq  # noqa: F401 (a fixture)
