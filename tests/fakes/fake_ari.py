"""A fake Asterisk 22 ARI (push configuration of res_pjsip objects) that answers like the real one.

The yardstick is the 45 exchanges recorded with Asterisk 22.10.1 (tests/asterisk/ari-transcripts.json,
replayed by tests/asterisk/test_fake_ari_transcripts.py); where they are silent, the behaviour
follows what Asterisk's source does:

- PUT on a new id creates the object (defaults, then the given lines, then the type's checks);
  PUT on an existing id *copies* it through its text form and applies the lines on top, so every
  lossy read-back of Asterisk is reproduced: repeatable options append, ``set_var`` reads back as
  the variables themselves (the copy then fails: 500 ``{"error": "Allocation failed"}``), codecs
  of an endpoint without any read back as ``(nothing)`` (500 too), inline deny/permit read back as a named ACL ``deny/permit``, an
  empty caller id reads back as ``<unknown>`` (the copy makes it the number ``unknown``),
  ``dtls_verify=fingerprint`` reads back as ``Yes`` (the copy verifies the certificate too),
  options Asterisk never reads back are lost;
- an attribute or value that is not a JSON string "crashes" Asterisk: every pushed object is lost
  and nothing answers (connection refused) until `restart()`; the crash is recorded, and
  `assert_healthy()` fails loudly;
- values are normalized on the way back (``yes`` → ``true``, codecs ``(ulaw|alaw)``, doubles
  ``3.000000``, matches ``a.b.c.d/255.255.255.255``); values Asterisk's handlers reject (unknown
  option, bad enum, number, codec, address) give 400 "failed field value validation", as do the
  checks of a whole object (auth without username or password, registration without server_uri
  or client_uri, identify without endpoint or match).

Known simplifications: no DNS (a host name in ``match`` is kept as written), no side effects of
``webrtc=yes``, no resolution of references between objects (Asterisk does none either), the
attribute order of answers is the option catalogue's (Asterisk's is hash order: compare as sets).

Test controls: `restart()`, `down()`/`up()`, `booting`, `latency`, `define_file_object()`,
`objects()`, `request_log`, `counters`, `connections_accepted`, `reloads`, `crashes`.
"""

from __future__ import annotations

import base64
import collections
import datetime
import ipaddress
import json
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import wazo_confd_pjsip

OPTIONS_FILE = Path(wazo_confd_pjsip.__file__).parent / 'options' / 'pjsip-options.json'
CONFIG_CLASS = 'res_pjsip'
MEMORY_TYPES = frozenset({'endpoint', 'aor', 'auth', 'identify', 'registration'})
LOADED_MODULES = frozenset(
    {
        'res_pjsip.so',
        'res_pjsip_endpoint_identifier_ip.so',
        'res_pjsip_outbound_registration.so',
        'res_pjsip_authenticator_digest.so',
        'res_pjsip_registrar.so',
        'res_ari.so',
    }
)
AUTH_REALM = 'Asterisk REST Interface'


class Invalid(Exception):
    """An option handler or a type's check refused the object (Asterisk logs why; ARI says 400)."""


# --- How Asterisk 22.10.1 reads options back (seen in the transcripts) ---------------------------

# Options Asterisk has no text form for: never in an answer, so lost by the copy of an update.
HIDDEN = {
    'endpoint': frozenset(
        {'type', 'deny', 'permit', 'contact_deny', 'contact_permit', 'disallow', 'contact_user', 'security_mechanisms'}
    ),
    'registration': frozenset({'type', 'security_mechanisms'}),
}
YESNO_BOOLS = frozenset(
    {
        ('endpoint', 'webrtc'),
        ('endpoint', 'send_connected_line'),
        ('endpoint', 'trust_connected_line'),
        ('endpoint', 'mwi_subscribe_replaces_unsolicited'),
        ('registration', 'support_outbound'),
    }
)
CAPITALIZED_BOOLS = frozenset({('endpoint', 'dtls_auto_generate_cert')})
# Where the documented default is empty but the running Asterisk reports a value.
RUNNING_DEFAULTS = {('endpoint', 'dtls_fingerprint'): 'SHA-256', ('endpoint', 'dtls_setup'): 'active'}

