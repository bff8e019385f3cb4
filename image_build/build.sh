#!/bin/bash
# Build the Pietura SD-card image (Raspberry Pi 3/4/CM4, arm64) from Debian's archive only.
#
#   image_build/build.sh [--profile full|check] [--out DIR]
#
# full  = bootable image (kernel, firmware, initramfs; slow under qemu-user)
# check = the same pipeline without kernel/firmware/initramfs, for CI's image check
#
# Steps: wheels → mmdebstrap (arm64 via qemu-user for maintainer scripts) → customize (units, rules,
# user, config) → split /boot/firmware → mkfs.fat + mcopy / mke2fs -d → sfdisk on a plain file → dd →
# xz + SHA256SUMS + manifest. No loop devices, no mounts. Needs root (mke2fs -d must see real owners).
#
# UPDATE_KEYRING=FILE: the CA certificate update bundles must be signed under (/etc/rauc/keyring.pem);
# required for the full profile, a development CA is made for the check profile when unset.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
PROFILE=check
OUT=$REPO/out/image
SUITE=${SUITE:-trixie}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
while [ $# -gt 0 ]; do
    case "$1" in
        --profile) PROFILE=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
OUT=$(realpath -m "$OUT")  # steps cd into work folders: a relative --out would break them
case "$PROFILE" in full|check) ;; *) echo "--profile full|check" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "build.sh needs root (mke2fs -d keeps file owners); run: sudo make image" >&2; exit 1; }

# shellcheck source=image_build/packages.sh
. "$HERE/packages.sh"
# shellcheck source=image_build/layout.sh
. "$HERE/layout.sh"

export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$REPO" log -1 --format=%ct 2>/dev/null || echo 1767225600)}
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH
export LC_ALL=C TZ=UTC
PY=${PY:-$REPO/.venv/bin/python}
[ -x "$PY" ] || PY=python3
NAME=pietura-$PROFILE
WORK=$OUT/work-$PROFILE
START=$(date +%s)
step() { printf '[%4ds] (%s/8) %s\n' $(( $(date +%s) - START )) "$1" "$2"; }

rm -rf "$WORK"
mkdir -p "$WORK/wheels" "$WORK/staging" "$OUT"

# The keyring update bundles must be signed under (/etc/rauc/keyring.pem): a configured file only. The CI
# check profile, when none is given, gets a development CA made for this build (devkey.sh); its private
# key stays in the work folder, and such an image never leaves CI.
if [ -z "${UPDATE_KEYRING:-}" ]; then
    if [ "$PROFILE" = full ]; then
        echo "build.sh --profile full needs UPDATE_KEYRING=<CA certificate bundles are signed under>" >&2
        echo "  (a lab build: image_build/devkey.sh out/devkeys; UPDATE_KEYRING=out/devkeys/ca.pem)" >&2
        exit 2
    fi
    "$HERE/devkey.sh" "$WORK/devkeys" "Pietura image check" >/dev/null
    UPDATE_KEYRING=$WORK/devkeys/ca.pem
    keyring_note="development CA made for this check build"
else
    keyring_note="$(openssl x509 -in "$UPDATE_KEYRING" -noout -subject 2>/dev/null | sed 's/^subject=//')"
fi
openssl x509 -in "$UPDATE_KEYRING" -noout >/dev/null || { echo "UPDATE_KEYRING $UPDATE_KEYRING is not a PEM certificate" >&2; exit 2; }

step 1 "wheels: the project and pinned PyPI-only dependencies"
rm -rf "$REPO/build"  # setuptools never prunes build/lib: a moved module would ship from a stale copy
"$PY" -m pip wheel -q --no-deps --no-build-isolation -w "$WORK/wheels" "$REPO" >"$WORK/wheel.log" 2>&1 \
    || { cat "$WORK/wheel.log" >&2; exit 1; }
"$PY" -m pip download -q --no-deps --only-binary=:all: --require-hashes --python-version 3.13 \
    --platform manylinux2014_aarch64 --implementation cp -d "$WORK/wheels" -r "$HERE/wheels.txt" 2>/dev/null
"$PY" "$HERE/stage.py" --wheels "$WORK/wheels" --repo "$REPO" --staging "$WORK/staging"
# A/B updates: RAUC's system configuration, the keyring and U-Boot's environment location for fw_setenv
install -D -m 0644 "$HERE/rauc/system.conf" "$WORK/staging/etc/rauc/system.conf"
install -D -m 0644 "$UPDATE_KEYRING" "$WORK/staging/etc/rauc/keyring.pem"
install -D -m 0644 "$HERE/rauc/fw_env.config" "$WORK/staging/etc/fw_env.config"

step 2 "mmdebstrap $SUITE arm64 ($PROFILE profile)"
packages=$PACKAGES_COMMON
# openssh-server's postinst would generate host keys (slow under qemu, and they must not ship anyway):
# placeholders make it skip; customize.sh deletes them.
hooks=(--essential-hook='mkdir -p "$1/etc/ssh" && for t in rsa ecdsa ed25519; do : > "$1/etc/ssh/ssh_host_${t}_key"; done')
if [ "$PROFILE" = full ]; then
    packages="$packages $PACKAGES_UI $PACKAGES_CALL $PACKAGES_FULL"
else
    # check profile: skip byte-compiling, hwdb and CA links under qemu (minutes; not needed to inspect)
    hooks+=(--essential-hook="\"$HERE/check-diversions.sh\" \"\$1\" divert")
