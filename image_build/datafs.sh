#!/bin/bash
# datafs.sh ROOTFS DIR: the data partition's initial tree, owned by the users of the built root fs.
set -euo pipefail
root=$1
dir=$2
uid_of() { awk -F: -v u="$1" '$1 == u { print $3 }' "$root/etc/passwd"; }
gid_of() { awk -F: -v g="$1" '$1 == g { print $3 }' "$root/etc/group"; }
rm -rf "$dir"
install -d -m 0755 "$dir"
install -d -m 0700 -o "$(uid_of kiosk)" -g "$(gid_of kiosk)" "$dir/pietura"
install -d -m 2755 -o 0 -g "$(gid_of systemd-journal)" "$dir/journal"
install -d -m 0700 "$dir/NetworkManager" "$dir/NetworkManager/system-connections" "$dir/NetworkManager/lib"
install -d -m 0700 "$dir/ssh" "$dir/ssh/authorized_keys"
ts_uid=$(uid_of systemd-timesync)
if [ -n "$ts_uid" ]; then
    install -d -m 0755 -o "$ts_uid" -g "$(gid_of systemd-timesync)" "$dir/timesync"
else
    install -d -m 0755 "$dir/timesync"
fi