TRUE_WORDS = frozenset({'yes', 'true', 'y', 't', '1', 'on'})
FALSE_WORDS = frozenset({'no', 'false', 'n', 'f', '0', 'off'})

# Asterisk's built-in formats, in registration order (what allow=all adds).
CODECS = (
    'codec2', 'g723', 'ulaw', 'alaw', 'gsm', 'g726', 'g726aal2', 'adpcm', 'slin', 'slin12', 'slin16',
    'slin24', 'slin32', 'slin44', 'slin48', 'slin96', 'slin192', 'lpc10', 'g729', 'speex', 'speex16',
    'speex32', 'ilbc', 'g722', 'siren7', 'siren14', 'testlaw', 'g719', 'opus', 'jpeg', 'png', 'h261',
    'h263', 'h263p', 'h264', 'h265', 'mpeg4', 'vp8', 'vp9', 'red', 't140', 't38', 'silk8', 'silk12',
    'silk16', 'silk24',
)  # fmt: skip
DIGEST_ALGORITHMS = {'MD5': 32, 'SHA-256': 64, 'SHA-512-256': 64}
DSCP_CLASSES = {
    'CS0': 0x00, 'CS1': 0x08, 'CS2': 0x10, 'CS3': 0x18, 'CS4': 0x20, 'CS5': 0x28, 'CS6': 0x30, 'CS7': 0x38,
    'AF11': 0x0A, 'AF12': 0x0C, 'AF13': 0x0E, 'AF21': 0x12, 'AF22': 0x14, 'AF23': 0x16, 'AF31': 0x1A,
    'AF32': 0x1C, 'AF33': 0x1E, 'AF41': 0x22, 'AF42': 0x24, 'AF43': 0x26, 'EF': 0x2E,
}  # fmt: skip
CODEC_PREFS = (
    ('prefer', ('pending', 'configured'), 'pending'),
    ('operation', ('intersect', 'union', 'only_preferred', 'only_nonpreferred'), 'intersect'),
    ('keep', ('all', 'first'), 'all'),
    ('transcode', ('allow', 'prevent'), 'allow'),
)
_HOST_NAME = re.compile(r'[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d+)?')
_UINT = re.compile(r'\s*\d+\s*')
_INT = re.compile(r'\s*[-+]?\d+\s*')


# --- Value handlers: text → the semantic value Asterisk keeps ------------------------------------


def _split(value):
    return [part.strip() for part in value.split(',') if part.strip()]


def _bool(object_type, name, value):
    truth = value.strip().lower() in TRUE_WORDS  # anything else is false: Asterisk does not complain
    if (object_type, name) in YESNO_BOOLS:
        return 'yes' if truth else 'no'
    if (object_type, name) in CAPITALIZED_BOOLS:
        return 'Yes' if truth else 'No'
    return 'true' if truth else 'false'


def _uint(value):
    if not _UINT.fullmatch(value) or int(value) > 0xFFFFFFFF:
        raise Invalid(f'not an unsigned integer: {value!r}')
    return str(int(value))


def _int(value):
    if not _INT.fullmatch(value):
        raise Invalid(f'not an integer: {value!r}')
    return str(int(value))


def _double(value):
    try:
        number = float(value)
    except ValueError:
        raise Invalid(f'not a number: {value!r}') from None
    return f'{number:f}'


def _choice(value, choices):
    for choice in choices:
        if choice.lower() == value.strip().lower():
            return choice
    raise Invalid(f'{value!r} is not one of {choices}')


def _enum(object_type, name, value, choices):
    word = value.strip().lower()
    if (object_type, name) == ('endpoint', 'stir_shaken'):
        return 'no'  # no longer supported: accepted with a warning, always reads back "no"
    if (object_type, name) in {('endpoint', '100rel'), ('endpoint', 'timers')}:
        if word in TRUE_WORDS:
            return 'yes'
        if word in FALSE_WORDS:
            return 'no'
        return 'always' if word == 'forced' else _choice(value, choices)
    if (object_type, name) in {('endpoint', 'direct_media_method'), ('endpoint', 'connected_line_method')}:
        return 'invite' if word == 'reinvite' else _choice(value, choices)
    return _choice(value, choices) if choices else value


