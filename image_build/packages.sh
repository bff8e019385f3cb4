# Debian 13 (trixie) arm64 packages per image profile; sourced by build.sh.
# common: what the kiosk runs on (systemd, pcscd + CCID, pyscard, fonts with
# Latvian glyphs, NetworkManager, time sync, key-only SSH, mtools for USB sticks read without mounting, exfat-fuse for exFAT sticks (mounted by pietura-stick@),
# poppler-utils (pdftoppm) for the picture of a PDF's first page before signing,
# RAUC with its D-Bus service and fw_setenv for the A/B updates' U-Boot boot counter).
PACKAGES_COMMON="systemd-sysv udev dbus polkitd pcscd libccid
 python3 python3-pyscard python3-requests python3-urllib3 python3-serial python3-cryptography
 python3-pil python3-qrcode python3-babel python3-usb python3-six python3-yaml python3-argcomplete
 python3-typing-extensions python3-lxml python3-asn1crypto fonts-dejavu-core
 network-manager systemd-timesyncd openssh-server ca-certificates tzdata iproute2 kmod mtools exfat-fuse poppler-utils
 rauc rauc-service libubootenv-tool e2fsprogs"
# ui: the Kivy UI, speech and the take-card tone (aplay) (SDL2, Mesa, GStreamer…): the slowest part under qemu-user.
PACKAGES_UI="python3-kivy espeak-ng alsa-utils"
# call: the video consultation's media (kiosk/call, docs/video.md): aiortc with PyAV, whose FFmpeg opens the
# USB (UVC) camera through V4L2 and the microphone through ALSA; v4l-utils (v4l2-ctl) for the technician to
# list cameras and their formats. Echo cancellation is the speakerphone's own (docs/video.md, § the image).
PACKAGES_CALL="python3-aiortc python3-av python3-websockets python3-numpy v4l-utils"
# full: what boots a Raspberry Pi 3/4/CM4 from Debian's archive only.
# u-boot-rpi: U-Boot for the Pi 3/4 (rpi_arm64), which runs boot.scr and picks the A/B root slot.
PACKAGES_FULL="raspi-firmware linux-image-arm64 firmware-brcm80211 wireless-regdb initramfs-tools zstd u-boot-rpi"
# check = common (no ui, call or full): everything kioskctl config check / doctor need, fast enough for CI.
