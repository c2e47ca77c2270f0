# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""chan_sip peer keys -> PJSIP section options (sections as in wazo_confd_pjsip.sections).

Two kinds of keys:
- line keys map one line to options on their own (the same in a template, a peer or [general]),
  so they stay where they are written and templates keep them;
- peer keys (host, secret, type...) only mean something together and with the peer's name: they
  are evaluated on each peer's lines after chan_sip inheritance and land in the peer's own sections.
Links between one endpoint's objects (endpoint aors/auth/outbound_auth, identify endpoint) are not
options here: they follow from which sections exist, as in the REST API.

A mapping that can override an inherited value writes every option it governs ('nat = no' writes
rtp_symmetric, rewrite_contact and force_rport = no), so a peer can undo its template or [general].
"""
from .addresses import is_port, proxy_uri, sip_uri, split_hostport
from .values import is_false, is_true, words

_RENAMES = {
    **{
        key: ('endpoint', key)
        for key in (
            'context',
            'callerid',
            'language',
            'send_diversion',
            'tos_audio',
            'tos_video',
            'cos_audio',
            'cos_video',
            'rtp_engine',
            'allow',
            'disallow',
            'permit',
            'deny',
            'acl',
            'preferred_codec_only',
        )
    },
    'rtptimeout': ('endpoint', 'rtp_timeout'),
    'rtpholdtimeout': ('endpoint', 'rtp_timeout_hold'),
    'accountcode': ('endpoint', 'accountcode'),
    'rtpkeepalive': ('endpoint', 'rtp_keepalive'),
    'g726nonstandard': ('endpoint', 'g726_non_standard'),
    'usereqphone': ('endpoint', 'user_eq_phone'),
    't38pt_usertpsource': ('endpoint', 't38_udptl_nat'),
    'vmexten': ('endpoint', 'voicemail_extension'),
    'icesupport': ('endpoint', 'ice_support'),
    'autoframing': ('endpoint', 'use_ptime'),
    'mohsuggest': ('endpoint', 'moh_suggest'),
    'session-minse': ('endpoint', 'timers_min_se'),
    'session-expires': ('endpoint', 'timers_sess_expires'),
    'callingpres': ('endpoint', 'callerid_privacy'),
    'cid_tag': ('endpoint', 'callerid_tag'),
    'trustrpid': ('endpoint', 'trust_id_inbound'),
    'avpf': ('endpoint', 'use_avpf'),
    'callgroup': ('endpoint', 'call_group'),
    'pickupgroup': ('endpoint', 'pickup_group'),
    'namedcallgroup': ('endpoint', 'named_call_group'),
    'namedpickupgroup': ('endpoint', 'named_pickup_group'),
    'allowtransfer': ('endpoint', 'allow_transfer'),
    'fromuser': ('endpoint', 'from_user'),
    'fromdomain': ('endpoint', 'from_domain'),
    'mwifrom': ('endpoint', 'mwi_from_user'),
    'sdpowner': ('endpoint', 'sdp_owner'),
    'sdpsession': ('endpoint', 'sdp_session'),
    'tonezone': ('endpoint', 'tone_zone'),
    'allowsubscribe': ('endpoint', 'allow_subscribe'),
    'subscribecontext': ('endpoint', 'subscribe_context'),
    'subminexpiry': ('endpoint', 'sub_min_expiry'),
    'busylevel': ('endpoint', 'device_state_busy_at'),
    'dtlsverify': ('endpoint', 'dtls_verify'),
    'dtlsrekey': ('endpoint', 'dtls_rekey'),
    'dtlscertfile': ('endpoint', 'dtls_cert_file'),
    'dtlsprivatekey': ('endpoint', 'dtls_private_key'),
    'dtlscipher': ('endpoint', 'dtls_cipher'),
    'dtlscafile': ('endpoint', 'dtls_ca_file'),
    'dtlscapath': ('endpoint', 'dtls_ca_path'),
    'dtlssetup': ('endpoint', 'dtls_setup'),
    'setvar': ('endpoint', 'set_var'),
    'contactpermit': ('endpoint', 'contact_permit'),
    'contactdeny': ('endpoint', 'contact_deny'),
    'contactacl': ('endpoint', 'contact_acl'),
    'qualifyfreq': ('aor', 'qualify_frequency'),
    'maxexpiry': ('aor', 'maximum_expiration'),
    'minexpiry': ('aor', 'minimum_expiration'),
    'defaultexpiry': ('aor', 'default_expiration'),
}

# chan_sip keys that are other names of the same setting.
_ALIASES = {'canreinvite': 'directmedia', 'username': 'defaultuser'}

_DTMF_MODES = {'rfc2833': 'rfc4733', 'inband': 'inband', 'info': 'info', 'auto': 'auto'}
_NAT_WORDS = {'yes', 'no', 'force_rport', 'comedia', 'auto_force_rport', 'auto_comedia'}
_T38_ERROR_CORRECTIONS = {'none', 'fec', 'redundancy'}

PEER_KEYS = frozenset(
    {
        'type',
        'host',
        'defaultip',
        'port',
        'defaultuser',
        'secret',
        'md5secret',
        'insecure',
        'mailbox',
        'subscribemwi',
        'encryption',
        'dtlsenable',
        'qualify',
    }
)
PEER_TYPES = ('friend', 'peer', 'user')

# Keys that describe one peer: chan_sip never takes them from [general] as defaults ([general]
# callerid is the caller id of calls from unknown peers, not every peer's).
NOT_GENERAL_DEFAULTS = frozenset(
    {
        'type',
        'host',
        'defaultip',
        'port',
        'defaultuser',
        'secret',
        'md5secret',
        'mailbox',
        'setvar',
        'callerid',
        'permit',
        'deny',
        'acl',
        'contactpermit',
        'contactdeny',
        'contactacl',
    }
)


def canonical_key(key):
    key = key.lower()
    return _ALIASES.get(key, key)


def _dtmf_mode(value, warn):
    mode = _DTMF_MODES.get(value.strip().lower())
    if mode is None:
        warn(f"dtmfmode '{value}' has no PJSIP equivalent: dtmf_mode = none")
        return [('endpoint', 'dtmf_mode', 'none')]
    return [('endpoint', 'dtmf_mode', mode)]


def _nat(value, warn):
    given = set(words(value))
    unknown = given - _NAT_WORDS
    if unknown:
        warn(f"nat values {sorted(unknown)} are not understood and ignored")
    # PJSIP cannot detect NAT per call: the auto_ variants become the forced behaviour.
    symmetric = given & {'yes', 'comedia', 'auto_comedia'}
    rport = given & {'yes', 'force_rport', 'auto_force_rport'}
    return [
        ('endpoint', 'rtp_symmetric', _yes_no(symmetric)),
        ('endpoint', 'force_rport', _yes_no(rport)),
        ('endpoint', 'rewrite_contact', _yes_no(rport)),
    ]


def _direct_media(value, warn):
    given = set(words(value))
    # Every chan_sip value but a false one enables direct media; 'nonat' is a word, not 'no'.
    enabled = not any(is_false(word) for word in given)
    return [
        ('endpoint', 'direct_media', _yes_no(enabled)),
        ('endpoint', 'direct_media_method', 'update' if 'update' in given else 'invite'),
        ('endpoint', 'direct_media_glare_mitigation', 'outgoing' if 'outgoing' in given else 'none'),
        ('endpoint', 'disable_direct_media_on_nat', _yes_no('nonat' in given)),
    ]


def _session_timers(value, warn):
    timers = {'originate': 'always', 'refuse': 'no'}.get(value.strip().lower(), 'yes')
    return [('endpoint', 'timers', timers)]


def _send_rpid(value, warn):
    given = set(words(value))
    return [
        ('endpoint', 'send_rpid', _yes_no('rpid' in given or any(is_true(word) for word in given))),
        ('endpoint', 'send_pai', _yes_no('pai' in given)),
    ]


def _recording_feature(pjsip_key):
    def rule(value, warn):
        return [('endpoint', pjsip_key, value), ('endpoint', 'one_touch_recording', 'yes')]

    return rule


def _progress_in_band(value, warn):
    return [('endpoint', 'inband_progress', 'no' if value.strip().lower() == 'never' else value)]


def _encryption_tag_length(value, warn):
    return [('endpoint', 'srtp_tag_32', _yes_no(value.strip() == '32'))]


def _t38(value, warn):
    given = words(value)
    error_correction = 'none'
    datagram = []
    for word in given:
        if word in _T38_ERROR_CORRECTIONS:
            error_correction = word
        elif word.startswith('maxdatagram='):
            datagram = [('endpoint', 't38_udptl_maxdatagram', word.partition('=')[2])]
        elif not (is_true(word) or is_false(word)):
            warn(f"t38pt_udptl value '{word}' is not understood and ignored")
    # chan_sip enables T.38 with 'yes' or an error correction word; only a false word disables it.
    enabled = not any(is_false(word) for word in given)
    return [
        ('endpoint', 't38_udptl', _yes_no(enabled)),
        ('endpoint', 't38_udptl_ec', error_correction),
    ] + datagram


def outbound_proxy(value, warn):
    try:
        return proxy_uri(value)
    except ValueError as e:
        warn(f'outboundproxy kept as written: {e}')
        return value


def _yes_no(condition):
    return 'yes' if condition else 'no'


def _renamed(section, key):
    return lambda value, warn: [(section, key, value)]


LINE_RULES = {
    **{key: _renamed(*target) for key, target in _RENAMES.items()},
    'dtmfmode': _dtmf_mode,
    'nat': _nat,
    'directmedia': _direct_media,
    'session-timers': _session_timers,
    'sendrpid': _send_rpid,
    'recordonfeature': _recording_feature('record_on_feature'),
    'recordofffeature': _recording_feature('record_off_feature'),
    'progressinband': _progress_in_band,
    'encryption_taglen': _encryption_tag_length,
    't38pt_udptl': _t38,
    'outboundproxy': lambda value, warn: [('endpoint', 'outbound_proxy', outbound_proxy(value, warn))],
}


_GENERAL_DEFAULT_KEYS = (LINE_RULES.keys() | PEER_KEYS) - NOT_GENERAL_DEFAULTS


def general_defaults(general_lines):
    """The [general] lines chan_sip applies to every peer before the peer's own lines."""
    return [line for line in general_lines if canonical_key(line.key) in _GENERAL_DEFAULT_KEYS]


