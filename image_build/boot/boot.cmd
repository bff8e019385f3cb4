# Pietura A/B boot script for U-Boot (u-boot-rpi on the Pi 3/4, u-boot-qemu for tests); compiled into
# boot.scr by build.sh (`mkimage -A arm64 -O linux -T script -C none -d boot.cmd boot.scr`) onto the FAT partition.
#
# RAUC's U-Boot boot counting: BOOT_ORDER lists the slots to try, BOOT_x_LEFT how many tries each has left.
# Each boot takes one try from the first slot with tries left and saves the environment before the kernel
# starts; RAUC resets the counter when the slot is marked good (after the kiosk is READY and the doctor
# passes). A slot that never gets there runs out of tries and the next one in BOOT_ORDER boots.
# Slot A is partition 2, slot B partition 3 (image_build/layout.sh); each slot carries its own kernel,
# initramfs and device trees under /boot.

test -n "${devtype}" || setenv devtype mmc
test -n "${devnum}" || setenv devnum 0
# Where the environment (and so the counters) lives: u-boot-rpi keeps it in uboot.env on the FAT partition
# (CONFIG_ENV_IS_IN_FAT), so saveenv writes the file RAUC's fw_setenv reads (/etc/fw_env.config). Debian's
# u-boot-qemu (qemu_arm64, the tests' board) keeps it in the second pflash bank, which U-Boot cannot write
# under QEMU 7.2 ("Flash buffer write timeout"); there the script reads and writes the same file itself in
# the same format (CRC32 + 16 KiB, `env export -c`), so Linux and RAUC see what they see on the Pi.
if test "${board}" = "rpi"; then
  setenv pietura_saveenv saveenv
else
  # QEMU's virt board has RAM from 0x40000000 (0x0a000000, the scratch area below, is device space there)
  test -n "${kernel_comp_addr_r}" || setenv kernel_comp_addr_r 0x60000000
  setenv pietura_saveenv 'env export -c -s 0x4000 ${kernel_addr_r}; fatwrite ${devtype} ${devnum}:1 ${kernel_addr_r} uboot.env 0x4000'
  if load ${devtype} ${devnum}:1 ${kernel_addr_r} uboot.env; then
    env import -c ${kernel_addr_r} 0x4000
  fi
fi
test -n "${BOOT_ORDER}" || setenv BOOT_ORDER "A B"
test -n "${BOOT_A_LEFT}" || setenv BOOT_A_LEFT 3
test -n "${BOOT_B_LEFT}" || setenv BOOT_B_LEFT 3
# Debian's arm64 vmlinuz is gzip-compressed: booti needs a scratch area to unpack it
test -n "${kernel_comp_addr_r}" || setenv kernel_comp_addr_r 0x0a000000
test -n "${kernel_comp_size}" || setenv kernel_comp_size 0x04000000

setenv bootpart
setenv raucslot
for BOOT_SLOT in ${BOOT_ORDER}; do
  if test "x${bootpart}" != "x"; then
    true
  elif test "x${BOOT_SLOT}" = "xA"; then
    if test ${BOOT_A_LEFT} -gt 0; then
      setexpr BOOT_A_LEFT ${BOOT_A_LEFT} - 1
      echo "pietura: slot A, ${BOOT_A_LEFT} tries left"
      setenv bootpart 2
      setenv raucslot A
    fi
  elif test "x${BOOT_SLOT}" = "xB"; then
    if test ${BOOT_B_LEFT} -gt 0; then
      setexpr BOOT_B_LEFT ${BOOT_B_LEFT} - 1
      echo "pietura: slot B, ${BOOT_B_LEFT} tries left"
      setenv bootpart 3
      setenv raucslot B
    fi
  fi
done

if test -z "${bootpart}"; then
  echo "pietura: no slot has tries left; giving both 3 again"
  setenv BOOT_A_LEFT 3
  setenv BOOT_B_LEFT 3
  run pietura_saveenv
  reset
fi
run pietura_saveenv

part uuid ${devtype} ${devnum}:${bootpart} rootuuid
# extra kernel arguments first boot records (systemd.machine_id=, systemd.hostname=) on the FAT partition
setenv pietura_args
if load ${devtype} ${devnum}:1 ${scriptaddr} pietura-bootargs.env; then
  env import -t ${scriptaddr} ${filesize} pietura_args
fi
# the Pi: the console on tty3 behind the kiosk (as cmdline.txt had it); QEMU's virt board: its PL011 serial
if test "${board}" = "rpi"; then
  setenv pietura_console "console=tty3"
else
  setenv pietura_console "console=ttyAMA0,115200"
fi
setenv bootargs "${pietura_console} root=PARTUUID=${rootuuid} rootfstype=ext4 ro rootwait fsck.repair=yes net.ifnames=0 consoleblank=0 logo.nologo quiet loglevel=3 vt.global_cursor_default=0 systemd.show_status=false rauc.slot=${raucslot} ${pietura_args}"

echo "pietura: booting slot ${raucslot} from ${devtype} ${devnum}:${bootpart}, root PARTUUID=${rootuuid}"
load ${devtype} ${devnum}:${bootpart} ${kernel_addr_r} /boot/vmlinuz || reset
if load ${devtype} ${devnum}:${bootpart} ${fdt_addr_r} /boot/dtbs/${fdtfile}; then
  setenv pietura_fdt ${fdt_addr_r}
else
  # the firmware's device tree (Pi) or QEMU's generated one
  setenv pietura_fdt ${fdt_addr}
fi
load ${devtype} ${devnum}:${bootpart} ${ramdisk_addr_r} /boot/initrd.img || reset
booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${pietura_fdt}
echo "pietura: booti returned; resetting"
reset