def _enum_list(name, value, choices):
    if name.startswith('supported_algorithms_'):
        return ','.join(_choice(item, choices).upper() for item in _split(value))
    items = [_choice(item, choices) if choices else item for item in _split(value)]
    return ','.join(dict.fromkeys(items))


def _group(value):
    numbers = set()
    for part in _split(value):
        low, _, high = part.partition('-')
        if low.isdigit() and (not high or high.isdigit()):
            numbers.update(n for n in range(int(low), int(high or low) + 1) if n < 64)
    return ','.join(str(n) for n in sorted(numbers))  # invalid parts are ignored, as Asterisk does


def _tos(value):
    try:
        return str(int(value.strip(), 0))
    except ValueError:
        pass
    dscp = DSCP_CLASSES.get(value.strip().upper())
    if dscp is None:
        raise Invalid(f'not a ToS value: {value!r}')
    return str(dscp << 2)


def _callerid(value):
    text = value.strip()
    quoted = len(text) >= 2 and text[0] == text[-1] == '"'
    if quoted:
        text = text[1:-1]
    if '<' in text:
        start = text.rfind('<')
        number = text[start + 1 :].split('>')[0]
        name = text[:start].strip().strip('"')
    else:
        shrunk = re.sub(r'[()\-.]', '', text)
        if not quoted and re.fullmatch(r'[0-9+*#]+', shrunk):
            name, number = '', shrunk
        else:
            name, number = text.strip('"'), ''
    number = re.sub(r'[()\-.]', '', number)
    if name and number:
        return f'"{name}" <{number}>'
    return name or number or '<unknown>'


def _codec_prefs(value):
    prefs = {key: default for key, _, default in CODEC_PREFS}
    choices = {key: options for key, options, _ in CODEC_PREFS}
    for part in _split(value):
        key, _, choice = (item.strip().lower() for item in part.partition(':'))
        if key not in choices or choice not in choices[key]:
            raise Invalid(f'bad codec preference {part!r}')
        prefs[key] = choice
    return ', '.join(f'{key}:{choice}' for key, choice in prefs.items())


def _address(text, port_allowed=False):
    """An ACL entry: 'ip', 'ip/bits' or 'ip/mask' (and 'ip:port' for match) → 'net/netmask'."""
    address, _, mask = text.strip().partition('/')
    port = ''
    if address.startswith('['):
        address, _, rest = address[1:].partition(']')
        port = rest[1:] if rest.startswith(':') else ''
    elif address.count(':') == 1:
        address, port = address.split(':')
    if port and not (port_allowed and port.isdigit()):
        raise Invalid(f'bad port in {text!r}')
    try:
        host = ipaddress.ip_address(address)
        network = ipaddress.ip_network(f'{host}/{mask}' if mask else str(host), strict=False)
    except ValueError:
        raise Invalid(f'not an address: {text!r}') from None
    shown = f'[{network.network_address}]' if port and host.version == 6 else str(network.network_address)
    return f'{shown}:{port}/{network.netmask}' if port else f'{shown}/{network.netmask}'


def _match_entries(value):
    entries = []
    for item in _split(value):
        if '/' in item or _is_address(item):
            entries.append(_address(item, port_allowed=True))
        elif _HOST_NAME.fullmatch(item):
            entries.append(item)  # Asterisk would resolve it; the fake has no DNS
        else:
            raise Invalid(f'cannot resolve {item!r}')
    return entries


def _is_address(item):
    try:
        _address(item, port_allowed=True)
    except Invalid:
        return False
    return True


def _acl_rules(kind, value):
    if kind == 'acl':
        return [('acl', name) for name in _split(value)]
    rules = []
    for item in _split(value):
        sense = kind
        if item.startswith('!'):
            sense, item = ('permit' if kind == 'deny' else 'deny'), item[1:]
        rules.append((sense, _address(item)))
    return rules


