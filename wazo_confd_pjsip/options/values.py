# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checks of option keys and values, one per value kind (the catalogue's `datatype`), then per option.

Each check is `(value, spec) -> error message | None` and only sees values that already passed
`safety_error`. Kinds without a check (string, path, ...) only get the safety check. Some options
get one more check (`OPTION_CHECKS`), after their kind's: what Asterisk checks beyond the kind, in
the option's own handler or when it applies the object.
A check refuses what Asterisk would refuse (ARI answers a bare 400 that never says which field)
and what is accepted by Asterisk but is certainly a typo (`direct_media=maybe` reads as "no").
integration_tests/asterisk/test_option_audit.py feeds every option wrong values on a real Asterisk.
"""

import ipaddress
import math
import re

from ..asterisk.syntax import OPTION_KEY_RULE, is_object_id, is_option_key
from ..inheritance.codec_edits import CODEC_SEPARATORS, is_parenthesised
from . import posix_regex

MAX_LENGTH = 4092

# Line breaks (for Asterisk or for Python), other C0/C1 controls, DEL, and lone surrogates (not UTF-8 encodable).
_FORBIDDEN_CHARACTERS = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]')
# A value never starts a pjsip.conf line (no line breaks, always after "key = "), so a leading '[' is harmless.
# ';' is accepted, not refused: pjsip.conf writers escape it as '\;' (ARI takes values verbatim).


def has_forbidden_characters(text):
    """Line breaks or control characters: nothing the service stores may carry them."""
    return bool(_FORBIDDEN_CHARACTERS.search(text))


def safety_error(value):
    """What makes `value` unsafe to hand to Asterisk (pjsip.conf or ARI) whatever the option, or None."""
    if not isinstance(value, str):
        return 'must be a string'
    if not value:
        return 'must not be empty'
    if len(value) > MAX_LENGTH:
        return f'must be at most {MAX_LENGTH} characters long'
    if has_forbidden_characters(value):
        return 'must not contain line breaks or control characters'
    # pjsip.conf strips these spaces but ARI keeps them: refusing them keeps both channels equal.
    if value != value.strip(' '):
        return 'must not start or end with a space'
    return None


def key_syntax_error(key):
    """What makes `key` unusable as an option name, or None. Whether the key is known is another matter."""
    if not isinstance(key, str):
        return 'must be a string'
    if not 1 <= len(key) <= MAX_LENGTH:
        return f'must be 1 to {MAX_LENGTH} characters long'
    if not is_option_key(key):
        return f'must be {OPTION_KEY_RULE}'
    return None


def value_error(value, spec, object_type=None):
    """What is wrong with `value` for the option `spec` of the sections of `object_type`, or None."""
    error = safety_error(value)
    if error:
        return error
    checks = (VALUE_CHECKS.get(spec.datatype), OPTION_CHECKS.get((object_type, spec.name)))
    for check in filter(None, checks):
        error = check(value, spec)
        if error:
            return error
    return None


def _quoted(text, limit=40):
    return repr(text if len(text) <= limit else text[:limit] + '...')


def _bad_item(value, is_valid, separators=','):
    """The first item of the list `value` that is not valid (maybe ''), or None when all are."""
    for item in re.split(f'[{re.escape(separators)}]', value):
        item = item.strip(' ')
        if not item or not is_valid(item):
            return item
    return None


def _list_error(value, is_valid, expected):
    item = _bad_item(value, is_valid)
    if item is None:
        return None
    if not item:
        return 'must not have an empty item in its comma-separated list'
    return f'{_quoted(item)} is not {expected}'


# Asterisk's ast_true()/ast_false() words, compared case-insensitively.
_BOOL_WORDS = frozenset({'yes', 'no', 'true', 'false', 'y', 'n', 't', 'f', '1', '0', 'on', 'off'})


def _check_bool(value, spec):
    if value.lower() not in _BOOL_WORDS:
        return 'must be a boolean (yes/no, true/false, on/off, 1/0)'
    return None


_UNSIGNED = re.compile('[0-9]+')
_SIGNED = re.compile('[+-]?[0-9]+')
_DECIMAL = re.compile(r'[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?')


def _check_uint(value, spec):
    if not _UNSIGNED.fullmatch(value) or int(value) > 2**32 - 1:
        return 'must be an integer from 0 to 4294967295'
    return None


def _check_int(value, spec):
    if not _SIGNED.fullmatch(value) or not -(2**31) <= int(value) <= 2**31 - 1:
        return 'must be an integer from -2147483648 to 2147483647'
    return None


def _check_double(value, spec):
    if not _DECIMAL.fullmatch(value) or math.isinf(float(value)):
        return 'must be a decimal number'
    return None


# Handlers differ (strcmp or strcasecmp): the exact spelling of the catalogue is the one that always works.
def _check_enum(value, spec):
    if spec.choices and value not in spec.choices:
        return f'must be one of: {", ".join(spec.choices)}'
    return None


def _check_enum_list(value, spec):
    if not spec.choices:
        return None
    return _list_error(value, spec.choices.__contains__, f'one of: {", ".join(spec.choices)}')


# The names Asterisk's format cache knows (looked up case-insensitively).
CODECS = frozenset(
    {
        'ulaw', 'alaw', 'gsm', 'g719', 'g722', 'g723', 'g726', 'g726aal2', 'g729', 'ilbc', 'lpc10',
        'speex', 'speex16', 'speex32', 'slin', 'slin12', 'slin16', 'slin24', 'slin32', 'slin44', 'slin48',
        'slin96', 'slin192', 'adpcm', 'opus', 'silk8', 'silk12', 'silk16', 'silk24', 'siren7',
        'siren14', 'codec2', 'h261', 'h263', 'h263p', 'h264', 'h265', 'mpeg4', 'vp8', 'vp9', 'jpeg', 'png',
        't140', 'red',
    }
)  # fmt: skip
_FRAMING = re.compile('[0-9]+')


def _is_codec_item(item):
    """`[!]name[:framing]` where name is a codec or `all`, as allow=/disallow= take them (no inner spaces)."""
    name, colon, framing = item.removeprefix('!').rpartition(':')
    if not colon:
        name = framing
    elif not _FRAMING.fullmatch(framing):
        return False
    return name.lower() == 'all' or name.lower() in CODECS


def _check_codec(value, spec):
    # "(ulaw|alaw)" is how Asterisk prints a codec list; fed back it first edits every codec (codec_edits).
    body = value[1:-1] if is_parenthesised(value) else value
    item = _bad_item(body, _is_codec_item, separators=CODEC_SEPARATORS)
    if item is None:
        return None
    if not item:
        return 'must not have an empty codec in its list'
    return f'{_quoted(item)} is not a known codec, "all" or "!all" (optionally with ":<framing ms>")'


_HOST_LABEL = re.compile(r'[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?')
_PORT = re.compile('[0-9]{1,5}')
_BRACKETED_HOST = re.compile(r'\[([^\]]+)\](?::(.*))?')


def _is_ipv4(text):
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def _is_ipv6(text):
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _is_hostname(text):
    labels = text.split('.')
    # A last label of digits only is a mistyped IPv4 address (1.2.3.400), not a name.
    return len(text) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in labels) and not labels[-1].isdigit()


def _is_host(text):
    return _is_ipv4(text) or _is_ipv6(text) or _is_hostname(text)


def _is_port(text):
    return bool(_PORT.fullmatch(text)) and 1 <= int(text) <= 65535


def _is_host_and_port(text):
    """`host[:port]` with host an IPv4 address or a name, `[ipv6][:port]`, or a bare IPv6 address."""
    bracketed = _BRACKETED_HOST.fullmatch(text)
    if bracketed:
        address, port = bracketed.groups()
        return _is_ipv6(address) and (port is None or _is_port(port))
    if text.count(':') > 1:
        return _is_ipv6(text)
    host, colon, port = text.partition(':')
    return (_is_ipv4(host) or _is_hostname(host)) and (not colon or _is_port(port))


def _is_network(text):
    """`address[/mask]`, the mask a prefix length or a dotted netmask; IPv6 addresses may be bracketed."""
    address, slash, mask = text.partition('/')
    if address.startswith('[') and address.endswith(']'):
        address = address[1:-1]
    if slash and not mask:
        return False
    try:
        ipaddress.ip_network(f'{address}/{mask}' if slash else address, strict=False)
    except ValueError:
        return False
    return True


def _check_sockaddr(value, spec):
    if not _is_host_and_port(value):
        return 'must be an address with an optional port: a.b.c.d[:port], [ipv6][:port] or hostname[:port]'
    return None


def _check_ipaddr(value, spec):
    if not _is_host(value):
        return 'must be an IPv4 address, an IPv6 address or a hostname'
    return None


def _check_cidr_list(value, spec):
    return _list_error(value, _is_network, 'an address or network (address[/mask])')


def _check_host_or_cidr_list(value, spec):
    return _list_error(
        value,
        lambda item: _is_network(item) if '/' in item else _is_host_and_port(item),
        'an address, a network (address/mask) or a hostname',
    )


# These name acl.conf sections; the other acl options (deny, permit, contact_deny...) list networks.
_ACL_NAME_OPTIONS = frozenset({'acl', 'contact_acl'})
_ACL_NAME = re.compile('[A-Za-z0-9_.-]+')


def _check_acl(value, spec):
    if spec.name in _ACL_NAME_OPTIONS:
        return _list_error(value, _ACL_NAME.fullmatch, 'an ACL name')
    if ' ' in value:
        return 'must not contain spaces: Asterisk does not trim the addresses of an ACL list'
    return _list_error(
        value,
        lambda item: _is_network(item.removeprefix('!')),
        'an address or network, optionally negated: [!]address[/mask]',
    )


_VARIABLE_NAME = re.compile(r'\S+')


def _check_keyvalue(value, spec):
    name, equal, _ = value.partition('=')
    if not equal or not _VARIABLE_NAME.fullmatch(name):
        return 'must be NAME=value with a NAME without spaces'
    return None


# `"Name" <number>`, `Name <number>`, `<number>`, `number` or `"Name"`; quotes and brackets balanced.
_CALLERID = re.compile(r'(?:"(?:[^"\\]|\\.)*" *|[^"<>]*)(?:<[^<>]*>)?')


def _check_callerid(value, spec):
    if not _CALLERID.fullmatch(value):
        return 'must be "Name" <number>, Name <number> or number'
    return None


# DSCP names ast_str2tos() knows, compared case-insensitively.
_DSCP_NAMES = frozenset([f'cs{n}' for n in range(8)] + [f'af{n}{p}' for n in range(1, 5) for p in range(1, 4)] + ['ef'])
_C_INTEGER = re.compile('0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*')


def _c_integer(text):
    """The value of a C integer literal (decimal, 0x hex, 0 octal) as sscanf's %i reads it, or None."""
    if not _C_INTEGER.fullmatch(text):
        return None
    if text[:2] in ('0x', '0X'):
        return int(text, 16)
    return int(text, 8) if text.startswith('0') else int(text)


