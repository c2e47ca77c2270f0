#!/usr/bin/env bash
# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Build Asterisk 22.10.1 from ../shared/asterisk with every patch of contrib/asterisk/patches applied,
# and install it into PREFIX (default /opt/asterisk-patched), the way Wazo ships its own Asterisk.
#
#   build-patched.sh [PREFIX]
#
# Nothing is done when PREFIX already holds a build of these very patches: PREFIX/.asterisk-patches
# lists their sha256 (and the source tarball's), written once the build is installed.
# Environment: SHARED_ASTERISK (default ../shared/asterisk next to the checkout), JOBS, BUILD_DIR
# (both passed to build-from-source.sh, which needs root: apt-get, install into PREFIX).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
PATCHES="$HERE/patches"
SHARED_ASTERISK="$(realpath -m "${SHARED_ASTERISK:-$HERE/../../../shared/asterisk}")"
SOURCE_DIR=asterisk-22.10.1  # what build-from-source.sh unpacks and builds
SOURCE_TARBALL=$SOURCE_DIR.tar.gz
PREFIX="$(realpath -m "${1:-/opt/asterisk-patched}")"
STAMP="$PREFIX/.asterisk-patches"

die() { echo "build-patched.sh: ERROR: $*" >&2; exit 1; }
say() { echo "build-patched.sh: $*"; }

[ $# -le 1 ] || die "usage: build-patched.sh [PREFIX]"
[ -x "$SHARED_ASTERISK/build-from-source.sh" ] || die "no build-from-source.sh in $SHARED_ASTERISK (set SHARED_ASTERISK)"
[ -f "$SHARED_ASTERISK/$SOURCE_TARBALL" ] || die "missing $SHARED_ASTERISK/$SOURCE_TARBALL"
shopt -s nullglob
patches=("$PATCHES"/*.patch)
[ ${#patches[@]} -gt 0 ] || die "no patch in $PATCHES"

# What the build is made of: the source tarball and each patch, in the order they are applied.
wanted="$(cd "$SHARED_ASTERISK" && sha256sum "$SOURCE_TARBALL"; cd "$PATCHES" && sha256sum -- "${patches[@]##*/}")"
if [ -x "$PREFIX/sbin/asterisk" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$wanted" ]; then
    say "$PREFIX already holds Asterisk built with these patches, nothing to do"
    exit 0
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# build-from-source.sh takes its sources next to itself: a copy of the shared directory whose
# source tarball is repacked with the patches applied.
SHARED_COPY="$WORK/asterisk"
mkdir -p "$SHARED_COPY"
for f in "$SHARED_ASTERISK"/*; do
    [ "$(basename "$f")" = "$SOURCE_TARBALL" ] || ln -s "$f" "$SHARED_COPY/"
done
rm -f "$SHARED_COPY/build-from-source.sh"
cp "$SHARED_ASTERISK/build-from-source.sh" "$SHARED_COPY/"  # a copy: it finds its files by its own location

say "unpacking $SOURCE_TARBALL"
tar -C "$WORK" -xzf "$SHARED_ASTERISK/$SOURCE_TARBALL"
for patch in "${patches[@]}"; do
    say "applying $(basename "$patch")"
    patch -d "$WORK/$SOURCE_DIR" -p1 --forward --batch --quiet <"$patch" || die "$(basename "$patch") does not apply"
done
tar -C "$WORK" -czf "$SHARED_COPY/$SOURCE_TARBALL" "$SOURCE_DIR"
rm -rf "${WORK:?}/$SOURCE_DIR"

# A build that fails half-way must not pass for a good one.
rm -f "$STAMP"
bash "$SHARED_COPY/build-from-source.sh" "$PREFIX"
echo "$wanted" >"$STAMP"
say "done: $PREFIX built with ${#patches[@]} patch(es)"
