#!/bin/bash
# Makes a working CRIU available for snapshot cold starts. Idempotent, and needs no network once
# installed.
#
# The system's criu is used when `criu check` passes. Otherwise (missing, or too old for this
# kernel: Debian 12's criu 3.17 fails on kernels that add a [vvar_vclock] mapping), CRIU 4.x and
# the shared libraries it needs are fetched from Debian 13 with a private apt source list and
# state folder, unpacked with `dpkg -x` into a project-local prefix (default .tools/criu), and run
# through that prefix's own dynamic loader. The system's libc, packages and apt configuration are
# never changed.
#
#   install-criu.sh            install when needed; prints the criu command line on stdout
#   install-criu.sh --check    only report (exit 0 when a working criu is found, 1 otherwise)
#
# Environment: FGS_CRIU_PREFIX (default <repo>/.tools/criu), FGS_CRIU_MIRROR
# (default http://deb.debian.org/debian), FGS_CRIU_SUITE (default trixie).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
prefix="${FGS_CRIU_PREFIX:-$root/.tools/criu}"
mirror="${FGS_CRIU_MIRROR:-http://deb.debian.org/debian}"
suite="${FGS_CRIU_SUITE:-trixie}"
mode="${1:-install}"

arch_triplet=x86_64-linux-gnu
loader="$prefix/usr/lib/$arch_triplet/ld-linux-x86-64.so.2"
libdir="$prefix/usr/lib/$arch_triplet"
local_criu() { "$loader" --library-path "$libdir" "$prefix/usr/sbin/criu" "$@"; }

say() { echo "install-criu: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  say "not root: CRIU needs root (or CAP_CHECKPOINT_RESTORE and more); snapshots stay off"
  exit 0
fi

if command -v criu > /dev/null 2>&1 && criu check > /dev/null 2>&1; then
  say "system criu works: $(criu --version 2>/dev/null | head -1)"
  command -v criu
  exit 0
fi

if [ -x "$loader" ] && [ -e "$prefix/usr/sbin/criu" ] && local_criu check > /dev/null 2>&1; then
  say "local criu works: $(local_criu --version 2>/dev/null | head -1)"
  echo "$loader --library-path $libdir $prefix/usr/sbin/criu"
  exit 0
fi

if [ "$mode" = --check ]; then
  say "no working criu (system or $prefix)"
  exit 1
fi

case "$(uname -m)" in
  x86_64) ;;
  *) say "only x86_64 is supported by this installer; snapshots stay off"; exit 0 ;;
esac

packages=(criu libcompel1 libc6 libgnutls30t64 libnftables1 libnl-3-200 libprotobuf-c1 libnet1
  libbsd0 libuuid1 libunistring5 libidn2-0 libp11-kit0 libtasn1-6 libnettle8t64 libhogweed6t64
  libgmp10 libjansson4 libmnl0 libnftnl11 libxtables12 libmd0 libffi8)

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -e "$keyring" ] || { say "missing $keyring (package debian-archive-keyring)"; exit 1; }

work="$prefix.download"
rm -rf "$work"
mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/etc"
echo "deb [signed-by=$keyring] $mirror $suite main" > "$work/etc/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$work/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "Dir::State::status=/dev/null"
  -o Debug::NoLocking=1 -o APT::Sandbox::User=root -o APT::Architecture=amd64 -o APT::Architectures::=amd64)

say "fetching CRIU from Debian $suite into $prefix"
apt-get "${apt_opts[@]}" update -qq
(cd "$work/archives" && apt-get "${apt_opts[@]}" download "${packages[@]}" > /dev/null)

staging="$prefix.staging"
rm -rf "$staging"
mkdir -p "$staging"
for deb in "$work"/archives/*.deb; do dpkg -x "$deb" "$staging"; done
# The loader lives under /usr/lib in merged-/usr packages, under /lib in older ones.
if [ ! -e "$staging/usr/lib/$arch_triplet/ld-linux-x86-64.so.2" ] && [ -e "$staging/lib/$arch_triplet/ld-linux-x86-64.so.2" ]; then
  cp -a "$staging/lib/$arch_triplet/." "$staging/usr/lib/$arch_triplet/"
fi
rm -rf "$prefix"
mv "$staging" "$prefix"
rm -rf "$work"

if local_criu check > /dev/null 2>&1; then
  say "local criu works: $(local_criu --version 2>/dev/null | head -1)"
  echo "$loader --library-path $libdir $prefix/usr/sbin/criu"
else
  say "installed, but 'criu check' fails here; snapshots stay off:"
  local_criu check >&2 || true
fi