def _check_tos(value, spec):
    number = _c_integer(value)
    if value.lower() not in _DSCP_NAMES and (number is None or number > 255):
        return 'must be a DSCP name (cs0-cs7, af11-af43, ef) or a number from 0 to 255'
    return None


_TIMELEN = re.compile(r'[0-9]+(\.[0-9]+)?(ms|s|m|h)?', re.IGNORECASE)


def _check_timelen(value, spec):
    if not _TIMELEN.fullmatch(value):
        return 'must be a duration: a number with an optional unit (ms, s, m, h)'
    return None


_GROUP_ITEM = re.compile('([0-9]{1,2})(?:-([0-9]{1,2}))?')


def _is_group_item(item):
    match = _GROUP_ITEM.fullmatch(item)
    return bool(match) and all(int(bound) <= 63 for bound in match.groups() if bound is not None)


def _check_group(value, spec):
    return _list_error(value, _is_group_item, 'a group number (0-63) or range (a-b)')


def _check_auth_list(value, spec):
    return _list_error(value, is_object_id, 'an auth section name')


_SIP_URI = re.compile(r'(<)?sips?:[^\s<>]+(?(1)>)', re.IGNORECASE)


def _check_uri_list(value, spec):
    return _list_error(value, _SIP_URI.fullmatch, 'a sip: or sips: URI')


