#!/usr/bin/env bash
# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The package's life on a Debian 12 machine, as an operator lives it, with Debian's PostgreSQL:
# install while PostgreSQL is down, dpkg-reconfigure once it runs, configure (local auth, no
# Asterisk yet), use the API, remove, reinstall, purge, reinstall. As root; it changes the machine
# (apt-get install, a PostgreSQL cluster, nginx's locations folder) and leaves it without the package.
#
#   tests/packaging/package_cycle.sh /path/to/wazo-confd-pjsip_<version>_all.deb
set -euo pipefail

DEB=$(realpath "${1:?usage: $0 path/to/wazo-confd-pjsip_<version>_all.deb}")
PACKAGE=wazo-confd-pjsip
LOCAL_CONFIG=/etc/$PACKAGE/conf.d/50-package-cycle.yml
NGINX_LINK=/etc/nginx/locations/https-enabled/$PACKAGE
URL=http://127.0.0.1:9487/1.1
OUT=$(mktemp)
SERVICE_PID=
INSTALLED=  # set once this script installed the package: only then does it clean up after itself

export DEBIAN_FRONTEND=noninteractive
step() { echo "== $*"; }
fail() {
    echo "FAIL: $*" >&2
    echo "--- last output:" >&2
    cat "$OUT" >&2
    echo "--- the service's user and folder:" >&2
    id "$PACKAGE" >&2 || true
    ls -la "/var/lib/$PACKAGE" >&2 || true
    exit 1
}
said() { grep -qF -- "$1" "$OUT" || fail "not said: $1"; }
cleanup() {
    if [ -n "$INSTALLED" ]; then
        stop_service
        rm -f "$LOCAL_CONFIG"
        postgresql start >/dev/null 2>&1 || true  # so that the purge drops the database it made
        if dpkg -s "$PACKAGE" >/dev/null 2>&1; then apt-get purge -y -qq "$PACKAGE" >/dev/null 2>&1 || true; fi
        postgresql stop >/dev/null 2>&1 || true
    fi
    rm -f "$OUT"
}
trap cleanup EXIT

database_exists() {
    [ -n "$(runuser -u postgres -- psql -XqAt -c "SELECT 1 FROM pg_database WHERE datname = 'wazo_confd_pjsip'")" ]
}
postgresql() { (cd / && pg_ctlcluster "$PG_VERSION" main "$1"); }