fi
include=$(echo $packages | tr ' ' ',')
mmdebstrap --mode=root --variant=minbase --architectures=arm64 --components=main,non-free-firmware \
    --include="$include" \
    --dpkgopt=force-unsafe-io --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/lv/*' \
    "${hooks[@]}" \
    --customize-hook="\"$HERE/customize.sh\" \"\$1\" \"$WORK/staging\" \"$PROFILE\"" \
    --quiet "$SUITE" "$WORK/rootfs" "$MIRROR"
ROOT=$WORK/rootfs

step 3 "manifest of packages and wheels"
{
    echo "# pietura image manifest: profile=$PROFILE suite=$SUITE SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"
    echo "# layout: boot=${BOOT_MIB}MiB root_a=root_b data=${DATA_MIB}MiB root_uuid=$ROOT_UUID data_uuid=$DATA_UUID fat_id=$FAT_ID"
    echo "# update keyring: $keyring_note"
    echo "## debian packages"
    dpkg-query --admindir="$ROOT/var/lib/dpkg" -W -f '${Package} ${Version} ${Architecture}\n' | sort
    echo "## wheels"
    (cd "$WORK/wheels" && sha256sum ./*.whl | sed 's#  \./#  #' | grep -v '^[0-9a-f]*  pietura-' || true)
    echo "## project"
    echo "pietura $(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)"
} > "$WORK/manifest.txt"

step 4 "boot partition contents (firmware, U-Boot, boot.scr) and the slot's own kernel"
# FAT: the Pi firmware and its device trees, U-Boot, boot.scr, config.txt and the provisioning files;
# U-Boot writes uboot.env there at its first boot (a file made here would replace U-Boot's whole default
# environment). The kernel, initramfs and device trees stay in the root slot, so an update replaces them
# together with the system (docs/updates.md).
mkdir -p "$WORK/bootfs" "$ROOT/boot/firmware"
cp -a "$ROOT/boot/firmware/." "$WORK/bootfs/" 2>/dev/null || true
find "$ROOT/boot/firmware" -mindepth 1 -delete
rm -f "$WORK/bootfs"/vmlinuz* "$WORK/bootfs"/initrd.img*  # raspi-firmware's copies: U-Boot loads the slot's
kver=$(ls "$ROOT/boot" | sed -n 's/^vmlinuz-//p' | sort -V | tail -1)
if [ -n "$kver" ]; then
    # fixed names boot.scr loads (relative links: U-Boot's ext4 reader follows them)
    ln -sfn "vmlinuz-$kver" "$ROOT/boot/vmlinuz"
    ln -sfn "initrd.img-$kver" "$ROOT/boot/initrd.img"
    ln -sfn "../usr/lib/linux-image-$kver" "$ROOT/boot/dtbs"
    [ -f "$ROOT/boot/initrd.img-$kver" ] && [ -d "$ROOT/usr/lib/linux-image-$kver" ] \
        || { echo "kernel $kver lacks its initramfs or device trees in the root tree" >&2; exit 1; }
    cp "$ROOT/usr/lib/u-boot/rpi_arm64/u-boot.bin" "$WORK/bootfs/u-boot.bin"
fi
cp "$HERE/boot/config.txt" "$HERE/boot/cmdline.txt" "$HERE/boot/kiosk.toml" "$WORK/bootfs/"
mkimage -A arm64 -O linux -T script -C none -n "Pietura A/B boot" -d "$HERE/boot/boot.cmd" "$WORK/bootfs/boot.scr" >/dev/null
cp "$WORK/manifest.txt" "$WORK/bootfs/pietura-manifest.txt"

step 5 "data partition skeleton"
"$HERE/datafs.sh" "$ROOT" "$WORK/datafs"
# everything newer than SOURCE_DATE_EPOCH (maintainer scripts, our files) gets that time
for tree in "$ROOT" "$WORK/bootfs" "$WORK/datafs"; do
    find "$tree" -newermt "@$SOURCE_DATE_EPOCH" -print0 | xargs -0r touch --no-dereference --date="@$SOURCE_DATE_EPOCH"
done

step 6 "file systems (mkfs.fat, mke2fs -d)"
root_mib=$(root_size_mib "$ROOT")
rm -f "$WORK/boot.img" "$WORK/root.img" "$WORK/data.img"
mkfs.fat -F 32 -n RASPIFIRM -i "$FAT_ID" --invariant -C "$WORK/boot.img" $((BOOT_MIB * 1024)) >/dev/null
(cd "$WORK/bootfs" && MTOOLS_SKIP_CHECK=1 mcopy -s -m -Q -i "$WORK/boot.img" ./* ::)
mke2fs -q -F -t ext4 -L PIETROOTA -U "$ROOT_UUID" -E "hash_seed=$ROOT_UUID,lazy_itable_init=0,lazy_journal_init=0" \
    -d "$ROOT" "$WORK/root.img" "${root_mib}M"
mke2fs -q -F -t ext4 -L PIETDATA -U "$DATA_UUID" -E "hash_seed=$DATA_UUID,lazy_itable_init=0,lazy_journal_init=0" \
    -d "$WORK/datafs" "$WORK/data.img" "${DATA_MIB}M"

step 7 "disk image (sfdisk on a plain file, dd)"
IMG=$OUT/$NAME.img
assemble_disk "$IMG" "$root_mib" "$WORK/boot.img" "$WORK/root.img" "$WORK/data.img"
rm -f "$WORK/boot.img" "$WORK/root.img" "$WORK/data.img"

step 8 "compress, checksums"
level=6
[ "$PROFILE" = check ] && level=1
rm -f "$IMG.xz"
xz -T2 -"$level" --keep "$IMG"
cp "$WORK/manifest.txt" "$OUT/$NAME.manifest.txt"
(cd "$OUT" && sha256sum "$NAME.img" "$NAME.img.xz" > "$NAME.SHA256SUMS")
step 8 "done: $OUT/$NAME.img.xz ($(du -h "$IMG.xz" | cut -f1)) in $(( $(date +%s) - START )) s"
