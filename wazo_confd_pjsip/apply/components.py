# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import dataclasses

from .desired import DesiredState
from .engines import engines_from_config
from .worker import ApplyWorker

WORKER_SETTINGS = ('batch_size', 'lease_seconds', 'health_interval', 'parallelism', 'max_backoff')


@dataclasses.dataclass
class ApplyComponents:
    engines: dict
    desired: DesiredState
    worker: ApplyWorker


def build_apply(config, db, catalogue):
    engines = engines_from_config(config)
    used_only = {name for name, engine in engines.items() if not engine.config.push_unused_endpoints}
    desired = DesiredState(catalogue, used_only)
    settings = {key: value for key, value in config.get('apply', {}).items() if key in WORKER_SETTINGS}
    return ApplyComponents(engines, desired, ApplyWorker(db, engines, desired, catalogue, **settings))
