#!/bin/bash
# check-diversions.sh ROOTFS divert|undivert — check profile only.
# Under qemu-user the slowest maintainer-script steps are byte-compiling Python (Debian's packages and the
# 3.13 standard library), the udev hwdb and the CA hash links; none is needed to inspect an image. They are
# replaced by no-ops while packages are configured and put back afterwards (the full image runs them all).
set -euo pipefail
root=$1
mode=$2
TARGETS="/usr/bin/py3compile /usr/lib/python3.13/py_compile.py /usr/bin/systemd-hwdb /usr/sbin/update-ca-certificates"
for target in $TARGETS; do
    if [ "$mode" = divert ]; then
        mkdir -p "$root$(dirname "$target")"
        chroot "$root" dpkg-divert --quiet --local --rename --divert "$target.pietura-real" --add "$target"
        case "$target" in
            *.py) printf '# no-op while configuring the check image\n' > "$root$target" ;;
            *) ln -sf /bin/true "$root$target" ;;
        esac
    else
        rm -f "$root$target"
        chroot "$root" dpkg-divert --quiet --local --rename --remove "$target"
    fi
done
if [ "$mode" = undivert ]; then
    # the CA bundle that requests/urllib3 load at import, built natively (hash links are skipped)
    mkdir -p "$root/etc/ssl/certs"
    grep -v '^[#!]' "$root/etc/ca-certificates.conf" | while read -r crt; do
        [ -n "$crt" ] && cat "$root/usr/share/ca-certificates/$crt"
    done > "$root/etc/ssl/certs/ca-certificates.crt"
fi
