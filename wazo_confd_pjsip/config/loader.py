# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Configuration: built-in defaults < config.yml < conf.d/*.yml < command line.

As in every Wazo service, files in conf.d are read in alphabetical order and the *first* file
that sets a key wins; nested mappings are merged key by key.
"""
import copy
import glob
import logging
import os
from typing import Any

import yaml

logger = logging.getLogger(__name__)

DEFAULT_CONFIG_FILE = '/etc/wazo-confd-pjsip/config.yml'

DEFAULT_CONFIG: dict[str, Any] = {
    'config_file': DEFAULT_CONFIG_FILE,
    'extra_config_files': '/etc/wazo-confd-pjsip/conf.d/',
    'debug': False,
    'log_level': 'info',
    'log_file': None,
    'uuid': None,
    'rest_api': {
        'listen': '127.0.0.1',
        'port': 9487,
        'max_threads': 10,
        'cors': {
            'enabled': True,
            'allow_headers': ['Content-Type', 'X-Auth-Token', 'Wazo-Tenant'],
        },
    },
    'db_uri': None,
    'data_dir': '/var/lib/wazo-confd-pjsip',
    'pjsip_doc_file': '/usr/share/doc/asterisk-doc/json/pjsip.json.gz',
    'auth': {
        'backend': 'wazo-auth',
        'host': 'localhost',
        'port': 9497,
        'prefix': None,
        'https': False,
        'verify_certificate': True,
        'timeout': 10,
        'username': None,
        'password': None,
        'master_tenant_uuid': None,
        'tokens_file': None,
    },
    'asterisk': {
        'engines': {
            'default': {
                'ari': {
                    'url': 'http://127.0.0.1:8088/ari',
                    'username': 'wazo',
                    'password': None,
                    'timeout': 5,
                },
                'pjsip_conf_file': '/etc/asterisk/pjsip.d/10-wazo-confd-pjsip.conf',
                # false: only the endpoints a wazo-confd line or trunk uses reach this engine, as in Wazo
                'push_unused_endpoints': True,
            },
        },
    },
    'apply': {
        # run the apply worker inside the service; false when `wazo-confd-pjsip apply-worker` runs apart
        'worker': True,
        'health_interval': 5.0,
        'parallelism': 4,
        'batch_size': 500,
        'max_backoff': 60.0,
    },
    'history': {
        # every committed change recorded with who made it and its bodies (GET .../history, revert)
        'enabled': True,
        # pruned in the background: records older than this many days (null: kept), and beyond the
        # newest max_per_resource of each resource (null: no limit)
        'retention_days': 365,
        'max_per_resource': 1000,
        'prune_interval': 3600.0,
    },
    # wazo-confd, for what its lines, users and trunks add to their endpoints (line_additions/): read with
    # the service token (auth.username/password), kept current from the bus; disabled: standalone
    'confd': {
        'enabled': False,
        'host': 'localhost',
        'port': 9486,
        'prefix': None,
        'https': False,
        'verify_certificate': True,
        'timeout': 10,
    },
    'bus': {
        'enabled': False,
        'host': 'localhost',
        'port': 5672,
        'username': 'guest',
        'password': 'guest',
        'exchange_name': 'wazo-headers',
        'exchange_type': 'headers',
    },
}


def merge_configs(*configs):
    """Merge mappings; the first one that sets a key wins, nested mappings are merged."""
    result = {}
    for config in reversed(configs):
        result = _overlay(result, config or {})
    return result


def _overlay(base, top):
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _overlay(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _read_yaml(path):
    try:
        with open(path) as f:
            content = yaml.safe_load(f)
    except FileNotFoundError:
        logger.debug('config file %s not found', path)
        return {}
    if content is None:
        return {}
    if not isinstance(content, dict):
        raise ValueError(f'{path}: the configuration must be a YAML mapping')
    return content


def _read_extra_files(directory):
    paths = sorted(glob.glob(os.path.join(directory, '*.yml')))
    return [_read_yaml(path) for path in paths]


def load_config(cli_overrides=None, defaults=DEFAULT_CONFIG):
    """cli_overrides: what the command line set (cli.py parses it), e.g. {'config_file': ..., 'debug': True}."""
    cli = dict(cli_overrides or {})
    config_file = cli.get('config_file', defaults['config_file'])
    main_file = _read_yaml(config_file)
    extra_dir = merge_configs(cli, main_file, defaults)['extra_config_files']
    extra_files = _read_extra_files(extra_dir) if extra_dir else []
    config = merge_configs(cli, *extra_files, main_file, defaults)
    _log_unknown_keys(config, defaults)
    return config


def has_configuration_files(config):
    """False on a first run: no main file and no conf.d file."""
    if os.path.exists(config['config_file']):
        return True
    extra_dir = config.get('extra_config_files')
    return bool(extra_dir and glob.glob(os.path.join(extra_dir, '*.yml')))


def _log_unknown_keys(config, defaults, prefix=''):
    # A config written for a later version must still start this one: unknown keys are not fatal.
    for key, value in config.items():
        if key not in defaults:
            logger.debug('unknown configuration key ignored: %s%s', prefix, key)
        elif isinstance(value, dict) and isinstance(defaults[key], dict) and key != 'engines':
            _log_unknown_keys(value, defaults[key], f'{prefix}{key}.')