def line_options(lines, on_warning=None):
    """(options, positions of the lines mapped) for the line keys among lines, in order."""
    options = []
    mapped = set()
    for line in lines:
        rule = LINE_RULES.get(canonical_key(line.key))
        if rule is None or not line.value:  # PJSIP has no empty values: its default applies
            continue
        options.extend(rule(line.value, lambda message, line=line: _warn(on_warning, line, message)))
        mapped.add(line.position)
    return options, mapped


def peer_type(lines):
    """'friend', 'peer' or 'user' as chan_sip reads it (last line wins), else None."""
    kind = _last_lines(lines).get('type')
    value = kind.value.strip().lower() if kind else None
    return value if value in PEER_TYPES else None


def peer_address(lines):
    """(host, port, user) of a peer with a valid static host, else None."""
    last = _last_lines(lines)
    try:
        return _static_address(lambda key: last[key].value.strip() if key in last else None)
    except ValueError:
        return None


def peer_options(name, lines, on_warning=None):
    """(options, positions of the lines used) for the peer keys of one peer's inherited lines."""
    last = _last_lines(lines)
    used = set()

    def value(key):
        line = last.get(key)
        if line is None:
            return None
        used.add(line.position)
        return line.value.strip()

    try:
        address = _static_address(value)
    except ValueError as e:
        _warn(on_warning, last['host'], f'{e}: no contact')
        address = None
    dynamic = (value('host') or '').lower() == 'dynamic'
    calls_out = (value('type') or '').lower() in ('friend', 'peer')

    options = []
    if dynamic:
        options.append(('aor', 'max_contacts', '1'))
    if address:
        options.append(('aor', 'contact', sip_uri(*address)))
    if calls_out and address:
        options.append(('identify', 'match', address[0]))
    elif calls_out and dynamic and value('defaultip'):
        options.append(('identify', 'match', value('defaultip')))
    options += _auth_options(
        name, value, calls_out and address is not None, lambda message: _warn(on_warning, last['insecure'], message)
    )
    if dynamic or address:
        frequency_given = any(canonical_key(line.key) == 'qualifyfreq' for line in lines)
        options += _qualify(
            value('qualify'), frequency_given, lambda message: _warn(on_warning, last['qualify'], message)
        )
    mailbox = value('mailbox')
    if mailbox:
        options.append(('aor' if is_true(value('subscribemwi')) else 'endpoint', 'mailboxes', mailbox))
    encryption, dtls = value('encryption'), value('dtlsenable')
    if is_true(dtls) or is_true(encryption):
        options.append(('endpoint', 'media_encryption', 'dtls' if is_true(dtls) else 'sdes'))
    return options, used


