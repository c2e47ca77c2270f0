# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A fake Asterisk 22 ARI (push configuration of res_pjsip objects) that answers like the real one.

The yardstick is Asterisk 22.10.1: the 45 exchanges recorded with it (tests/asterisk/ari-transcripts.json,
replayed by tests/asterisk/test_fake_ari_transcripts.py) and, on a machine with that Asterisk,
integration_tests/asterisk/test_ari_agreement.py, which sends the same requests to both (the
transcripts, these claims, and probing values for every option) and fails on any difference. What
the fake does follows Asterisk's source:

- PUT on a new id creates the object (defaults, then the given lines, then the type's checks, which
  may change it: ``webrtc=yes`` turns on bundle, ICE, AVPF, DTLS...); PUT on an existing id *copies*
  it through its text form and applies the lines on top, so every lossy read-back of Asterisk is
  reproduced: repeatable options append, ``set_var`` reads back as the variables themselves (the
  copy then fails: 500 ``{"error": "Allocation failed"}``; with ``set_var_round_trips``, an Asterisk
  built with contrib/asterisk/patches: as ``set_var`` = ``NAME=value``, and the copy keeps them, a
  ``set_var`` of the same name replacing the value), codecs of an endpoint without any read
  back as ``(nothing)`` (500 too), inline deny/permit read back as a named ACL ``deny/permit``, an
  empty caller id reads back as ``<unknown>`` (the copy makes it the number ``unknown``),
  ``direct_media_method`` reads back as the connected line method, ``preferred_codec_only=yes``
  reads back with ``incoming_call_offer_pref=local_first`` (the copy's check fails: 500), a
  registration's outbound auths read back one attribute each (the copy keeps the last), options
  Asterisk never reads back (``security_mechanisms``) are lost;
- an attribute or value that is not a JSON string "crashes" Asterisk: every pushed object is lost
  and nothing answers (connection refused) until `restart()`; the crash is recorded, and
  `assert_healthy()` fails loudly;
- the events websocket (``GET /ari/events?app=NAME`` with an upgrade) opens only once Asterisk is
  booted (503 before, after authentication: 401), answers 426 without an upgrade, 405 to another
  method, and a bare 400 (``Sec-WebSocket-Version: 7, 8, 13``) to a version other than 7, 8 or 13,
  a missing key or an unknown sub-protocol; without ``app`` the ARI page "HTTP request is missing
  param: [app]" (400) comes first, then that bare 400, as Asterisk writes both. Open, it answers a
  ping with a pong of the same data and a close with a close of the same code (1000 without one);
  it sends nothing else but ``ApplicationReplaced`` to the earlier websocket of an application
  registered again (which stays open). When Asterisk stops, crashes or restarts it drops without a
  close frame;
- values are read as Asterisk's C parsers read them (numbers in base 8 and 16, leading blanks
  only, IPv4 addresses as inet_aton() does, so ``5`` is ``0.0.0.5``) and normalized on the way back
  (``yes`` → ``true``, codecs ``(ulaw|alaw)``, doubles ``3.000000``, matches
  ``a.b.c.d/255.255.255.255``, groups ``1, 3``); values Asterisk's handlers reject (unknown option,
  bad enum, number, codec, address, a DTLS file that cannot be read) give 400 "failed field value
  validation", as do the checks of a whole object (auth without username or password, registration
  without a SIP server_uri or client_uri, identify without endpoint or match, session timers or RTP
  ports out of range...); host names of ``match`` are resolved with the system's resolver.

Known simplifications: no SRV lookups for ``match``; a registration is accepted as if Asterisk had a
transport for its REGISTER (Asterisk refuses one it cannot send: 400); relative DTLS file names are
looked up from the fake's working directory; no resolution of references between objects (Asterisk
does none either); only ARI's ``/asterisk`` resource and the events websocket are served (no event
of a channel, no REST request carried over the websocket, which Asterisk 22 answers), modules are
never loaded nor unloaded (409), and ``contact`` objects (astdb) cannot be pushed (403); the attribute order of answers
is the option catalogue's (Asterisk's is hash order: compare as sets). No cost model: an answer
takes the fake's own time plus `latency`, where Asterisk takes about 2 ms per object, and a scan of
every endpoint to create an aor (reference §7) — measure costs against the real one.

Test controls: `restart()`, `down()`/`up()`, `booting`, `latency`, `define_file_object()`,
`objects()`, `request_log`, `counters`, `connections_accepted`, `reloads`, `crashes`.
"""

from __future__ import annotations

import base64
import collections
import datetime
import hashlib
import ipaddress
import itertools
import json
import math
import os
import re
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import wazo_confd_pjsip

ENTITY_ID = '02:fc:00:00:00:01'  # what /asterisk/info says and every event carries

OPTIONS_FILE = Path(wazo_confd_pjsip.__file__).parent / 'options' / 'pjsip-options.json'
CONFIG_CLASS = 'res_pjsip'
MEMORY_TYPES = frozenset({'endpoint', 'aor', 'auth', 'identify', 'registration'})
LOADED_MODULES = {  # name: (description, support level), as GET /ari/asterisk/modules/{name} shows them
    'res_pjsip.so': ('Basic SIP resource', 'core'),
    'res_pjsip_endpoint_identifier_ip.so': ('PJSIP IP endpoint identifier', 'core'),
    'res_pjsip_outbound_registration.so': ('PJSIP Outbound Registration Support', 'core'),
    'res_pjsip_authenticator_digest.so': ('PJSIP authentication resource', 'core'),
    'res_pjsip_registrar.so': ('PJSIP Registrar Support', 'core'),
    'res_ari.so': ('Asterisk RESTful Interface', 'core'),
}
AUTH_REALM = 'Asterisk REST Interface'
MAX_OPEN_FILES = 4096  # maxfiles of the asterisk.conf installed with ../shared/asterisk
# The ARI routes the fake serves, after /ari ('*': any one segment), and their methods; the nodes
# above them answer 405 to every method.
ROUTES = {
    ('asterisk', 'info'): ('GET',),
    ('asterisk', 'modules'): ('GET',),
    ('asterisk', 'modules', '*'): ('GET', 'POST', 'PUT', 'DELETE'),
    ('asterisk', 'config', 'dynamic', '*', '*', '*'): ('GET', 'PUT', 'DELETE'),
    ('events',): (),  # only a websocket upgrade (GET), handled apart
}
WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
WEBSOCKET_VERSIONS = ('7', '8', '13')
WS_TEXT, WS_CLOSE, WS_PING, WS_PONG = 0x1, 0x8, 0x9, 0xA
NOT_FOUND_PAGE = (
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\r\n<html><head>\r\n<title>404 Not Found</title>\r\n'
    '</head><body>\r\n<h1>Not Found</h1>\r\n<p>The requested URL was not found on this server.</p>\r\n'
    '<hr />\r\n<address>Asterisk</address>\r\n</body></html>\r\n'
)


def _http_error_page(status, title, text):
    """ast_http_error()'s page."""
    return (
        f'<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\r\n<html><head>\r\n<title>{status} {title}</title>\r\n'
        f'</head><body>\r\n<h1>{title}</h1>\r\n<p>{text}</p>\r\n<hr />\r\n<address>Asterisk</address>\r\n'
        '</body></html>\r\n'
    )