# password_digest: comma list of `[algorithm:]hex digest`; no algorithm means MD5 (the md5_cred form).
_DIGEST_LENGTHS = {'md5': 32, 'sha-256': 64, 'sha-512-256': 64}
_HEX = re.compile('[0-9a-fA-F]+')


def _is_digest(item):
    algorithm, colon, digest = item.rpartition(':')
    algorithm = algorithm.strip(' ').lower() if colon else 'md5'
    digest = digest.strip(' ')
    return _DIGEST_LENGTHS.get(algorithm) == len(digest) and bool(_HEX.fullmatch(digest))


def _check_digest(value, spec):
    # The digest derives from a password: never echo it.
    if _bad_item(value, _is_digest) is not None:
        return 'must be a comma list of <md5|sha-256|sha-512-256>:<hex digest of that algorithm\'s length>'
    return None


_CODEC_PREFS = {
    'prefer': frozenset({'pending', 'configured'}),
    'operation': frozenset({'intersect', 'union', 'only_preferred', 'only_nonpreferred'}),
    'keep': frozenset({'all', 'first'}),
    'transcode': frozenset({'allow', 'prevent'}),
}


def _codec_pref(item):
    name, _, choice = item.partition(':')
    return name.strip(' '), choice.strip(' ')


def _is_codec_pref(item):
    name, choice = _codec_pref(item)
    return ':' in item and choice in _CODEC_PREFS.get(name, ())