def _codecs(codecs, value, allowing):
    """Asterisk's allow/disallow edit of an ordered codec list."""
    text = value.strip()
    if not allowing and not text:
        return codecs
    codecs = list(codecs)
    if len(text) >= 2 and text[0] == '(' and text[-1] == ')':
        # the read-back form: replaces the whole list
        text = text[1:-1]
        codecs = [] if allowing else list(CODECS)
    failed = False
    for item in re.split(r'[,|]', text):
        item = item.strip()
        allow = allowing
        if item.startswith('!'):
            item, allow = item[1:], not allowing
        item, _, framing = item.partition(':')
        if framing and not framing.strip().isdigit():
            failed = True
            continue
        if item.lower() == 'all':
            codecs = list(dict.fromkeys(codecs + list(CODECS))) if allow else []
        elif item.lower() in CODECS:
            name = item.lower()
            if allow and name not in codecs:
                codecs.append(name)
            elif not allow and name in codecs:
                codecs.remove(name)
        else:
            failed = True  # "Cannot allow unknown format": the rest is still applied
    if failed:
        raise Invalid(f'unknown format in {value!r}')
    return tuple(codecs)


def _password_digests(digests, value):
    digests = dict(digests)
    for item in _split(value):
        algorithm, _, digest = item.rpartition(':')
        algorithm = (algorithm or 'MD5').upper()
        if len(digest) != DIGEST_ALGORITHMS.get(algorithm, -1):
            raise Invalid(f'bad password digest {item!r}')
        digests[algorithm] = digest
    return tuple(digests.items())


# --- Object types ---------------------------------------------------------------------------------


class ObjectType:
    """One sorcery type: how its options parse, how it checks itself, how it reads back."""

    def __init__(self, name, specs):
        self.name = name
        self.specs = specs  # {option: fact from pjsip-options.json}
        self.hidden = HIDDEN.get(name, frozenset({'type'}))

    def new(self):
        state = {}
        for option, spec in self.specs.items():
            slot = _slot(option)
            if slot in state or spec['datatype'] == 'noop':
                continue
            if (self.name, option) in RUNNING_DEFAULTS:
                state[slot] = RUNNING_DEFAULTS[(self.name, option)]
            elif spec['default'] or spec['datatype'] in {'callerid', 'bool', 'codec_prefs'}:
                self.apply(state, option, spec['default'])
            else:
                state[slot] = _EMPTY.get(self.specs[slot]['datatype'], '')
        return state

    def apply(self, state, option, value):
        if option.startswith('@'):
            state[option] = value  # a sorcery extended field, kept as is
            return
        spec = self.specs.get(option)
        if spec is None:
            raise Invalid(f'no option {option!r} for {self.name}')
        kind = spec['datatype']
        if kind == 'noop':
            return
        slot = _slot(option)
        current = state.get(slot)
        if kind == 'codec':
            state[slot] = _codecs(current, value, allowing=option == 'allow')
        elif kind == 'acl':
            state[slot] = current + tuple(_acl_rules(option.removeprefix('contact_'), value))
        elif kind == 'keyvalue':
            if value.strip():
                name, separator, variable = value.partition('=')
                if not separator or not name.strip():
                    raise Invalid(f'set_var needs NAME=value: {value!r}')
                state[slot] = {**current, name.strip(): variable.strip()}
        elif kind == 'list:uri':
            uris = [uri for uri in _split(value) if uri.lower().startswith(('sip:', 'sips:'))]
            if len(uris) != len(_split(value)):
                raise Invalid(f'not a SIP URI in {value!r}')
            state[slot] = tuple(dict.fromkeys(current + tuple(uris)))
        elif kind == 'list:host_or_cidr':
            state[slot] = current + tuple(_match_entries(value))
        elif kind == 'digest':
            state[slot] = _password_digests(current, value)
        elif option == 'md5_cred':
            state[slot] = _password_digests(current, f'MD5:{value}') if value else current
        else:
            handler = _SCALAR_HANDLERS.get(kind, lambda object_type, option, value, choices: value)
            state[slot] = handler(self.name, option, value, spec['choices'])

    def check(self, state):
        """The type's apply handler: what a whole object must have."""
        if self.name == 'auth':
            _check_auth(state)
        elif self.name == 'registration':
            for required in ('server_uri', 'client_uri'):
                if not state[required]:
                    raise Invalid(f'registration without {required}')
            if state['line'] == 'true' and not state['endpoint']:
                raise Invalid('registration line=yes without endpoint')
        elif self.name == 'identify':
            if not state['endpoint']:
                raise Invalid('identify without endpoint')
            if not (state['match'] or state['match_header'] or state['match_request_uri']):
                raise Invalid('identify matches nothing')
            if state['match_header'] and ':' not in state['match_header']:
                raise Invalid('match_header without ":"')

    def render(self, state):
        """The object as ARI shows it: a list of (attribute, value), in catalogue order."""
        fields = []
        for option in self.specs:
            if option not in self.hidden:
                fields.extend(_read_back(option, state[_slot(option)]))
        fields.extend((name, value) for name, value in state.items() if name.startswith('@'))
        return fields

    def copy(self, state):
        """Asterisk's copy of an object for an update: its text form applied to a new object."""
        copied = self.new()
        for attribute, value in self.render(state):
            self.apply(copied, attribute, value)
        self.check(copied)
        return copied


