# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""log_file: the packaged service logs to the file that debian/wazo-confd-pjsip.logrotate rotates."""
import logging

import pytest

from wazo_confd_pjsip import cli
from wazo_confd_pjsip.config import DEFAULT_CONFIG


@pytest.fixture
def setup_logging():
    """cli._setup_logging on a bare root logger (pytest's own capture handlers set aside), restored after."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level

    def setup(**config):
        root.handlers = []
        cli._setup_logging(dict(DEFAULT_CONFIG, **config))

    yield setup
    for handler in root.handlers:
        handler.close()
    root.handlers, root.level = saved_handlers, saved_level


def test_logs_to_the_file_and_follows_its_rotation(setup_logging, tmp_path):
    log_file = tmp_path / 'wazo-confd-pjsip.log'
    rotated = tmp_path / 'wazo-confd-pjsip.log.1'
    setup_logging(log_file=str(log_file))
    logger = logging.getLogger('wazo_confd_pjsip.test')

    logger.info('before rotation')
    log_file.rename(rotated)  # what logrotate does, with `create` making the next file
    logger.info('after rotation')

    assert 'before rotation' in rotated.read_text()
    assert 'after rotation' not in rotated.read_text()
    assert 'after rotation' in log_file.read_text()


def test_logs_to_stderr_without_log_file(setup_logging, capsys):
    setup_logging(log_file=None)
    logging.getLogger('wazo_confd_pjsip.test').warning('to the journal')
    assert 'to the journal' in capsys.readouterr().err