def _check_codec_prefs(value, spec):
    return _list_error(
        value,
        _is_codec_pref,
        'one of prefer: pending|configured, operation: intersect|union|only_preferred|only_nonpreferred, '
        'keep: all|first, transcode: allow|prevent',
    )


def _check_md5_cred(value, spec):
    # Asterisk reads it with password_digest's handler, a digest without algorithm being MD5.
    if _check_digest(value, spec):
        return 'must be an MD5 digest (32 hex digits), or <md5|sha-256|sha-512-256>:<hex digest of that length>'
    return None


# Asterisk 22 ignores stir_shaken (stir_shaken_profile replaced it) whatever its value: only its past values pass.
_STIR_SHAKEN_WORDS = _BOOL_WORDS | {'attest', 'verify'}


def _check_stir_shaken(value, spec):
    if value.lower() not in _STIR_SHAKEN_WORDS:
        return 'must be a boolean (yes/no, true/false, on/off, 1/0), attest or verify'
    return None


def _check_redirect_methods(value, spec):
    return _list_error(value, {'message'}.__contains__, 'one of: message')


def _check_named_groups(value, spec):
    # Any names; Asterisk refuses a list that has none.
    return _list_error(value, lambda name: True, 'a group name')


def _check_incoming_offer_prefs(value, spec):
    if ('operation', 'union') in map(_codec_pref, value.split(',')):
        return 'operation: union is not allowed for an incoming offer'
    return None


def _at_most(high):
    def check(value, spec):
        if int(value) > high:
            return f'must be at most {high}'
        return None

    return check


def _at_least(low, why=''):
    def check(value, spec):
        if int(value) < low:
            return f'must be at least {low}{why}'
        return None

    return check


def _unset_or_between(low, high, why):
    def check(value, spec):
        if int(value) != 0 and not low <= int(value) <= high:
            return f'must be 0 (none) or from {low} to {high}{why}'
        return None

    return check


# Characters of a SIP URI's user (RFC 3261: unreserved, user-unreserved, escaped) and of its password.
_URI_USER = r"[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+(?::[A-Za-z0-9\-_.!~*'()&=+$,%]*)?"
_URI_USER_PATTERN = re.compile(_URI_USER)
_URI_PARAM = r"[A-Za-z0-9\-_.!~*'()\[\]/:&+$%]+"
_SIP_URI_PARTS = re.compile(
    rf'(?P<open><)?sips?:(?:{_URI_USER}@)?(?P<host>\[[^\]]*\]|[^:;?@\[\]<>]+)(?::(?P<port>[0-9]{{1,5}}))?'
    rf'(?:;{_URI_PARAM}(?:={_URI_PARAM})?)*(?:\?[^\s<>"]*)?(?(open)>)',
    re.IGNORECASE,
)
# pjproject's limits, as Asterisk checks them (ast_sip_validate_uri_length): room is kept for "_sips._tcp."
# in front of a host without port, for its SRV lookup.
_MAX_URI_LENGTH = 511
_MAX_HOST_LENGTH = 255


def _is_sip_uri(text):
    parts = _SIP_URI_PARTS.fullmatch(text)
    if not parts or len(text) > _MAX_URI_LENGTH:
        return False
    host, port = parts['host'], parts['port']
    host_room = _MAX_HOST_LENGTH - (0 if port else len('_sips._tcp.'))
    is_host = _is_ipv6(host[1:-1]) if host.startswith('[') else _is_ipv4(host) or _is_hostname(host)
    return is_host and len(host) <= host_room and (port is None or _is_port(port))


def _check_sip_uri(value, spec):
    if not _is_sip_uri(value):
        return 'must be a SIP URI: sip:[user@]host[:port][;params] or sips:..., optionally in <>'
    return None


# What Asterisk's from_user handler lets through.
_FROM_USER = re.compile(r"[A-Za-z0-9\-._~%!$&'()*+,;=:]+")


def _check_from_user(value, spec):
    if not _FROM_USER.fullmatch(value):
        return "must be made of letters, digits and -._~%!$&'()*+,;=:"
    return None