_EMPTY = {'codec': (), 'acl': (), 'keyvalue': {}, 'list:uri': (), 'list:host_or_cidr': (), 'digest': ()}
_SCALAR_HANDLERS = {
    'bool': lambda object_type, option, value, choices: _bool(object_type, option, value),
    'uint': lambda object_type, option, value, choices: _uint(value),
    'int': lambda object_type, option, value, choices: _int(value),
    'double': lambda object_type, option, value, choices: _double(value),
    'enum': _enum,
    'list:enum': lambda object_type, option, value, choices: _enum_list(option, value, choices),
    'list:auth': lambda object_type, option, value, choices: ','.join(_split(value)),
    'list:string': lambda object_type, option, value, choices: ','.join(_split(value)),
    'group': lambda object_type, option, value, choices: _group(value),
    'tos': lambda object_type, option, value, choices: _tos(value),
    'callerid': lambda object_type, option, value, choices: _callerid(value),
    'codec_prefs': lambda object_type, option, value, choices: _codec_prefs(value),
}
_SHARED_SLOTS = {
    'disallow': 'allow',
    'deny': 'acl',
    'permit': 'acl',
    'contact_deny': 'contact_acl',
    'contact_permit': 'contact_acl',
    'md5_cred': 'password_digest',
}


def _slot(option):
    """Several options edit one value: allow/disallow the codecs, deny/permit/acl one access list..."""
    return _SHARED_SLOTS.get(option, option)


def _read_back(option, value):
    """The (attribute, value) lines an option reads back as."""
    if option == 'allow':
        return [(option, f'({"|".join(value)})' if value else '(nothing)')]
    if option in {'acl', 'contact_acl'}:
        return [(option, _acl_text(value))]
    if option == 'set_var':
        return list(value.items()) or [(option, '')]  # each variable as itself
    if option in {'match', 'contact'}:
        return [(option, entry) for entry in value or ['']]
    if option == 'password_digest':
        return [(option, ','.join(f'{algorithm}:{digest}' for algorithm, digest in value))]
    if option == 'md5_cred':
        return [(option, dict(value).get('MD5', ''))]
    if option == 'dtls_verify':
        return [(option, 'No' if value == 'no' else 'Yes')]  # fingerprint or certificate: just "Yes"
    return [(option, value)]


def _acl_text(rules):
    if not rules:
        return ''
    kind, name = rules[0]
    return name if kind == 'acl' else 'deny/permit'  # inline rules have no name


def _check_auth(state):
    if not state['username']:
        raise Invalid('auth without username')
    if state['auth_type'] == 'google_oauth':
        if not (state['refresh_token'] and state['oauth_clientid'] and state['oauth_secret']):
            raise Invalid('google_oauth auth without its tokens')
        return
    digests = dict(state['password_digest'])
    for option in ('supported_algorithms_uas', 'supported_algorithms_uac'):
        state[option] = state[option] or 'MD5'
        for algorithm in state[option].split(','):
            if algorithm not in digests and not state['password']:
                raise Invalid(f'no password for {algorithm}')