class Invalid(Exception):
    """An option handler or a type's check refused the object (Asterisk logs why; ARI says 400)."""


# --- How Asterisk 22.10.1 reads options back (seen in the transcripts) ---------------------------

# Options Asterisk has no text form for: never in an answer, so lost by the copy of an update.
HIDDEN = {
    'endpoint': frozenset(
        {'type', 'deny', 'permit', 'contact_deny', 'contact_permit', 'disallow', 'security_mechanisms'}
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
# Where the documented default is empty but the running Asterisk reports a value; None: it reports the
# option only once it was given (contact_user_to_str() fails while it was never set).
RUNNING_DEFAULTS = {
    ('endpoint', 'dtls_fingerprint'): 'SHA-256',
    ('endpoint', 'dtls_setup'): 'active',
    ('endpoint', 'contact_user'): None,
}

TRUE_WORDS = frozenset({'yes', 'true', 'y', 't', '1', 'on'})
FALSE_WORDS = frozenset({'no', 'false', 'n', 'f', '0', 'off'})

# Asterisk's built-in formats, in registration order (what allow=all adds).
CODECS = (
    'codec2', 'g723', 'ulaw', 'alaw', 'gsm', 'g726', 'g726aal2', 'adpcm', 'slin', 'slin12', 'slin16',
    'slin24', 'slin32', 'slin44', 'slin48', 'slin96', 'slin192', 'lpc10', 'g729', 'speex', 'speex16',
    'speex32', 'ilbc', 'g722', 'siren7', 'siren14', 'g719', 'opus', 'jpeg', 'png', 'h261',
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
CALLER_PRESENTATIONS = {
    'allowed_not_screened': 0x00, 'allowed_passed_screen': 0x01, 'allowed_failed_screen': 0x02, 'allowed': 0x03,
    'prohib_not_screened': 0x20, 'prohib_passed_screen': 0x21, 'prohib_failed_screen': 0x22, 'prohib': 0x23,
    'unavailable': 0x43,
}  # fmt: skip
_PRESENTATION_NAMES = {
    **{number: name for name, number in CALLER_PRESENTATIONS.items()},
    **dict.fromkeys((0x40, 0x41, 0x42), 'unavailable'),
}
DTLS_VERIFY = {'no': 'No', 'fingerprint': 'Fingerprint', 'certificate': 'Certificate', 'yes': 'Yes'}
DTLS_SETUPS = ('active', 'passive', 'actpass')
DTLS_HASHES = ('SHA-256', 'SHA-1')
UINT32_MAX = 0xFFFFFFFF
UINT_RANGES = {
    ('aor', 'qualify_frequency'): (0, 86400),
    ('endpoint', 'rtp_port_start'): (0, 65535),
    ('endpoint', 'rtp_port_end'): (0, 65535),
}
# Enums whose handler compares with strcmp(): the case matters.
CASE_SENSITIVE_ENUMS = frozenset(
    {('endpoint', 'incoming_call_offer_pref'), ('endpoint', 'outgoing_call_offer_pref'), ('endpoint', 't38_udptl_ec')}
)
NAMED_GROUP_BUCKETS = 19  # ast_get_namedgroups(): its hash container's size sets the read-back order
C_SPACES = ' \t\n\v\f\r'  # isspace(): what strtol(), strtod() and sscanf() skip
C_BLANKS = ''.join(map(chr, range(1, 33)))  # ast_skip_blanks()
URI_USER = r"[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+"
URI_PASSWORD = r"[A-Za-z0-9\-_.!~*'()&=+$,%]*"
URI_HOST = r'(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-_.]+)'
URI_PARAMS = r"(;[A-Za-z0-9\-_.!~*'()%\[\]/:&+$]+(=[A-Za-z0-9\-_.!~*'()%\[\]/:&+$]*)?)*(\?\S*)?"
_SIP_URI = re.compile(rf'(?i:sips?):({URI_USER}(:{URI_PASSWORD})?@)?(?P<host>{URI_HOST})(:\d+)?{URI_PARAMS}')
_CONTACT_USER = re.compile(rf'{URI_USER}(:{URI_PASSWORD})?')
_HEADER_PARAM = re.compile(r"[A-Za-z0-9\-.!%*_+`'~]+(\s*=\s*([A-Za-z0-9\-.!%*_+`'~\[\]:]+|\"[^\"]*\"))?")
_FROM_USER = re.compile(r"[A-Za-z0-9\-._~%!$&'()*+,;=:]*")
_C_INTEGER = re.compile(r'([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)')
_DECIMAL_INTEGER = re.compile(r'([+-]?)([0-9]+)')
_C_DECIMAL_FLOAT = re.compile(r'[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?')
_C_HEX_FLOAT = re.compile(r'[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)([pP][+-]?[0-9]+)?')
_C_SPECIAL_FLOAT = re.compile(r'[+-]?(inf(inity)?|nan)', re.IGNORECASE)


# --- Value handlers: text → the semantic value Asterisk keeps ------------------------------------


def _split(value):
    return [part.strip() for part in value.split(',') if part.strip()]


def _bool(object_type, name, value):
    truth = value.lower() in TRUE_WORDS  # anything else (' yes' too) is false: Asterisk does not complain
    if (object_type, name) in YESNO_BOOLS:
        return 'yes' if truth else 'no'
    if (object_type, name) in CAPITALIZED_BOOLS:
        return 'Yes' if truth else 'No'
    return 'true' if truth else 'false'


def _c_integer(text, base=0):
    """The leading integer of `text` as strtol()/sscanf() read it (base 0: 0x hex, 0 octal), and the rest."""
    text = text.lstrip(C_SPACES)
    match = (_C_INTEGER if base == 0 else _DECIMAL_INTEGER).match(text)
    if match is None:
        return None, text
    sign, digits = match.groups()
    if base == 0 and digits[:2].lower() == '0x':
        number = int(digits[2:], 16)
    elif base == 0 and digits.startswith('0'):
        number = int(digits, 8)
    else:
        number = int(digits)
    return -number if sign == '-' else number, text[match.end() :]


def _uint(value, low=0, high=UINT32_MAX):
    """ast_parse_arg(PARSE_UINT32): leading blanks skipped, no sign, strtoul() base 0, nothing after."""
    text = value.lstrip(C_BLANKS)
    if not value or text.startswith('-'):
        raise Invalid(f'not an unsigned integer: {value!r}')
    number, rest = _c_integer(text)
    if number is None and not rest.strip(C_SPACES):
        number = 0  # strtoul() of blanks alone reads 0 and leaves nothing behind
    if number is None or rest or number > UINT32_MAX or not low <= number <= high:
        raise Invalid(f'not an unsigned integer in [{low}, {high}]: {value!r}')
    return str(number)


def _int(value):
    """ast_parse_arg(PARSE_INT32): strtol() base 0, nothing after."""
    number, rest = _c_integer(value)
    if not value or number is None or rest or not -(2**31) <= number < 2**31:
        raise Invalid(f'not an integer: {value!r}')
    return str(number)


def _double(value):
    """ast_parse_arg(PARSE_DOUBLE): strtod() (hexadecimal, inf, nan too), nothing after, no overflow."""
    text = value.lstrip(C_SPACES)
    try:
        if _C_HEX_FLOAT.fullmatch(text):
            number = float.fromhex(text)
        elif _C_DECIMAL_FLOAT.fullmatch(text) or _C_SPECIAL_FLOAT.fullmatch(text):
            number = float(text)
        else:
            raise ValueError(text)
    except (ValueError, OverflowError):
        raise Invalid(f'not a number: {value!r}') from None
    if math.isinf(number) and not _C_SPECIAL_FLOAT.fullmatch(text):
        raise Invalid(f'out of range: {value!r}')
    return f'{number:f}'


def _choice(value, choices, case_sensitive=False):
    """The choice `value` names, compared as strcasecmp() (or strcmp()) does: blanks count."""
    for choice in choices:
        if choice == value or (not case_sensitive and choice.lower() == value.lower()):
            return choice
    raise Invalid(f'{value!r} is not one of {choices}')


def _enum(object_type, name, value, choices):
    word = value.lower()
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
    if (object_type, name) == ('endpoint', 'callerid_privacy'):
        return _callerid_privacy(value)
    if (object_type, name) == ('endpoint', 'dtls_verify'):
        return value.lower() if value.lower() in DTLS_VERIFY else _refuse(value)
    if not choices:
        return value
    return _choice(value, choices, case_sensitive=(object_type, name) in CASE_SENSITIVE_ENUMS)


def _refuse(value):
    raise Invalid(f'not accepted: {value!r}')


def _callerid_privacy(value):
    """A presentation name, or any number sscanf() reads; read back by name, ``unknown`` when it has none."""
    presentation = CALLER_PRESENTATIONS.get(value.lower())
    if presentation is None:
        presentation, _ = _c_integer(value, base=10)
    if presentation is None:
        raise Invalid(f'not a caller id presentation: {value!r}')
    return _PRESENTATION_NAMES.get(presentation, 'unknown')


def _enum_list(name, value, choices):
    if name.startswith('supported_algorithms_'):
        return ','.join(_choice(item, choices).upper() for item in _split(value))
    items = [_choice(item, choices) if choices else item for item in _split(value)]
    return ','.join(dict.fromkeys(items))


def _group(value):
    """ast_get_group(): sscanf() of each 'n' or 'n-m'; what it cannot read, or is past 63, is ignored."""
    numbers = set()
    start = 0
    for piece in value.split(',') if value else ():
        low, rest = _c_integer(piece, base=10)
        if low is None and piece.strip(C_SPACES):
            continue
        if low is not None:  # else sscanf() met the end of an empty piece: the previous start is reused
            start = low
        high, _ = _c_integer(rest[1:], base=10) if low is not None and rest.startswith('-') else (None, '')
        numbers.update(n for n in range(start, (start if high is None else high) + 1) if 0 <= n <= 63)
    return ', '.join(str(n) for n in sorted(numbers))


def _named_groups(value):
    """ast_get_namedgroups(): trimmed names, once each, read back in the order of their hash buckets."""
    names = []
    for name in (part.strip(C_BLANKS) for part in value.split(',')):
        if name:
            names = [known for known in names if known != name] + [name]
    return ', '.join(sorted(names, key=lambda name: _str_hash(name) % NAMED_GROUP_BUCKETS))


def _str_hash(text):
    """ast_str_hash(): djb2 with xor, restricted to a positive int."""
    number = 5381
    for byte in text.encode('utf-8'):
        number = ((number * 33) ^ byte) & 0xFFFFFFFF
    return number & 0x7FFFFFFF


def _tos(value):
    """ast_str2tos(): any integer sscanf('%i') reads (kept to 8 bits), else a DSCP class name."""
    number, _ = _c_integer(value)
    if number is not None:
        return str(number & 0xFF)
    dscp = DSCP_CLASSES.get(value.upper())
    if dscp is None:
        raise Invalid(f'not a ToS value: {value!r}')
    return str(dscp << 2)


def _callerid(value):
    """ast_callerid_split(), read back by ast_callerid_merge(): '"name" <number>', or either alone."""
    text = value.strip(C_BLANKS)
    inner = _strip_quoted(text)
    if '<' in inner:
        start = inner.rfind('<')
        number = inner[start + 1 :]
        number = number[: number.rfind('>')] if '>' in number else number
        name = _unescape_quoted(_strip_quoted(inner[:start]))
    elif inner == text and set(_shrink_phone_number(inner)) <= set('0123456789*#+') and _shrink_phone_number(inner):
        name, number = '', inner  # a number alone
    else:
        name, number = _unescape_quoted(_strip_quoted(inner)), ''
    name, number = name[:79], _shrink_phone_number(number)[:79]
    if name and number:
        return f'"{_escape_quoted(name)}" <{number}>'
    return name or number or '<unknown>'


def _strip_quoted(text):
    text = text.strip(C_BLANKS)
    return text[1:-1] if text.startswith('"') and text.endswith('"') else text


def _shrink_phone_number(number):
    """ast_shrink_phone_number(): no blanks or parentheses, '-' only in brackets, '.' only last."""
    kept, bracketed = [], 0
    for index, char in enumerate(number):
        bracketed += {'[': 1, ']': -1}.get(char, 0)
        if (char == '-' and not bracketed) or (char == '.' and index < len(number) - 1) or char in '( )':
            continue
        kept.append(char)
    return ''.join(kept)


def _unescape_quoted(text):
    return re.sub(r'\\(.?)', r'\1', text, flags=re.DOTALL)


def _escape_quoted(text):
    return ''.join(f'\\{char}' if char in '"\\' or (ord(char) < 32 and char not in '\t\v') else char for char in text)


def _codec_prefs(option, value):
    """ast_stream_codec_prefs_parse(): 'name: value' parts, names Asterisk does not know are ignored."""
    choices = {key: options for key, options, _ in CODEC_PREFS}
    prefs = {}
    for part in (part for part in value.split(',') if part):
        words = [word for word in re.split('[: ]', part) if word]
        if len(words) < 2:
            raise Invalid(f'bad codec preference {part!r}')
        key, choice = words[:2]
        if choice in choices.get(key, (choice,)):
            prefs[key] = choice
        elif key not in prefs:
            raise Invalid(f'bad codec preference {part!r}')
    if option == 'codec_prefs_incoming_offer' and prefs.get('operation') == 'union':
        raise Invalid('an incoming offer cannot be a union')
    defaults = {key: default for key, _, default in CODEC_PREFS}
    if option == 'codec_prefs_outgoing_offer':
        defaults['operation'] = 'union'
    return ', '.join(f'{key}:{prefs.get(key, default)}' for key, default in defaults.items())


def _from_user(value):
    if not _FROM_USER.fullmatch(value):
        raise Invalid(f'invalid character in {value!r}')
    return value


def _follow_redirect_methods(value):
    if value and any(method.strip().lower() != 'message' for method in value.split(',')):
        raise Invalid(f'unknown SIP method in {value!r}')  # only MESSAGE can follow a redirect
    return 'message' if value else ''


def _media_address(value):
    """An IP address (a port is dropped) is written the standard way; anything else is kept as a host name."""
    host = _numeric_host(_split_host_port(value)[0])
    return value if host is None else str(host)


def _dtls_file(value):
    if value and not os.access(value, os.R_OK):
        raise Invalid(f'{value!r} does not exist or is not readable')
    return value


def _numeric_host(text):
    """The address getaddrinfo(AI_NUMERICHOST) reads in `text` (inet_aton(): '5' is 0.0.0.5), or None."""
    if not text:
        return None
    try:
        sockaddr = socket.getaddrinfo(text, None, 0, socket.SOCK_DGRAM, 0, socket.AI_NUMERICHOST)[0][4]
    except (socket.gaierror, UnicodeError, ValueError):
        return None
    host = ipaddress.ip_address(sockaddr[0].partition('%')[0])
    return getattr(host, 'ipv4_mapped', None) or host


def _split_host_port(text):
    """ast_sockaddr_split_hostport(): '[v6]:port', 'v4:port' or a host alone → (host, port)."""
    if text.startswith('['):
        host, _, rest = text[1:].partition(']')
        return host, rest[1:] if rest.startswith(':') else ''
    if text.count(':') == 1:
        host, port = text.split(':')
        return host, port
    return text, ''


def _address(text, port_allowed=False):
    """An ACL entry: 'ip', 'ip/bits' or 'ip/mask' (and 'ip:port' for match) → 'net/netmask'."""
    address, _, mask = text.partition('/')
    address, port = _split_host_port(address)
    if port and not (port_allowed and port.isdigit()):
        raise Invalid(f'bad port in {text!r}')
    host = _numeric_host(address)
    if host is None:
        raise Invalid(f'not an address: {text!r}')
    netmask = _netmask(host, mask)
    network = type(host)(int(host) & int(netmask))
    shown = f'[{network}]' if port and host.version == 6 else str(network)
    return f'{shown}:{port}/{netmask}' if port else f'{shown}/{netmask}'


def _netmask(host, mask):
    """No mask: the host alone; 'a.b.c.d' or 'x:y::' as written; else a number of bits that sscanf() reads."""
    if ':' in mask or '.' in mask:
        netmask = _numeric_host(mask)
        if netmask is None or netmask.version != host.version:
            raise Invalid(f'bad netmask {mask!r}')
        return netmask
    bits, _ = _c_integer(mask, base=10) if mask else (host.max_prefixlen, '')
    if bits is None or not 0 <= bits <= host.max_prefixlen:
        raise Invalid(f'bad netmask {mask!r}')
    return ipaddress.ip_network((host, bits), strict=False).netmask


def _match_entries(value):
    """Addresses and networks now; host names are kept, for the identify's check to resolve."""
    entries = []
    for item in _split(value):
        if '/' in item:
            entries.append(_acl_entry(item, port_allowed=True))
        else:
            try:
                entries.append(_address(item, port_allowed=True))
            except Invalid:
                entries.append(item)
    return entries


def _acl_entry(item, port_allowed=False):
    return '!' + _address(item[1:], port_allowed) if item.startswith('!') else _address(item, port_allowed)


def _acl_rules(kind, value, current):
    """Named ACLs are appended once each; deny/permit items (not trimmed) go to the unnamed rule list."""
    if not value:
        return current
    if kind == 'acl':
        names = [name for kind, name in current if kind == 'acl']
        for name in (part.lstrip(C_BLANKS) for part in value.split(',')):
            if name.lower() in (known.lower() for known in names):
                raise Invalid(f'named ACL {name!r} given twice')
            names.append(name)
            current += (('acl', name),)
        return current
    rules = []
    for item in value.split(','):
        sense = kind
        if item.startswith('!'):
            sense, item = ('permit' if kind == 'deny' else 'deny'), item[1:]
        rules.append((sense, _address(item)))
    return current + tuple(rules)


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

    def __init__(self, name, specs, set_var_round_trips=False):
        self.name = name
        self.specs = specs  # {option: fact from pjsip-options.json}
        self.hidden = HIDDEN.get(name, frozenset({'type'}))
        self.set_var_round_trips = set_var_round_trips

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
        special = _OPTION_HANDLERS.get((self.name, option))
        if special is not None:
            state[slot] = special(current, value)
        elif kind == 'codec':
            state[slot] = _codecs(current, value, allowing=option == 'allow')
        elif kind == 'acl':
            state[slot] = _acl_rules(option.removeprefix('contact_'), value, current)
        elif kind == 'keyvalue':
            if value:
                name, separator, variable = value.partition('=')
                if not separator:
                    raise Invalid(f'set_var needs NAME=value: {value!r}')
                state[slot] = {**current, name: variable}
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
        elif kind == 'uint':
            state[slot] = _uint(value, *UINT_RANGES.get((self.name, option), (0, UINT32_MAX)))
        else:
            handler = _SCALAR_HANDLERS.get(kind, lambda object_type, option, value, choices: value)
            state[slot] = handler(self.name, option, value, spec['choices'])

    def check(self, state):
        """The type's apply handler: what a whole object must have (some also change it)."""
        checker = _CHECKS.get(self.name)
        if checker is not None:
            checker(state)

    def render(self, state):
        """The object as ARI shows it: a list of (attribute, value), in catalogue order."""
        fields = []
        for option in self.specs:
            value = state.get(_slot(_READ_FROM.get((self.name, option), option)))
            if option not in self.hidden and value is not None:
                fields.extend(_read_back(self.name, option, value, self.set_var_round_trips))
        fields.extend((name, value) for name, value in state.items() if name.startswith('@'))
        return fields

    def copy(self, state):
        """Asterisk's copy of an object for an update: its text form applied to a new object."""
        copied = self.new()
        for attribute, value in self.render(state):
            self.apply(copied, attribute, value)
        self.check(copied)
        return copied


_EMPTY: dict[str, object] = {
    'codec': (),
    'acl': (),
    'keyvalue': {},
    'list:uri': (),
    'list:host_or_cidr': (),
    'digest': (),
}
_SCALAR_HANDLERS = {
    'bool': lambda object_type, option, value, choices: _bool(object_type, option, value),
    'int': lambda object_type, option, value, choices: _int(value),
    'double': lambda object_type, option, value, choices: _double(value),
    'enum': _enum,
    'list:enum': lambda object_type, option, value, choices: _enum_list(option, value, choices),
    'list:auth': lambda object_type, option, value, choices: ','.join(_split(value)),
    'list:string': lambda object_type, option, value, choices: ','.join(_split(value)),
    'group': lambda object_type, option, value, choices: _group(value),
    'tos': lambda object_type, option, value, choices: _tos(value),
    'callerid': lambda object_type, option, value, choices: _callerid(value),
    'codec_prefs': lambda object_type, option, value, choices: _codec_prefs(option, value),
}
# Options whose handler is Asterisk's own, not that of their kind: (type, option) → f(current, text).
_OPTION_HANDLERS = {
    ('endpoint', 'named_call_group'): lambda current, value: _named_groups(value),
    ('endpoint', 'named_pickup_group'): lambda current, value: _named_groups(value),
    ('endpoint', 'from_user'): lambda current, value: _from_user(value),
    ('endpoint', 'follow_redirect_methods'): lambda current, value: _follow_redirect_methods(value),
    ('endpoint', 'media_address'): lambda current, value: _media_address(value),
    ('endpoint', 'dtls_setup'): lambda current, value: _known_or_ignored(value, DTLS_SETUPS, current),
    ('endpoint', 'dtls_fingerprint'): lambda current, value: _known_or_ignored(value, DTLS_HASHES, current),
    ('endpoint', 'dtls_rekey'): lambda current, value: _dtls_rekey(value),
    **{
        ('endpoint', option): lambda current, value: _dtls_file(value)
        for option in ('dtls_cert_file', 'dtls_private_key', 'dtls_ca_file', 'dtls_ca_path')
    },
}
# Where an option reads back another one's value: Asterisk's direct_media_method_to_str() shows the
# connected line method, so the copy of an update replaces direct_media_method with it.
_READ_FROM = {('endpoint', 'direct_media_method'): 'connected_line_method'}
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


def _known_or_ignored(value, choices, current):
    """ast_rtp_dtls_cfg_parse() of dtls_setup and dtls_fingerprint: what it does not know changes nothing."""
    try:
        return _choice(value, choices)
    except Invalid:
        return current


def _dtls_rekey(value):
    """sscanf('%u'): the leading number, negative ones wrapped."""
    number, _ = _c_integer(value, base=10)
    if number is None:
        raise Invalid(f'not a number: {value!r}')
    return str(number & UINT32_MAX)


def _read_back(object_type, option, value, set_var_round_trips):
    """The (attribute, value) lines an option reads back as."""
    if (object_type, option) == ('registration', 'outbound_auth'):
        return [(option, name) for name in value.split(',')] if value else [(option, '')]
    if option == 'allow':
        return [(option, f'({"|".join(value)})' if value else '(nothing)')]
    if option in {'acl', 'contact_acl'}:
        return [(option, _acl_text(value))]
    if option == 'set_var' and set_var_round_trips:
        return [(option, f'{name}={variable}') for name, variable in value.items()] or [(option, '')]
    if option == 'set_var':
        return list(value.items()) or [(option, '')]  # each variable as itself
    if option in {'match', 'contact'}:
        return [(option, entry) for entry in value or ['']]
    if option == 'password_digest':
        return [(option, ','.join(f'{algorithm}:{digest}' for algorithm, digest in value))]
    if option == 'md5_cred':
        return [(option, dict(value).get('MD5', ''))]
    if option == 'dtls_verify':
        return [(option, DTLS_VERIFY[value])]
    return [(option, value)]


def _acl_text(rules):
    """The first ACL of the list: the unnamed one of the inline rules (always first), or the first named one."""
    if any(kind != 'acl' for kind, _ in rules):
        return 'deny/permit'
    return rules[0][1] if rules else ''


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


def _check_endpoint(state):
    """sip_endpoint_apply_handler(): ranges that depend on each other, and what it sets itself."""
    min_se, expires = int(state['timers_min_se']), int(state['timers_sess_expires'])
    if min_se < 90 or expires < min_se:
        raise Invalid('session timers out of range')
    if not state['sdp_session'].strip(C_BLANKS):
        state['sdp_session'] = '-'
    if not state['sdp_owner'] or any(char in C_BLANKS for char in state['sdp_owner'].lstrip(C_BLANKS)):
        state['sdp_owner'] = '-'
    if state['dtls_auto_generate_cert'] == 'Yes' and state['dtls_cert_file']:
        raise Invalid('dtls_auto_generate_cert and dtls_cert_file together')
    ports = int(state['rtp_port_start']), int(state['rtp_port_end'])
    if any(ports) and (min(ports) < 1024 or ports[1] <= ports[0]):
        raise Invalid('bad RTP port range')
    if state['preferred_codec_only'] == 'true':
        if state['incoming_call_offer_pref'] != 'local':
            raise Invalid('preferred_codec_only with incoming_call_offer_pref')
        state['incoming_call_offer_pref'] = 'local_first'
    if state['bundle'] == 'true':
        state['rtcp_mux'] = 'true'
    if state['webrtc'] == 'yes':
        state.update(
            dict.fromkeys(('bundle', 'rtcp_mux', 'use_avpf', 'ice_support', 'media_use_received_transport'), 'true')
        )
        state.update(media_encryption='dtls', dtls_setup='actpass', dtls_verify='fingerprint', dtls_rekey='0')
        if not state['dtls_cert_file']:
            state['dtls_auto_generate_cert'] = 'Yes'
    if state['geoloc_incoming_call_profile'] or state['geoloc_outgoing_call_profile']:
        raise Invalid('no such geolocation profile')  # none is configured


def _check_identify(state):
    """ip_identify_apply(): host names of ``match`` are resolved now (with the system's resolver, no SRV)."""
    if not state['endpoint']:
        raise Invalid('identify without endpoint')
    if not (state['match'] or state['match_header'] or state['match_request_uri']):
        raise Invalid('identify matches nothing')
    header, colon, _ = state['match_header'].partition(':')
    if state['match_header'] and not (colon and header.strip()):
        raise Invalid('match_header is not "Header: value"')
    matches = [entry for entry in state['match'] if '/' in entry]
    for host in (entry for entry in state['match'] if '/' not in entry):
        for address in _resolve(host):
            if address not in matches:
                matches.append(address)
    state['match'] = tuple(matches)


def _resolve(host):
    """The match entries of every address of `host` ('name' or 'name:port'), as getaddrinfo() gives them."""
    name, port = _split_host_port(host)
    try:
        found = socket.getaddrinfo(name, port or None, 0, socket.SOCK_DGRAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise Invalid(f'{host!r} does not resolve') from None
    entries = []
    for info in found:
        address = info[4][0].partition('%')[0]
        if port:
            address = f'[{address}]:{port}' if ':' in address else f'{address}:{port}'
        entries.append(_address(address, port_allowed=True))
    return entries


def _check_registration(state):
    """sip_outbound_registration_apply(), then the building of its REGISTER (URIs, Contact, Route)."""
    for required in ('server_uri', 'client_uri'):
        if not state[required]:
            raise Invalid(f'registration without {required}')
        if not _is_sip_uri(state[required]):
            raise Invalid(f'{required} is not a SIP URI')
    if state['line'] == 'true' and not state['endpoint']:
        raise Invalid('registration line=yes without endpoint')
    if state['endpoint'] and state['line'] != 'true':
        raise Invalid('registration endpoint without line=yes')
    if not _CONTACT_USER.fullmatch(state['contact_user'] or 's'):
        raise Invalid('contact_user cannot be the user of a SIP URI')
    params = state['contact_header_params']
    if params and not all(_HEADER_PARAM.fullmatch(param.strip()) for param in params.split(';')):
        raise Invalid('contact_header_params are not header parameters')
    proxy = re.sub(r'^\s*("[^"]*"|[^<"]*)\s*<(.*)>\s*$', r'\2', state['outbound_proxy'])
    if state['outbound_proxy'] and not _is_sip_uri(proxy.strip()):
        raise Invalid('outbound_proxy is not a Route')


def _is_sip_uri(text):
    """A sip: or sips: URI whose host fits pjproject (ast_sip_validate_uri_length())."""
    match = _SIP_URI.fullmatch(text)
    if match is None:
        return False
    has_port = text[match.end('host') :].startswith(':')
    return len(match.group('host').strip('[]')) <= 127 - (0 if has_port else len('_sips.tcp.'))


def _check_transport(state):
    if not state['bind']:
        raise Invalid('transport without bind')


_CHECKS = {
    'auth': _check_auth,
    'endpoint': _check_endpoint,
    'identify': _check_identify,
    'registration': _check_registration,
    'transport': _check_transport,
}


def load_object_types(path=OPTIONS_FILE, set_var_round_trips=False):
    facts = json.loads(Path(path).read_text(encoding='utf-8'))
    facts.pop('_about', None)
    return {name: ObjectType(name, specs, set_var_round_trips) for name, specs in facts.items()}


# --- The HTTP side ---------------------------------------------------------------------------------

_CRASH = object()  # the request kills Asterisk
_DEAD = object()  # Asterisk died while this request waited


class _WebSocketUpgrade:
    """An accepted upgrade of /ari/events: the application it registers and the handshake's answer."""

    def __init__(self, app, upgrade, accept, protocol):
        self.app, self.upgrade, self.accept, self.protocol = app, upgrade, accept, protocol


class _WebSocketRefused:
    """A refused upgrade: res_http_websocket's bare 400, after the ARI handler's own answer if it gave one."""

    def __init__(self, answer=None):
        self.answer = answer


class _EventSession:
    """One events websocket, server side: pings answered, a close echoed, anything else read and ignored."""

    def __init__(self, handler):
        self._rfile, self._wfile = handler.rfile, handler.wfile
        self._write_lock = threading.Lock()

    def serve(self):
        while True:
            frame = _read_frame(self._rfile)
            if frame is None:
                return  # the client went away, or the connection was cut (down, restart, crash)
            opcode, payload = frame
            if opcode == WS_PING:
                self._send(WS_PONG, payload)
            elif opcode == WS_CLOSE:
                self._send(WS_CLOSE, payload[:2] if len(payload) >= 2 else struct.pack('!H', 1000))
                return

    def send_event(self, event):
        now = datetime.datetime.now(datetime.timezone.utc)
        # Asterisk 22 adds its entity id (`asterisk_id`) to every event it sends.
        self._send(WS_TEXT, json.dumps({**event, 'timestamp': _timestamp(now), 'asterisk_id': ENTITY_ID}).encode())

    def _send(self, opcode, payload):
        length = len(payload)
        if length < 126:
            header = struct.pack('!BB', 0x80 | opcode, length)
        elif length < 1 << 16:
            header = struct.pack('!BBH', 0x80 | opcode, 126, length)
        else:
            header = struct.pack('!BBQ', 0x80 | opcode, 127, length)
        with self._write_lock:
            try:
                self._wfile.write(header + payload)
                self._wfile.flush()
            except OSError:
                pass  # gone: its reader sees it too


def _read_frame(rfile):
    """(opcode, unmasked payload) of the next frame, or None at the end of the stream."""
    try:
        head = rfile.read(2)
        if len(head) < 2:
            return None
        opcode, length = head[0] & 0x0F, head[1] & 0x7F
        if length == 126:
            length = struct.unpack('!H', rfile.read(2))[0]
        elif length == 127:
            length = struct.unpack('!Q', rfile.read(8))[0]
        mask = rfile.read(4) if head[1] & 0x80 else b''
        payload = rfile.read(length)
    except (OSError, struct.error):
        return None
    if len(payload) < length:
        return None
    if mask:
        payload = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
    return opcode, payload


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

    do_PUT = do_DELETE = do_POST = do_OPTIONS = do_GET


class FakeAri:
    """A fake Asterisk ARI on 127.0.0.1 (random port); thread-safe. Use as a context manager.

    For tests: `url`, `username`/`password` (the read-write ARI user), `booting` (answer 503),
    `latency` (seconds added before each answer), `request_log` (method, path, body and status of
    each request Asterisk handled; status None when it crashed), `counters` (``'requests'`` and
    ``(method, object_type)`` per configuration request), `connections_accepted`, `reloads`
    (modules reloaded), `crashes` (the requests that killed it).
    """

    def __init__(
        self,
        username='wazo',
        password='secret',
        read_only_users=None,
        version='22.10.1',
        latency=0.0,
        set_var_round_trips=False,
    ):
        self.version = version
        self.latency = latency
        self.booting = False
        self.users = {username: (password, False)}
        self.users.update({user: (secret, True) for user, secret in (read_only_users or {}).items()})
        self.username, self.password = username, password
        self.types = load_object_types(set_var_round_trips=set_var_round_trips)
        self.request_log = []
        self.counters = collections.Counter()
        self.crashes = []
        self.reloads = []
        self.connections_accepted = 0
        self._lock = threading.RLock()
        self._memory = {}  # {(type, id): state}, pushed objects, lost on restart
        self._event_sessions = {}  # {app: _EventSession}, the open events websockets
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

        Scalars are normalized text, as read back (``'true'``, ``'3.000000'``) except ``dtls_verify``,
        lower case (``'fingerprint'``, reads back as ``Fingerprint``), and an endpoint's ``contact_user``,
        None until given; ``allow`` is a tuple of codecs, ``set_var`` a dict, ``match``/``contact``
        tuples, ``acl``/``contact_acl`` tuples of (``deny``|``permit``|``acl``, address or name) rules,
        ``@name`` extended fields as is.
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
        if isinstance(answer, _WebSocketUpgrade):
            self._serve_events(handler, answer)
            return
        if isinstance(answer, _WebSocketRefused):
            if answer.answer is not None:  # the ARI handler's own error page, then res_http_websocket's
                _send(handler, *answer.answer)
            _send(handler, 400, None, {'Sec-WebSocket-Version': '7, 8, 13'})
            return
        _send(handler, *answer)

    def _record(self, method, path, raw_body, answer):
        if isinstance(answer, _WebSocketUpgrade):
            status = 101
        elif isinstance(answer, _WebSocketRefused):
            status = 400
        else:
            status = None if answer is _CRASH else answer[0]
        body = raw_body.decode('utf-8', 'replace')
        self.request_log.append({'method': method, 'path': path, 'body': body, 'status': status})
        self.counters['requests'] += 1

    # the events websocket

    def _events_upgrade(self, headers, query):
        """What res_http_websocket, then ARI's session_attempted callback, make of an upgrade of /ari/events."""
        upgrade = headers.get('Upgrade')
        if upgrade is None or upgrade.lower() != 'websocket':
            return 426, _http_error_page(426, 'Upgrade Required', ''), {}
        protocols = [part.strip() for part in (headers.get('Sec-WebSocket-Protocol') or '').split(',') if part.strip()]
        if protocols and 'ari' not in protocols:
            return _WebSocketRefused()
        version = (headers.get('Sec-WebSocket-Version') or '').strip()
        key = headers.get('Sec-WebSocket-Key')
        if version not in WEBSOCKET_VERSIONS or not key:
            return _WebSocketRefused()
        app = parse_qs(query).get('app', [''])[0]
        if not app:
            return _WebSocketRefused((400, _http_error_page(400, 'Bad Request', _MISSING_APP), {}))
        accept = base64.b64encode(hashlib.sha1((key + WEBSOCKET_GUID).encode()).digest()).decode('ascii')
        return _WebSocketUpgrade(app, upgrade, accept, 'ari' if protocols else None)

    def _serve_events(self, handler, upgrade):
        # The application is taken before the 101 is written: a client that opens a second websocket
        # once its first is open always replaces the first, whatever the order the threads run in.
        session = _EventSession(handler)
        with self._lock:
            replaced, self._event_sessions[upgrade.app] = self._event_sessions.get(upgrade.app), session
        try:
            handler.send_response_only(101, 'Switching Protocols')
            handler.send_header('Upgrade', upgrade.upgrade)
            handler.send_header('Connection', 'Upgrade')
            handler.send_header('Sec-WebSocket-Accept', upgrade.accept)
            if upgrade.protocol:
                handler.send_header('Sec-WebSocket-Protocol', upgrade.protocol)
            handler.end_headers()
            handler.wfile.flush()
            handler.close_connection = True
            if replaced is not None:  # it stays open, without the application
                replaced.send_event({'type': 'ApplicationReplaced', 'application': upgrade.app})
            session.serve()
        finally:
            with self._lock:
                if self._event_sessions.get(upgrade.app) is session:
                    del self._event_sessions[upgrade.app]

    def _answer(self, method, url, headers, raw_body):
        if url.path != '/ari' and not url.path.startswith('/ari/'):
            return 404, NOT_FOUND_PAGE, {}  # Asterisk's HTTP server, before ARI looks at anything
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
        if url.path.endswith('/'):
            return _error(404, f'ARI URLs do not end with a slash. Try {url.path.rstrip("/")}')
        segments = list(itertools.takewhile(bool, (unquote(part) for part in url.path.split('/')[2:])))
        route = _route(segments)
        if route is None:
            return _error(404, 'Resource not found')
        allowed = {'Allow': ','.join(('OPTIONS',) + ROUTES.get(route, ()))}
        if method == 'OPTIONS':
            return 204, None, allowed
        if route == ('events',) and method == 'GET':
            return self._events_upgrade(headers, url.query)
        if method not in ROUTES.get(route, ()):
            return _error(405, 'Invalid method', allowed)
        if route == ('asterisk', 'info'):
            return self._info()
        if route == ('asterisk', 'modules'):
            return 200, [_module_info(name) for name in sorted(LOADED_MODULES)], {}
        if route[:2] == ('asterisk', 'modules'):
            return self._module(method, segments[2])
        self.counters[(method, segments[4])] += 1
        return self._config(method, *segments[3:], body)

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
                'system': {'version': self.version, 'entity_id': ENTITY_ID},
                'config': {
                    'name': '',
                    'default_language': 'en',
                    'setid': {'user': '', 'group': ''},
                    'max_open_files': MAX_OPEN_FILES,
                },
                'status': {
                    'startup_time': _timestamp(self._startup_time),
                    'last_reload_time': _timestamp(self._last_reload_time),
                },
            },
            {},
        )

    def _module(self, method, module):
        """Show and reload modules; the fake neither loads nor unloads any."""
        loaded = module in LOADED_MODULES
        if method == 'GET':
            return (200, _module_info(module), {}) if loaded else _error(404, _MODULE_NOT_SHOWN)
        if method == 'POST':
            return _error(409, 'Module is already loaded' if loaded else 'Module load declined')
        if not loaded:
            return _error(404, 'Module not found in running modules')
        if method == 'DELETE':
            return _error(409, 'Module could not be unloaded')
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


_MODULE_NOT_SHOWN = 'Module could not be found in running modules'
_MISSING_APP = 'HTTP request is missing param: [app]'


def _send(handler, status, body, headers):
    """One HTTP answer: a JSON body, a page of the HTTP server (text), or none."""
    if isinstance(body, str):  # a page of the HTTP server, outside ARI
        payload, content_type = body.encode('utf-8'), 'text/html'
    else:
        payload, content_type = b'' if body is None else json.dumps(body).encode('utf-8'), 'application/json'
    handler.send_response(status)
    handler.send_header('Cache-Control', 'no-cache, no-store')
    for name, value in headers.items():
        handler.send_header(name, value)
    if body is not None:
        handler.send_header('Content-type', content_type)
    handler.send_header('Content-Length', str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)


def _route(segments):
    """The route (or the node above routes) that `segments` (the path after /ari) reach, or None."""
    reached = [
        route
        for route in ROUTES
        if len(route) >= len(segments) and all(part in ('*', segment) for part, segment in zip(route, segments))
    ]
    exact = [route for route in reached if len(route) == len(segments)]
    if exact:
        return exact[0]
    return tuple(segments) if reached else None


def _module_info(name):
    description, support_level = LOADED_MODULES[name]
    return {
        'name': name,
        'description': description,
        'use_count': 0,
        'status': 'Running',
        'support_level': support_level,
    }


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
