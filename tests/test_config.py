# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Configuration: defaults < config.yml < conf.d/*.yml (first file wins) < command line."""
import copy
import logging
import uuid

import pytest
import yaml

from wazo_confd_pjsip import cli
from wazo_confd_pjsip.config import DEFAULT_CONFIG, load_config, merge_configs
from wazo_confd_pjsip.config.loader import has_configuration_files


@pytest.fixture
def etc(tmp_path):
    """A configuration folder like /etc/wazo-confd-pjsip, and defaults pointing at it."""
    (tmp_path / 'conf.d').mkdir()
    defaults = merge_configs(
        {'config_file': str(tmp_path / 'config.yml'), 'extra_config_files': str(tmp_path / 'conf.d')},
        DEFAULT_CONFIG,
    )
    return tmp_path, defaults


def write(path, content):
    path.write_text(yaml.safe_dump(content) if not isinstance(content, str) else content)
    return path


def test_interface_keys_and_defaults():
    # The issue makes these names and values part of the product's interface.
    assert DEFAULT_CONFIG['rest_api']['listen'] == '127.0.0.1'
    assert DEFAULT_CONFIG['rest_api']['port'] == 9487
    assert DEFAULT_CONFIG['db_uri'] is None
    assert DEFAULT_CONFIG['data_dir'] == '/var/lib/wazo-confd-pjsip'
    assert DEFAULT_CONFIG['config_file'] == '/etc/wazo-confd-pjsip/config.yml'
    assert DEFAULT_CONFIG['extra_config_files'] == '/etc/wazo-confd-pjsip/conf.d/'
    assert DEFAULT_CONFIG['pjsip_doc_file'] == '/usr/share/doc/asterisk-doc/json/pjsip.json.gz'
    assert {
        key: DEFAULT_CONFIG['auth'][key]
        for key in (
            'backend',
            'host',
            'port',
            'prefix',
            'https',
            'verify_certificate',
            'timeout',
            'username',
            'password',
            'master_tenant_uuid',
            'tokens_file',
        )
    } == {
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
    }


def command_line(argv):
    """What the command line sets, parsed once, by the CLI."""
    return cli.overrides(cli.parse_arguments(argv))


def test_no_files_gives_the_defaults(etc):
    _, defaults = etc

    assert load_config({}, defaults=defaults) == defaults


def test_main_file_overrides_defaults_and_merges_nested(etc):
    folder, defaults = etc
    write(folder / 'config.yml', {'rest_api': {'port': 9999}, 'auth': {'backend': 'local'}})

    config = load_config({}, defaults=defaults)

    assert config['rest_api']['port'] == 9999
    assert config['rest_api']['listen'] == '127.0.0.1'
    assert config['rest_api']['cors'] == DEFAULT_CONFIG['rest_api']['cors']
    assert config['auth']['backend'] == 'local'
    assert config['auth']['port'] == 9497


def test_conf_d_overrides_main_file(etc):
    folder, defaults = etc
    write(folder / 'config.yml', {'rest_api': {'port': 1111, 'listen': '0.0.0.0'}})
    write(folder / 'conf.d' / '50-port.yml', {'rest_api': {'port': 2222}})

    config = load_config({}, defaults=defaults)

    assert config['rest_api']['port'] == 2222
    assert config['rest_api']['listen'] == '0.0.0.0'


def test_conf_d_first_file_in_alphabetical_order_wins(etc):
    folder, defaults = etc
    # written in the opposite order, so that listing order on disk cannot make the test pass
    write(folder / 'conf.d' / '50-y.yml', {'rest_api': {'port': 5050, 'listen': '10.0.0.50'}, 'debug': True})
    write(folder / 'conf.d' / '10-x.yml', {'rest_api': {'port': 1010}, 'auth': {'host': 'auth.example'}})

    config = load_config({}, defaults=defaults)

    assert config['rest_api']['port'] == 1010  # 10-x beats 50-y
    assert config['rest_api']['listen'] == '10.0.0.50'  # nested keys merged across files
    assert config['debug'] is True
    assert config['auth']['host'] == 'auth.example'
    assert config['auth']['port'] == 9497


def test_conf_d_reads_only_yml_files(etc):
    folder, defaults = etc
    write(folder / 'conf.d' / '10-x.yml.dpkg-old', {'rest_api': {'port': 1}})
    write(folder / 'conf.d' / '20-notes.txt', {'rest_api': {'port': 2}})

    assert load_config({}, defaults=defaults)['rest_api']['port'] == 9487


def test_command_line_beats_every_file(etc):
    folder, defaults = etc
    other = write(folder / 'other.yml', {'log_level': 'error', 'debug': False, 'rest_api': {'port': 3333}})
    write(folder / 'config.yml', {'rest_api': {'port': 1111}})
    write(folder / 'conf.d' / '10-x.yml', {'log_level': 'warning', 'debug': False})

    config = load_config(command_line(['-c', str(other), '-d', '-l', 'DEBUG']), defaults=defaults)

    assert config['config_file'] == str(other)
    assert config['rest_api']['port'] == 3333  # config.yml was not read
    assert config['debug'] is True
    assert config['log_level'] == 'debug'


def test_long_options_and_other_arguments(etc):
    folder, defaults = etc
    other = write(folder / 'other.yml', {'rest_api': {'port': 4444}})

    config = load_config(
        command_line(['--config-file', str(other), '--log-level', 'Warning', '--data-dir', '/srv', 'serve']),
        defaults=defaults,
    )

    assert config['rest_api']['port'] == 4444
    assert config['log_level'] == 'warning'
    assert config['debug'] is False


