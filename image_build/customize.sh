#!/bin/bash
# customize.sh ROOTFS STAGING PROFILE — mmdebstrap customize hook (runs on the build host as root).
# Foreign-arch commands run inside the root fs through qemu-user (binfmt); systemctl --root runs natively.
set -euo pipefail
root=$1
staging=$2
profile=$3

cp -a "$staging/." "$root/"
if [ "$profile" = check ]; then
    "$(dirname "$0")/check-diversions.sh" "$root" undivert
fi

# the kiosk user: no password, no shell; device groups for DRM/GPU and cameras (video), input, printers,
# USB-serial, sound cards (audio: speech, the take-card tone, the call's microphone)
chroot "$root" useradd --system --user-group --home-dir /var/lib/pietura --no-create-home \
    --shell /usr/sbin/nologin --comment "Pietura kiosk" kiosk
chroot "$root" usermod -a -G video,render,input,lp,dialout,audio kiosk
chroot "$root" passwd -l root >/dev/null

systemctl --root="$root" --quiet set-default multi-user.target
systemctl --root="$root" --quiet enable pietura-kiosk.service pietura-outbox.service pietura-firstboot.service pietura-heartbeat.timer \
    pcscd.socket ssh.service systemd-timesyncd.service NetworkManager.service
systemctl --root="$root" --quiet mask getty@tty1.service
# A/B updates (docs/updates.md): the hourly pass, and marking the booted slot good once the kiosk is READY
systemctl --root="$root" --quiet enable pietura-update.timer pietura-update-good.service

echo pietura > "$root/etc/hostname"
ln -sf /usr/share/zoneinfo/Europe/Riga "$root/etc/localtime"
echo Europe/Riga > "$root/etc/timezone"

# mount points for the data partition (see /etc/fstab)
install -d -m 0755 "$root/data" "$root/var/lib/pietura" "$root/var/log/journal" "$root/var/lib/NetworkManager" \
    "$root/var/lib/systemd/timesync" "$root/boot/firmware"
# systemd-logind's StateDirectory (lingering users; the kiosk has none): made here, as the read-only root
# lets no unit create it at boot, and logind failing made every reboot wait ~75 s for it (make update-check)
install -d -m 0755 "$root/var/lib/systemd/linger"

# Kivy home on the read-only root: config shipped, no writes needed (KIVY_NO_FILELOG, icons pre-copied)
kivy_data=$(ls -d "$root"/usr/lib/python3/dist-packages/kivy/data 2>/dev/null || true)
install -d -m 0755 "$root/etc/pietura/kivy/mods" "$root/etc/pietura/kivy/logs"
if [ -n "$kivy_data" ] && [ -d "$kivy_data/logo" ]; then
    rm -rf "$root/etc/pietura/kivy/icon"
    cp -a "$kivy_data/logo" "$root/etc/pietura/kivy/icon"
fi

# byte-compile our Python once (read-only root: nothing can be cached at run time); hash-based = reproducible
chroot "$root" python3 -m compileall -q -j 1 --invalidation-mode unchecked-hash \
    /usr/lib/python3/dist-packages/kiosk /usr/lib/python3/dist-packages/drivers \
    /usr/lib/python3/dist-packages/escpos >/dev/null || true
# the translations merged once (kiosk/i18n.py), so the kiosk does not parse .po files at every start
chroot "$root" python3 -m kiosk.i18n compile >/dev/null

# image hygiene: no SSH host keys, no machine id (both made per device at boot), no caches or logs
rm -f "$root"/etc/ssh/ssh_host_*
: > "$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
cp "$root/var/log/dpkg.log" "$staging/../dpkg.log" 2>/dev/null || true  # per-package timing for tuning
find "$root/var/log" -type f -delete
rm -f "$root/var/cache/ldconfig/aux-cache"
echo "customize: done ($profile)"
