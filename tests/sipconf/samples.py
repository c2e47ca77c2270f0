# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""sip.conf texts several test modules use."""

# The golden example of the reference (sip-conf-migration.md).
GOLDEN = '''\
[general]
udpbindaddr=0.0.0.0
register => myaccountname:1234567890@203.0.113.1:5060

[mytrunk]
type=friend
secret=1234567890
username=myaccountname
host=203.0.113.1
disallow=all
allow=ulaw
context=from-external
'''
