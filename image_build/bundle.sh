#!/bin/bash
# Build a signed RAUC update bundle (verity format) of the Pietura root file system.
#
#   image_build/bundle.sh --rootfs DIR|EXT4 --key KEY.pem --cert CERT.pem --keyring CA.pem
#                         [--version V] [--compatible C] [--packages LIST] [--size-mib N] [--out FILE]
#
# --rootfs   the root tree build.sh leaves in out/image/work-full/rootfs (made into an ext4 image here with
#            the same mke2fs options as the disk image), or a ready ext4 image
# --key/--cert  the signing key and certificate, from a configured path: no key ships with the project
#            (image_build/devkey.sh makes a development CA + signing cert for tests)
# --keyring  the CA the image trusts; the finished bundle is checked against it with `rauc info`
# --packages the Debian package list (build.sh's manifest); made with dpkg-query from DIR when absent
#
# The manifest carries compatible, version, build (the project commit) and a [meta.pietura] section
# (commit, package list checksum); the package list itself travels in the bundle as pietura-manifest.txt.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
# shellcheck source=image_build/layout.sh
. "$HERE/layout.sh"

ROOTFS= KEY= CERT= KEYRING= PACKAGES= SIZE_MIB=
COMPATIBLE=${COMPATIBLE:-pietura-rpi-arm64}
COMMIT=$(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)
VERSION=${VERSION:-$(git -C "$REPO" log -1 --format=%cd --date=format:%Y.%m.%d.%H%M 2>/dev/null || date -u +%Y.%m.%d.%H%M)}
OUT=$REPO/out/bundle/pietura.raucb
while [ $# -gt 0 ]; do
    case "$1" in
        --rootfs) ROOTFS=$2; shift 2 ;;
        --key) KEY=$2; shift 2 ;;
        --cert) CERT=$2; shift 2 ;;
        --keyring) KEYRING=$2; shift 2 ;;
        --version) VERSION=$2; shift 2 ;;
        --compatible) COMPATIBLE=$2; shift 2 ;;
        --packages) PACKAGES=$2; shift 2 ;;
        --size-mib) SIZE_MIB=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
for need in ROOTFS KEY CERT KEYRING; do
    [ -n "${!need}" ] || { echo "bundle.sh: --$(echo "$need" | tr 'A-Z' 'a-z') is required" >&2; exit 2; }
done
for f in "$KEY" "$CERT" "$KEYRING"; do [ -r "$f" ] || { echo "bundle.sh: cannot read $f" >&2; exit 2; }; done
[ -e "$ROOTFS" ] || { echo "bundle.sh: no root file system at $ROOTFS" >&2; exit 2; }
command -v rauc >/dev/null || { echo "bundle.sh: rauc is not installed (apt-get install rauc squashfs-tools)" >&2; exit 2; }

export LC_ALL=C TZ=UTC
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$REPO" log -1 --format=%ct 2>/dev/null || echo 1767225600)}
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH
OUT=$(realpath -m "$OUT")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pietura-bundle.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/content" "$(dirname "$OUT")"

if [ -d "$ROOTFS" ]; then
    size=${SIZE_MIB:-$(root_size_mib "$ROOTFS")}
    mke2fs -q -F -t ext4 -L PIETROOT -E "lazy_itable_init=0,lazy_journal_init=0" \
        -d "$ROOTFS" "$WORK/content/rootfs.ext4" "${size}M"
    if [ -z "$PACKAGES" ] && [ -d "$ROOTFS/var/lib/dpkg" ]; then
        dpkg-query --admindir="$ROOTFS/var/lib/dpkg" -W -f '${Package} ${Version} ${Architecture}\n' | sort \
            > "$WORK/content/pietura-manifest.txt"
    fi
else
    cp --sparse=always "$ROOTFS" "$WORK/content/rootfs.ext4"
fi
if [ -n "$PACKAGES" ]; then
    cp "$PACKAGES" "$WORK/content/pietura-manifest.txt"
fi
[ -f "$WORK/content/pietura-manifest.txt" ] \
    || { echo "bundle.sh: no package list (--packages, or a root tree with /var/lib/dpkg)" >&2; exit 2; }
packages_sha=$(sha256sum "$WORK/content/pietura-manifest.txt" | cut -d' ' -f1)

cat > "$WORK/content/manifest.raucm" <<MANIFEST
[update]
compatible=$COMPATIBLE
version=$VERSION
build=$COMMIT
description=Pietura root file system $VERSION ($COMMIT)

[bundle]
format=verity

[meta.pietura]
commit=$COMMIT
packages-sha256=$packages_sha

[image.rootfs]
filename=rootfs.ext4
MANIFEST

rm -f "$OUT"
rauc bundle --cert "$CERT" --key "$KEY" "$WORK/content" "$OUT" >"$WORK/bundle.log" 2>&1 \
    || { cat "$WORK/bundle.log" >&2; exit 1; }
rauc info --keyring "$KEYRING" --output-format=shell "$OUT" >"$WORK/info.log" 2>&1 \
    || { echo "bundle.sh: the new bundle does not verify against $KEYRING" >&2; cat "$WORK/info.log" >&2; exit 1; }
echo "bundle: $OUT ($(du -h "$OUT" | cut -f1)) compatible=$COMPATIBLE version=$VERSION build=$COMMIT"