# A registration's Contact is "<sip:contact_user@address:port;contact_header_params>", parsed by pjproject
# from a buffer of 512 characters: each part gets at most this many.
_MAX_CONTACT_PART = 200
_CONTACT_TOKEN = r"[A-Za-z0-9\-_.!~*'%+&]+"
_CONTACT_PARAM = rf'{_CONTACT_TOKEN}(?:=(?:{_CONTACT_TOKEN})?)?'
_CONTACT_PARAMS = re.compile(rf'{_CONTACT_PARAM}(?:;{_CONTACT_PARAM})*')


def _check_contact_user(value, spec):
    if len(value) > _MAX_CONTACT_PART or not _URI_USER_PATTERN.fullmatch(value):
        return f'must be the user part of a SIP URI, at most {_MAX_CONTACT_PART} characters'
    return None


def _check_contact_params(value, spec):
    if len(value) > _MAX_CONTACT_PART or not _CONTACT_PARAMS.fullmatch(value):
        return f'must be SIP URI parameters name[=value][;name[=value]...], at most {_MAX_CONTACT_PART} characters'
    return None


def _check_absolute_path(value, spec):
    # Asterisk opens it at once, from its own working directory.
    if not value.startswith('/'):
        return 'must be an absolute path'
    return None


_HEADER_NAME = re.compile(r"[A-Za-z0-9!%'*+._`~-]+")  # a SIP token


def _regex_error(text):
    # "/.../" around more than nothing is a POSIX extended regular expression; anything else is literal.
    if len(text) > 2 and text.startswith('/') and text.endswith('/') and not posix_regex.compiles(text[1:-1]):
        return f'{_quoted(text)} is not a valid POSIX extended regular expression'
    return None


def _check_match_header(value, spec):
    name, colon, text = value.partition(':')
    if not colon or not _HEADER_NAME.fullmatch(name.strip(' ')):
        return 'must be "Header-Name: value", the value literal or a /regular expression/'
    return _regex_error(text.strip(' '))


def _check_match_request_uri(value, spec):
    return _regex_error(value)


VALUE_CHECKS = {
    'bool': _check_bool,
    'uint': _check_uint,
    'int': _check_int,
    'double': _check_double,
    'enum': _check_enum,
    'list:enum': _check_enum_list,
    'codec': _check_codec,
    'sockaddr': _check_sockaddr,
    'ipaddr': _check_ipaddr,
    'acl': _check_acl,
    'list:cidr': _check_cidr_list,
    'list:host_or_cidr': _check_host_or_cidr_list,
    'keyvalue': _check_keyvalue,
    'callerid': _check_callerid,
    'tos': _check_tos,
    'timelen': _check_timelen,
    'group': _check_group,
    'list:auth': _check_auth_list,
    'list:uri': _check_uri_list,
    'digest': _check_digest,
    'codec_prefs': _check_codec_prefs,
}

_DTLS_FILE_OPTIONS = ('dtls_ca_file', 'dtls_ca_path', 'dtls_cert_file', 'dtls_private_key')

OPTION_CHECKS = {
    ('auth', 'md5_cred'): _check_md5_cred,
    ('endpoint', 'stir_shaken'): _check_stir_shaken,
    ('endpoint', 'follow_redirect_methods'): _check_redirect_methods,
    ('endpoint', 'named_call_group'): _check_named_groups,
    ('endpoint', 'named_pickup_group'): _check_named_groups,
    ('endpoint', 'codec_prefs_incoming_offer'): _check_incoming_offer_prefs,
    ('endpoint', 'from_user'): _check_from_user,
    ('endpoint', 'timers_min_se'): _at_least(90, ' (the smallest session timer RFC 4028 allows)'),
    ('endpoint', 'timers_sess_expires'): _at_least(90, ' (timers_min_se, at least 90, is its lower bound)'),
    ('endpoint', 'rtp_port_start'): _unset_or_between(1024, 65534, ', below rtp_port_end'),
    ('endpoint', 'rtp_port_end'): _unset_or_between(1025, 65535, ', above rtp_port_start'),
    **dict.fromkeys((('endpoint', name) for name in _DTLS_FILE_OPTIONS), _check_absolute_path),
    ('aor', 'qualify_frequency'): _at_most(86400),
    ('identify', 'match_header'): _check_match_header,
    ('identify', 'match_request_uri'): _check_match_request_uri,
    ('registration', 'server_uri'): _check_sip_uri,
    ('registration', 'client_uri'): _check_sip_uri,
    ('registration', 'outbound_proxy'): _check_sip_uri,
    ('registration', 'contact_user'): _check_contact_user,
    ('registration', 'contact_header_params'): _check_contact_params,
    ('registration', 'expiration'): _at_least(1),
}
