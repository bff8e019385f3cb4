#!/bin/bash
# host-setup.sh: the build host's tools for `make image` / `make image-check` (Debian 12 or 13, amd64 or
# arm64). As root it installs what is missing and registers qemu-user for arm64; otherwise it says what to do.
set -euo pipefail
TOOLS="mmdebstrap arch-test qemu-user-static binfmt-support mtools dosfstools fdisk e2fsprogs xz-utils debian-archive-keyring
 u-boot-tools openssl"
missing=$(for p in $TOOLS; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"; done)
if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "Missing build tools. Run as root: apt-get install -y $missing" >&2
        exit 1
    fi
    echo "installing build tools:" $missing
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
if [ "$(uname -m)" != aarch64 ]; then
    if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
        [ "$(id -u)" = 0 ] || { echo "binfmt_misc not mounted; as root: mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc" >&2; exit 1; }
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    fi
    if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
        [ "$(id -u)" = 0 ] || { echo "qemu-aarch64 binfmt not registered; as root: update-binfmts --enable qemu-aarch64" >&2; exit 1; }
        update-binfmts --enable qemu-aarch64
    fi
fi
echo "host ready: $(mmdebstrap --version), qemu-aarch64 $(cat /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null | head -1 || echo native)"