def test_without_debug_flag_the_files_decide(etc):
    folder, defaults = etc
    write(folder / 'config.yml', {'debug': True, 'log_level': 'error'})

    config = load_config({}, defaults=defaults)

    assert config['debug'] is True
    assert config['log_level'] == 'error'


def test_main_file_names_the_extra_config_folder(etc):
    folder, defaults = etc
    extra = folder / 'elsewhere'
    extra.mkdir()
    write(folder / 'config.yml', {'extra_config_files': str(extra), 'rest_api': {'port': 1111}})
    write(extra / '10-x.yml', {'rest_api': {'port': 2222}})
    write(folder / 'conf.d' / '10-x.yml', {'rest_api': {'port': 3333}})  # no longer read

    assert load_config({}, defaults=defaults)['rest_api']['port'] == 2222


def test_missing_extra_config_folder_is_fine(etc):
    folder, defaults = etc
    write(folder / 'config.yml', {'extra_config_files': str(folder / 'missing'), 'rest_api': {'port': 1111}})

    assert load_config({}, defaults=defaults)['rest_api']['port'] == 1111


def test_unknown_keys_are_kept_quiet_and_not_fatal(etc, caplog):
    folder, defaults = etc
    write(folder / 'config.yml', {'from_the_future': 1, 'rest_api': {'http2': True}})

    with caplog.at_level(logging.DEBUG, logger='wazo_confd_pjsip.config'):
        config = load_config({}, defaults=defaults)

    assert config['rest_api']['port'] == 9487
    logged = [record for record in caplog.records if 'unknown configuration key' in record.getMessage()]
    assert {record.levelno for record in logged} == {logging.DEBUG}
    assert {record.getMessage().rsplit(' ', 1)[1] for record in logged} == {'from_the_future', 'rest_api.http2'}


def test_engine_names_are_not_unknown_keys(etc, caplog):
    folder, defaults = etc
    write(folder / 'config.yml', {'asterisk': {'engines': {'second': {'ari': {'url': 'http://10.0.0.2:8088/ari'}}}}})

    with caplog.at_level(logging.DEBUG, logger='wazo_confd_pjsip.config'):
        config = load_config({}, defaults=defaults)

    assert set(config['asterisk']['engines']) == {'default', 'second'}
    assert not [record for record in caplog.records if 'unknown configuration key' in record.getMessage()]


def test_empty_files_are_fine(etc):
    folder, defaults = etc
    write(folder / 'config.yml', '')
    write(folder / 'conf.d' / '10-empty.yml', '# nothing yet\n')

    assert load_config({}, defaults=defaults) == defaults


def test_a_file_that_is_not_a_mapping_is_an_error_naming_it(etc):
    folder, defaults = etc
    bad = write(folder / 'conf.d' / '10-list.yml', '- a\n- b\n')

    with pytest.raises(ValueError, match=str(bad)):
        load_config({}, defaults=defaults)


def test_loading_does_not_modify_the_defaults(etc):
    folder, defaults = etc
    before = copy.deepcopy(defaults)
    write(folder / 'config.yml', {'rest_api': {'cors': {'allow_headers': ['X']}}})

    config = load_config({}, defaults=defaults)
    config['auth']['host'] = 'changed'

    assert defaults == before


def test_merge_configs_first_wins_and_null_is_a_value():
    merged = merge_configs({'a': {'b': None}}, {'a': {'b': 1, 'c': 2}, 'd': 3})

    assert merged == {'a': {'b': None, 'c': 2}, 'd': 3}


def test_a_mapping_replaces_a_scalar_and_the_reverse():
    assert merge_configs({'a': {'b': 1}}, {'a': 'scalar'}) == {'a': {'b': 1}}
    assert merge_configs({'a': 'scalar'}, {'a': {'b': 1}}) == {'a': 'scalar'}


class TestHasConfigurationFiles:
    def test_none(self, etc):
        _, defaults = etc
        assert has_configuration_files(defaults) is False

    def test_main_file(self, etc):
        folder, defaults = etc
        write(folder / 'config.yml', '')
        assert has_configuration_files(defaults) is True

    def test_conf_d_file(self, etc):
        folder, defaults = etc
        write(folder / 'conf.d' / '10-x.yml', {'debug': True})
        assert has_configuration_files(defaults) is True

    def test_only_other_files_in_conf_d(self, etc):
        folder, defaults = etc
        write(folder / 'conf.d' / 'README', 'not configuration')
        assert has_configuration_files(defaults) is False

    def test_missing_conf_d_folder(self, etc):
        folder, defaults = etc
        assert has_configuration_files({**defaults, 'extra_config_files': str(folder / 'missing')}) is False


def test_the_service_uuid_is_kept_in_the_data_dir(tmp_path):
    from wazo_confd_pjsip.core import ensure_service_uuid

    first = ensure_service_uuid({'uuid': None, 'data_dir': str(tmp_path)})
    again = ensure_service_uuid({'uuid': None, 'data_dir': str(tmp_path)})
    configured = ensure_service_uuid({'uuid': 'abc', 'data_dir': str(tmp_path)})

    assert first == again == (tmp_path / 'uuid').read_text().strip()
    assert str(uuid.UUID(first)) == first
    assert configured == 'abc'
