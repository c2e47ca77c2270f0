import dataclasses


@dataclasses.dataclass
class Dependencies:
    """Everything the plugins are given; built once by the service, or by the tests."""

    config: dict
    db: object
    auth_backend: object
    catalogue: object
    tenants: object
    # name → callable returning {"status": "ok"|"fail", ...}, shown by /1.1/status
    status_reporters: dict = dataclasses.field(default_factory=dict)
    api: object = None
    authenticator: object = None
