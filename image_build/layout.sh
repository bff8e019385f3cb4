# Disk layout of the Pietura image; sourced by build.sh and read by inspect_image.py (keep the names).
# DOS partition table (Pi 3 boots only from MBR), 4 MiB aligned:
#   1 RASPIFIRM  FAT32  boot: firmware, kernel, config.txt, cmdline.txt, kiosk.toml
#   2 PIETROOTA  ext4   root slot A, mounted read-only
#   3 PIETROOTB  (empty) root slot B, same size: room for A/B updates without re-flashing
#   4 PIETDATA   ext4   data: outbox, state, persistent capped journal, network, SSH host keys
ALIGN_MIB=4
BOOT_MIB=${BOOT_MIB:-256}
DATA_MIB=${DATA_MIB:-512}
FAT_ID=5049E7A1
DISK_ID=0x5049e7a1
ROOT_UUID=5049e7a1-7a1e-4a00-8000-00000000000a
DATA_UUID=5049e7a1-7a1e-4a00-8000-0000000000da

# root slot size: used space + 25 % + 256 MiB headroom, rounded up to ALIGN_MIB
root_size_mib() {
    local used
    used=$(du -s -m --apparent-size "$1" | cut -f1)
    echo $(( ( (used * 125 / 100 + 256) + ALIGN_MIB - 1) / ALIGN_MIB * ALIGN_MIB ))
}

# assemble_disk IMG ROOT_MIB BOOT_IMG ROOT_IMG DATA_IMG
assemble_disk() {
    local img=$1 root_mib=$2 boot=$3 root=$4 data=$5
    local p1=$ALIGN_MIB
    local p2=$((p1 + BOOT_MIB))
    local p3=$((p2 + root_mib))
    local p4=$((p3 + root_mib))
    local total=$((p4 + DATA_MIB))
    rm -f "$img"
    truncate -s "${total}M" "$img"
    sfdisk --quiet --no-reread --no-tell-kernel "$img" <<SFDISK
label: dos
label-id: $DISK_ID
unit: sectors

start=$((p1 * 2048)), size=$((BOOT_MIB * 2048)), type=c, bootable
start=$((p2 * 2048)), size=$((root_mib * 2048)), type=83
start=$((p3 * 2048)), size=$((root_mib * 2048)), type=83
start=$((p4 * 2048)), size=$((DATA_MIB * 2048)), type=83
SFDISK
    dd if="$boot" of="$img" bs=1M seek="$p1" conv=notrunc,sparse status=none
    dd if="$root" of="$img" bs=1M seek="$p2" conv=notrunc,sparse status=none
    dd if="$data" of="$img" bs=1M seek="$p4" conv=notrunc,sparse status=none
}
