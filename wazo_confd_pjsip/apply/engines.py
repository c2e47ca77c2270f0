# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The configured Asterisk engines: where each one's ARI is and which pjsip.conf file it includes."""
import dataclasses
import threading

from ..asterisk import probe
from ..asterisk.ari import AriClient
from ..asterisk.events import AriEventsWatch
from ..engine_ids import DEFAULT_ENGINE


def on_engine(asterisk_id_column, engine_name):
    """SQL condition: the endpoint (by its asterisk_id column) lives on engine_name."""
    if engine_name == DEFAULT_ENGINE:
        return asterisk_id_column.is_(None) | (asterisk_id_column == engine_name)
    return asterisk_id_column == engine_name


@dataclasses.dataclass(frozen=True)
class EngineConfig:
    name: str
    ari_url: str | None
    ari_username: str | None
    ari_password: str | None
    ari_timeout: float
    pjsip_conf_file: str | None
    push_unused_endpoints: bool = True  # false: only endpoints a line or trunk uses, as Wazo does

    @classmethod
    def from_config(cls, name, config):
        ari = config.get('ari') or {}
        return cls(
            name=name,
            ari_url=ari.get('url'),
            ari_username=ari.get('username'),
            ari_password=ari.get('password'),
            ari_timeout=float(ari.get('timeout') or 5),
            pjsip_conf_file=config.get('pjsip_conf_file'),
            push_unused_endpoints=bool(config.get('push_unused_endpoints', True)),
        )


class AsteriskEngine:
    """One engine; ARI clients are per thread (a requests.Session is not shared across threads)."""

    def __init__(self, config):
        self.config = config
        self.name = config.name
        self._local = threading.local()
        self._probe_lock = threading.Lock()
        self._merges_set_var = None  # (startup time, the probe's answer) of the last probe

    def merges_set_var(self, startup_time):
        """Whether the Asterisk that started at `startup_time` merges set_var endpoints; probed once per start.

        A restart may run another build (stock or patched), so the answer holds for one startup time.
        """
        with self._probe_lock:
            if self._merges_set_var is None or self._merges_set_var[0] != startup_time:
                self._merges_set_var = (startup_time, probe.merges_set_var(self.client()))
            return self._merges_set_var[1]

    def known_merges_set_var(self, startup_time):
        """The probe's answer for the Asterisk that started at `startup_time`, None if not probed yet."""
        with self._probe_lock:
            if self._merges_set_var is None or self._merges_set_var[0] != startup_time:
                return None
            return self._merges_set_var[1]

    @property
    def has_ari(self):
        return bool(self.config.ari_url)

    def client(self):
        client = getattr(self._local, 'client', None)
        if client is None:
            client = self._local.client = AriClient(
                self.config.ari_url,
                self.config.ari_username or '',
                self.config.ari_password or '',
                self.config.ari_timeout,
            )
        return client

    def events_watch(self, app, on_change):
        """A watch of this engine's ARI events websocket (not started)."""
        return AriEventsWatch(
            self.config.ari_url,
            self.config.ari_username or '',
            self.config.ari_password or '',
            app,
            on_change,
            timeout=self.config.ari_timeout,
        )


def engines_from_config(config):
    """The configured engines; `name: null` removes one (the built-in `default`, when the engines are others)."""
    return {
        name: AsteriskEngine(EngineConfig.from_config(name, engine))
        for name, engine in config['asterisk']['engines'].items()
        if engine is not None
    }