start_service() {
    # No systemd here: the unit's command, as its user.
    (cd / && exec runuser -u "$PACKAGE" -- "$PACKAGE") >>"$OUT" 2>&1 &
    SERVICE_PID=$!
    for _ in $(seq 100); do
        TOKEN=$(python3 -c "import yaml; print(yaml.safe_load(open('/var/lib/$PACKAGE/tokens.yml'))['tokens'][0]['token'])" 2>/dev/null) \
            && curl -fs -H "X-Auth-Token: $TOKEN" "$URL/status" >/dev/null && return
        sleep 0.3
    done
    fail 'the service did not answer /1.1/status'
}
stop_service() {
    if [ -n "$SERVICE_PID" ]; then
        pkill -TERM -u "$PACKAGE" -f "bin/$PACKAGE" || true
        wait "$SERVICE_PID" 2>/dev/null || true
        SERVICE_PID=
    fi
}
api() { curl -s -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' "$@"; }
endpoint_names() { api "$URL/endpoints/sip?recurse=true" | python3 -c 'import json,sys; print(" ".join(sorted(i["name"] for i in json.load(sys.stdin)["items"])))'; }

step 'Debian 12 PostgreSQL and nginx (with the Wazo layout of its locations)'
apt-get update -qq
apt-get install -y -qq postgresql nginx curl >/dev/null
PG_VERSION=$(ls /etc/postgresql | sort -V | tail -1)
mkdir -p /etc/nginx/locations/https-enabled
postgresql start || true
# A machine that already has the package, or its database, is not one to run this on.
if dpkg -s "$PACKAGE" >/dev/null 2>&1 || database_exists || [ -e "/var/lib/$PACKAGE" ]; then
    echo "SKIP: $PACKAGE, its database or /var/lib/$PACKAGE is already here" >&2
    exit 3
fi
postgresql stop

step 'install while PostgreSQL is down: postinst says what to do'
INSTALLED=yes
apt-get install -y -qq "$DEB" >"$OUT" 2>&1 || fail 'apt-get install failed'
said 'no local PostgreSQL is running, so its database was not set up'
said "runuser -u postgres -- createdb --owner=$PACKAGE --encoding=UTF8 --template=template0 wazo_confd_pjsip"
said "dpkg-reconfigure $PACKAGE"
said 'auth: {backend: local}'
[ -L "$NGINX_LINK" ] || fail 'the nginx location is not enabled'

step 'PostgreSQL up: dpkg-reconfigure creates the database'
postgresql start
dpkg-reconfigure "$PACKAGE" >"$OUT" 2>&1 || fail 'dpkg-reconfigure failed'
database_exists || fail 'no database after dpkg-reconfigure'

step 'configure: local auth, an engine declared without Asterisk; use the API'
printf 'auth: {backend: local}\nasterisk: {engines: {default: {ari: {url: null}, pjsip_conf_file: null}}}\n' >"$LOCAL_CONFIG"
: >"$OUT"
start_service
status=$(api -o /dev/null -w '%{http_code}' -X POST "$URL/endpoints/sip" -d '{"name": "cycle-1"}')
[ "$status" = 201 ] || fail "creating an endpoint answered $status"
[ "$(endpoint_names)" = cycle-1 ] || fail "endpoints: $(endpoint_names)"
api "$URL/asterisk/pjsip/sync" | grep -q '"pending_changes": *[1-9]' || fail 'the change does not wait for the engine'
stop_service
if grep -q 'Traceback' /var/log/$PACKAGE.log; then fail 'the service logged a traceback'; fi

step 'remove: the nginx location goes, the data stays'
apt-get remove -y -qq "$PACKAGE" >"$OUT" 2>&1 || fail 'apt-get remove failed'
said 'removed; its configuration, database and tokens are kept'
[ ! -e "$NGINX_LINK" ] || fail 'the nginx location is still enabled after remove'
database_exists || fail 'remove dropped the database'

step 'reinstall after remove: the location again, the endpoint still there'
apt-get install -y -qq "$DEB" >"$OUT" 2>&1 || fail 'reinstall failed'
[ -L "$NGINX_LINK" ] || fail 'the nginx location is not enabled again'
start_service
[ "$(endpoint_names)" = cycle-1 ] || fail "after reinstall, endpoints: $(endpoint_names)"
stop_service

step 'purge: the database the package created goes too, and it says so'
apt-get purge -y -qq "$PACKAGE" >"$OUT" 2>&1 || fail 'apt-get purge failed'
said 'purged, with its database wazo_confd_pjsip and role wazo-confd-pjsip'
if database_exists; then fail 'purge kept the database it created'; fi
[ ! -e "/var/lib/$PACKAGE" ] || fail "purge kept /var/lib/$PACKAGE"
[ ! -e "$NGINX_LINK" ] || fail 'purge kept the nginx location'

step 'reinstall after purge: a fresh start, the old name free again'
apt-get install -y -qq "$DEB" >"$OUT" 2>&1 || fail 'install after purge failed'
database_exists || fail 'no database after the install that follows a purge'
start_service
[ -z "$(endpoint_names)" ] || fail "endpoints after purge and reinstall: $(endpoint_names)"
status=$(api -o /dev/null -w '%{http_code}' -X POST "$URL/endpoints/sip" -d '{"name": "cycle-1"}')
[ "$status" = 201 ] || fail "the old name is still taken ($status)"
stop_service

apt-get purge -y -qq "$PACKAGE" >"$OUT" 2>&1 || fail 'the last purge failed'
if database_exists; then fail 'the last purge kept the database'; fi
postgresql stop
step 'the package cycle passed'