def load_object_types(path=OPTIONS_FILE):
    facts = json.loads(Path(path).read_text(encoding='utf-8'))
    facts.pop('_about', None)
    return {name: ObjectType(name, specs) for name, specs in facts.items()}


# --- The HTTP side ---------------------------------------------------------------------------------

_CRASH = object()  # the request kills Asterisk
_DEAD = object()  # Asterisk died while this request waited


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address, fake):
        self.fake = fake
        self.connections = set()
        super().__init__(address, _Handler)

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], OSError):  # a client that went away is no error of ours
            super().handle_error(request, client_address)

    def process_request_thread(self, request, client_address):
        self.fake._connection_opened(self, request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.fake._connection_closed(self, request)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    disable_nagle_algorithm = True  # headers and body go in two writes: no delayed-ACK stall between them

    def version_string(self):
        return 'Asterisk'

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.server.fake._handle(self)

    do_PUT = do_DELETE = do_POST = do_GET


class FakeAri:
    """A fake Asterisk ARI on 127.0.0.1 (random port); thread-safe. Use as a context manager.

    For tests: `url`, `username`/`password` (the read-write ARI user), `booting` (answer 503),
    `latency` (seconds added before each answer), `request_log` (method, path, body and status of
    each request Asterisk handled; status None when it crashed), `counters` (``'requests'`` and
    ``(method, object_type)`` per configuration request), `connections_accepted`, `reloads`
    (modules reloaded), `crashes` (the requests that killed it).
    """

    def __init__(self, username='wazo', password='secret', read_only_users=None, version='22.10.1', latency=0.0):
        self.version = version
        self.latency = latency
        self.booting = False
        self.users = {username: (password, False)}
        self.users.update({user: (secret, True) for user, secret in (read_only_users or {}).items()})
        self.username, self.password = username, password
        self.types = load_object_types()
        self.request_log = []
        self.counters = collections.Counter()
        self.crashes = []
        self.reloads = []
        self.connections_accepted = 0
        self._lock = threading.RLock()
        self._memory = {}  # {(type, id): state}, pushed objects, lost on restart
        self._file = {}  # {(type, id): state}, objects of pjsip.conf
        self._startup_time = None
        self._last_reload_time = None
        self._server = None
        self._port = 0
        self._boot()
        self.up()

    # controls

    @property
    def url(self):
        return f'http://127.0.0.1:{self._port}'

    @property
    def running(self):
        return self._server is not None

    def up(self):
        with self._lock:
            if self._server is None:
                self._server = _Server(('127.0.0.1', self._port), self)
                self._port = self._server.server_address[1]
                threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True).start()

    def down(self):
        """Stop answering: new connections are refused and open ones are cut."""
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            with self._lock:
                connections = list(server.connections)
            for connection in connections:
                _cut(connection)

    def restart(self):
        """A new Asterisk process: pushed objects are gone, pjsip.conf objects reloaded."""
        self.down()
        with self._lock:
            self._boot()
        self.up()

    def close(self):
        self.down()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def define_file_object(self, object_type, object_id, fields):
        """An object of pjsip.conf: visible, but read-only through ARI."""
        object_type_model = self.types[object_type]
        state = object_type_model.new()
        for attribute, value in fields:
            object_type_model.apply(state, attribute, value)
        object_type_model.check(state)
        with self._lock:
            self._file[(object_type, object_id)] = state

    def objects(self):
        """{(type, id): {option: value}} of what Asterisk uses now (pjsip.conf objects hide pushed twins).

        Scalars are normalized text, as read back (``'true'``, ``'3.000000'``) except ``dtls_verify``
        which keeps its level (``'fingerprint'``, reads back as ``Yes``); ``allow`` is a tuple of codecs,
        ``set_var`` a dict, ``match``/``contact`` tuples, ``acl``/``contact_acl`` tuples of
        (``deny``|``permit``|``acl``, address or name) rules, ``@name`` extended fields as is.
        """
        with self._lock:
            visible = {**self._memory, **self._file}
            return {key: _copy_state(state) for key, state in visible.items()}

    def assert_healthy(self):
        if self.crashes:
            raise AssertionError(f'Asterisk crashed on: {self.crashes}')

    # HTTP

    def _boot(self):
        self._memory = {}
        self._crashed = False
        now = datetime.datetime.now(datetime.timezone.utc)
        if self._startup_time is not None and now <= self._startup_time:
            now = self._startup_time + datetime.timedelta(milliseconds=1)
        self._startup_time = self._last_reload_time = now

    def _connection_opened(self, server, connection):
        with self._lock:
            server.connections.add(connection)
            self.connections_accepted += 1

    def _connection_closed(self, server, connection):
        with self._lock:
            server.connections.discard(connection)

    def _handle(self, handler):
        length = int(handler.headers.get('Content-Length') or 0)
        raw_body = handler.rfile.read(length) if length else b''
        if self.latency:
            time.sleep(self.latency)
        url = urlsplit(handler.path)
        with self._lock:
            if self._crashed:
                answer = _DEAD
            else:
                answer = self._answer(handler.command, url, handler.headers, raw_body)
                self._record(handler.command, url.path, raw_body, answer)
            if answer is _CRASH:
                self.crashes.append((handler.command, handler.path, raw_body.decode('utf-8', 'replace')))
                self._memory = {}
                self._crashed = True
        if answer in (_CRASH, _DEAD):
            handler.close_connection = True
            self.down()  # stop listening before the client sees its connection close
            _cut(handler.connection)
            return
        status, body, headers = answer
        payload = b'' if body is None else json.dumps(body).encode('utf-8')
        handler.send_response(status)
        handler.send_header('Cache-Control', 'no-cache, no-store')
        for name, value in headers.items():
            handler.send_header(name, value)
        if body is not None:
            handler.send_header('Content-type', 'application/json')
        handler.send_header('Content-Length', str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _record(self, method, path, raw_body, answer):
        status = None if answer is _CRASH else answer[0]
        body = raw_body.decode('utf-8', 'replace')
        self.request_log.append({'method': method, 'path': path, 'body': body, 'status': status})
        self.counters['requests'] += 1

    def _answer(self, method, url, headers, raw_body):
        try:
            body = _json_body(headers, raw_body)
        except ValueError:
            return _error(400, 'Error parsing request body')
        user = self._user(headers, url.query)
        if user is None:
            return _error(401, 'Authentication required', {'WWW-Authenticate': f'Basic realm="{AUTH_REALM}"'})
        if self.booting:
            return _error(503, 'Asterisk not booted')
        if self.users[user][1] and method not in {'GET', 'OPTIONS'}:
            return _error(403, 'Write access denied')
        segments = [unquote(segment) for segment in url.path.split('/')[1:]]
        if segments == ['ari', 'asterisk', 'info']:
            return self._info() if method == 'GET' else _error(405, 'Invalid method')
        if segments[:3] == ['ari', 'asterisk', 'modules'] and len(segments) == 4:
            return self._reload(segments[3]) if method == 'PUT' else _error(405, 'Invalid method')
        if segments[:4] == ['ari', 'asterisk', 'config', 'dynamic'] and len(segments) == 7:
            if method not in {'GET', 'PUT', 'DELETE'}:
                return _error(405, 'Invalid method')
            self.counters[(method, segments[5])] += 1
            return self._config(method, *segments[4:], body)
        return _error(404, 'Resource not found')

    def _user(self, headers, query):
        credentials = None
        authorization = headers.get('Authorization') or ''
        if authorization.startswith('Basic '):
            try:
                credentials = base64.b64decode(authorization[6:]).decode('utf-8').partition(':')
            except ValueError:
                credentials = None
        elif 'api_key' in parse_qs(query):
            credentials = parse_qs(query)['api_key'][0].partition(':')
        if credentials is None:
            return None
        user, _, password = credentials
        return user if user in self.users and self.users[user][0] == password else None

    def _info(self):
        return (
            200,
            {
                'build': {'os': 'Linux', 'kernel': '', 'machine': 'x86_64', 'options': '', 'date': '', 'user': ''},
                'system': {'version': self.version, 'entity_id': '02:fc:00:00:00:01'},
                'config': {'name': '', 'default_language': 'en', 'setid': {'user': '', 'group': ''}},
                'status': {
                    'startup_time': _timestamp(self._startup_time),
                    'last_reload_time': _timestamp(self._last_reload_time),
                },
            },
            {},
        )

    def _reload(self, module):
        if module not in LOADED_MODULES:
            return _error(404, 'Module not found in running modules')
        self._last_reload_time = datetime.datetime.now(datetime.timezone.utc)
        self.reloads.append(module)  # pushed (memory) objects survive a reload
        return 204, None, {}

    def _config(self, method, config_class, object_type, object_id, body):
        if config_class != CONFIG_CLASS:
            return _error(404, f"configClass '{config_class}' not found")
        model = self.types.get(object_type)
        if model is None:
            return _error(404, f"objectType '{object_type}' not found")
        key = (object_type, object_id)
        current = self._file.get(key, self._memory.get(key))
        if method == 'GET':
            if current is None:
                return _error(404, f"Object with id '{object_id}' not found")
            return 200, _as_fields(model.render(current)), {}
        if method == 'DELETE':
            if current is None:
                return _error(404, f"Object with id '{object_id}' not found")
            if self._memory.pop(key, None) is None:
                return _error(403, f"Could not delete object with id '{object_id}'")
            return 204, None, {}
        return self._put(model, key, current, body)

    def _put(self, model, key, current, body):
        object_type, object_id = key
        created = current is None
        if created:
            target = model.new()
        else:
            try:
                target = model.copy(current)
            except Invalid:
                return 500, {'error': 'Allocation failed'}, {}  # ast_ari_response_alloc_failed
        has_fields = isinstance(body, dict) and 'fields' in body
        if not has_fields and not created:
            return _error(400, f"Fields must be provided to update object '{object_id}'")
        fields = body['fields'] if has_fields and isinstance(body['fields'], list) else []
        if not all(_is_string_pair(field) for field in fields):
            return _CRASH  # ast_variable_new() on a NULL name or value: SIGSEGV
        try:
            for field in fields:
                model.apply(target, field['attribute'], field['value'])
            model.check(target)
        except Invalid:
            what = 'Creation' if created else 'Update'
            return _error(400, f"{what} of object '{object_id}' failed field value validation")
        if created:
            if object_type not in MEMORY_TYPES:
                return _error(403, f"Cannot create sorcery objects of type '{object_type}'")
        elif key in self._file and key not in self._memory:
            return _error(403, f"Cannot update sorcery objects of type '{object_type}'")
        self._memory[key] = target
        # a pjsip.conf twin still hides what was just stored: 200, yet nothing visible changes
        return 200, _as_fields(model.render(target)), {}


def _json_body(headers, raw_body):
    """The JSON body; None when there is none or it is not sent as application/json (Asterisk ignores it)."""
    content_type = (headers.get('Content-Type') or '').split(';')[0].strip().lower()
    if not raw_body or content_type != 'application/json':
        return None
    body = json.loads(raw_body)
    if not isinstance(body, (dict, list)):  # jansson only decodes an object or an array
        raise ValueError('not a JSON object or array')
    return body


def _is_string_pair(field):
    return isinstance(field, dict) and isinstance(field.get('attribute'), str) and isinstance(field.get('value'), str)


def _copy_state(state):
    return {name: dict(value) if isinstance(value, dict) else value for name, value in state.items()}


def _as_fields(pairs):
    return [{'attribute': attribute, 'value': value} for attribute, value in pairs]


def _error(status, message, headers=None):
    return status, {'message': message}, headers or {}


def _timestamp(moment):
    return moment.strftime('%Y-%m-%dT%H:%M:%S.') + f'{moment.microsecond // 1000:03d}+0000'


def _cut(connection):
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