def _static_address(value):
    host = value('host')
    if not host or host.lower() == 'dynamic':
        return None
    address, host_port = split_hostport(host)
    port = value('port')
    if port and not is_port(port):
        raise ValueError(f"invalid port '{port}'")
    return address, port or host_port, value('defaultuser') or None


# chan_sip's qualifyfreq when qualify is on and no qualifyfreq is given (seconds).
DEFAULT_QUALIFY_FREQUENCY = '60'


def _qualify(qualify, frequency_given, warn):
    """chan_sip qualify=yes|<max ms>|no: PJSIP qualifies a contact only when qualify_frequency > 0."""
    if not qualify:
        return []
    if is_false(qualify) or qualify == '0':
        return [('aor', 'qualify_frequency', '0')]
    if not (is_true(qualify) or qualify.isdigit()):
        warn(f"qualify '{qualify}' is not understood and ignored")
        return []
    options = [] if frequency_given else [('aor', 'qualify_frequency', DEFAULT_QUALIFY_FREQUENCY)]
    if qualify.isdigit():  # the round trip (ms) beyond which chan_sip called the peer unreachable
        options.append(('aor', 'qualify_timeout', f'{int(qualify) / 1000:g}'))
    return options


def _auth_options(name, value, calls_out_to_static_host, warn_insecure):
    secret, md5secret, insecure = value('secret'), value('md5secret'), value('insecure')
    if not secret and not md5secret:
        return []
    credentials = [('password', secret)] if secret else []
    if md5secret:
        credentials += [('auth_type', 'md5'), ('md5_cred', md5secret)]
    options = []
    unchallenged_invites = bool(set(words(insecure or '')) & {'invite', 'very'})
    # insecure=invite: chan_sip did not challenge the peer's calls. PJSIP can drop the inbound auth
    # only where its identify matches the calls by the static host; chan_sip still challenged a
    # dynamic peer's REGISTER, so dropping its auth would open it to anyone.
    if unchallenged_invites and calls_out_to_static_host:
        warn_insecure(f"insecure={insecure}: no inbound auth for '{name}', its calls are matched by address only")
    else:
        if unchallenged_invites:
            warn_insecure(
                f"insecure={insecure}: '{name}' has no static host, so its inbound auth is kept:"
                " PJSIP will now challenge its INVITEs"
            )
        options += [('auth', 'username', name)] + [('auth', *option) for option in credentials]
    # Outbound auth only for peers Asterisk calls out to: a static host, as a peer or friend.
    if calls_out_to_static_host:
        username = value('defaultuser') or name
        options += [('outbound_auth', 'username', username)] + [('outbound_auth', *option) for option in credentials]
    return options


def _last_lines(lines):
    last = {}
    for line in lines:
        key = canonical_key(line.key)
        if key in PEER_KEYS:
            last[key] = line
    return last


def _warn(on_warning, line, message):
    if on_warning:
        on_warning(line, message)
