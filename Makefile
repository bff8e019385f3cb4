# Pietura — the two commands a developer needs: `make demo` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
OUT ?= out
# Debian packages the tests and the demo use (real pcscd + vpcd, Xvfb, speech, PostgreSQL, HAProxy, OpenSC;
# coturn and headless Chromium with its driver for video calls).
DEBS := pcscd vsmartcard-vpcd pcsc-tools opensc libpcsclite-dev swig xvfb xauth xdotool \
        espeak-ng sox imagemagick fonts-dejavu-core libgl1-mesa-dri libegl1 libgles2 libmtdev1 \
        libsdl2-2.0-0 libusb-1.0-0 postgresql haproxy gettext mtools dosfstools exfatprogs exfat-fuse poppler-utils rauc squashfs-tools \
        u-boot-tools \
        coturn chromium chromium-driver
STAMP := $(VENV)/.installed
# Only for `make update-check` (on demand, not CI): U-Boot's qemu_arm64 build and the arm64 system emulator.
UPDATE_CHECK_DEBS := qemu-system-arm u-boot-qemu

.PHONY: help deps venv test unit demo bench lint screenshots ui-audit clean sign-check call-check

help:
	@echo "make demo   run the kiosk on emulated hardware (scripted walk-through under Xvfb without a display)"
	@echo "make test   install what is needed and run the whole test suite"
	@echo "make sign-check  libdigidocpp judges Pietura's .edoc containers (with a test trust list) and the real samples (x86_64)"
	@echo "make unit   the unit tests without the slow ones (under a minute)"
	@echo "make call-check  video calls only: gateway API, aiortc <-> aiortc and <-> the console in headless Chromium, via coturn"
	@echo "make bench  print speed and memory figures"
	@echo "make lint   ruff, mypy --strict on the kiosk's core and the import contracts (.importlinter)"
	@echo "make ui-audit  the layout audit: every screen state on the 3 reference panels (out/ui-audit/)"
	@echo "make screenshots  docs/screenshots/<panel>/ for the 3 reference panels, both text sizes"
	@echo "make update-check  A/B updates under QEMU: U-Boot side, then the full image (on demand, slow)"

deps:
	@missing=$$(for p in $(DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages: $$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages. Run as root:"; \
	    echo "  sudo apt-get install -y $$missing"; exit 1; \
	  fi; \
	fi

$(STAMP): setup.py constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -U pip setuptools wheel
	$(PY) -m pip install -q -c constraints.txt -e ".[dev,gateway]"
	touch $(STAMP)

# The kiosk loads each language's catalogue compiled from its .po files (kiosk/i18n.py); cheap, so always run.
venv: $(STAMP)
	$(PY) -m kiosk.i18n compile >/dev/null

# The layout audit runs first; tests/ui/test_ui_audit.py holds its report to tests/ui/audit-ratchet.json.
test: deps venv
	$(VENV)/bin/mypy
	$(PY) -m devtools.audit --out $(OUT)/ui-audit --jobs $(UI_AUDIT_JOBS)
	PIETURA_UI_AUDIT_REPORT=$(abspath $(OUT))/ui-audit/report.json $(PY) -m pytest -p no:cacheprovider tests

# libdigidocpp (pydigidoc, x86_64 only) judges Pietura's .edoc containers and the real samples against a signed
# test trust list (tests/integration/signing/trust_list.py): about 20 s.
sign-check: venv
	$(PY) -m pytest -p no:cacheprovider -m signcheck tests/integration/signing

# Video calls end to end (docs/video.md): the call API, media through coturn between the kiosk's aiortc peer and
# a second aiortc peer and the console in headless Chromium; about a minute and a half (make test runs them too).
call-check: deps venv
	$(PY) -m pytest -p no:cacheprovider tests/unit/call tests/integration/calls tests/ui/test_call_journeys.py

# The unit tests without the long fuzz and property runs (marked slow; make test runs them): under a minute.
unit: venv
	$(PY) -m pytest -p no:cacheprovider -m "not slow" tests/unit

demo: deps venv
	$(PY) -m devtools.demo --out $(OUT)/demo

# The reference panels (devtools/panels.py); one app process per panel (Kivy's window size is fixed).
PANELS ?= 800x480@7 1280x800@10.1 720x1280@7
UI_AUDIT_JOBS ?= 2

screenshots: deps venv
	@for p in $(PANELS); do \
	  rm -rf "docs/screenshots/$$p" && $(PY) -m devtools.tour --out "docs/screenshots/$$p" --panel "$$p" --large \
	  || exit 1; \
	done

# Findings do not fail this target (the ratchet test does); out/ui-audit/report.json and contact sheets.
ui-audit: deps venv
	$(PY) -m devtools.audit --out $(OUT)/ui-audit --jobs $(UI_AUDIT_JOBS) $(foreach p,$(PANELS),--panel $(p))

bench: deps venv
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lint: venv
	$(VENV)/bin/ruff check kiosk drivers gateway wire devtools tests bench
	$(VENV)/bin/mypy  # --strict on the kiosk's core (pyproject.toml [tool.mypy])
	$(VENV)/bin/lint-imports --no-cache

clean:
	rm -rf $(OUT) build *.egg-info

# --- appliance image (image_build/README.md) -------------------------------------------------------------
IMAGE_OUT ?= out/image
# The CA certificate update bundles must be signed under (the image's /etc/rauc/keyring.pem); required for
# `make image`; `make image-check` makes a development one when it is empty (docs/updates.md).
UPDATE_KEYRING ?=
.PHONY: image image-check

image: venv
	bash image_build/host-setup.sh
	UPDATE_KEYRING=$(UPDATE_KEYRING) bash image_build/build.sh --profile full --out $(IMAGE_OUT)

image-check: venv
	UPDATE_KEYRING=$(UPDATE_KEYRING) bash image_build/check.sh $(if $(FULL),--full) --out $(IMAGE_OUT)

# --- update bundles (docs/updates.md) --------------------------------------------------------------------------
# A signed RAUC bundle (verity format) of the full image's root tree. The key and certificate come from a
# configured path; no key ships with the project (image_build/devkey.sh DIR makes a development one).
BUNDLE_ROOTFS ?= $(IMAGE_OUT)/work-full/rootfs
BUNDLE_PACKAGES ?= $(IMAGE_OUT)/pietura-full.manifest.txt
BUNDLE_KEY ?=
BUNDLE_CERT ?=
BUNDLE_KEYRING ?=
BUNDLE_OUT ?= out/bundle/pietura.raucb
.PHONY: bundle

# A/B updates under QEMU (image_build/README.md), on demand, not CI. First U-Boot's side (uboot_check.py, about
# 20 s): boot.scr under u-boot-qemu as the counters in uboot.env run down. Then Linux's side
# (update_vm_check.py, about an hour under TCG): the full image through U-Boot to READY, a newer bundle
# installed and marked good, a power loss mid-install, a bundle that never gets READY rolled back; the VM's kiosk
# enrols with a gateway the check runs on the host (PostgreSQL + TLS, image_build/vm_gateway.py), whose fleet
# page must show the new slot and version, then the rollback. The second
# half needs `make image UPDATE_KEYRING=$(UPDATE_CHECK_KEYS)/ca.pem` first (keys: image_build/devkey.sh
# $(UPDATE_CHECK_KEYS)); UBOOT_ONLY=1 runs the first half alone; ONLY_STICK=1 stops the second after first boot and
# a citizen's exFAT stick plugged in and out (image_build/vm_stick.py).
UPDATE_CHECK_KEYS ?= out/devkeys
UPDATE_CHECK_WORK ?= out/update-check
.PHONY: update-check
update-check: venv
	@missing=$$(for p in $(UPDATE_CHECK_DEBS) u-boot-tools libubootenv-tool mtools dosfstools rauc squashfs-tools exfatprogs exfat-fuse fdisk; do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "Run as root: apt-get install -y $$missing"; exit 1; fi; \
	fi
	nice -n 15 $(PY) image_build/uboot_check.py
	$(if $(UBOOT_ONLY),,nice -n 15 $(PY) image_build/update_vm_check.py --keys $(UPDATE_CHECK_KEYS) --image $(IMAGE_OUT)/pietura-full.img \
	  --rootfs $(IMAGE_OUT)/work-full/rootfs --packages $(IMAGE_OUT)/pietura-full.manifest.txt --work $(UPDATE_CHECK_WORK) $(if $(ONLY_STICK),--only-stick))

bundle:
	@test -n "$(BUNDLE_KEY)" -a -n "$(BUNDLE_CERT)" -a -n "$(BUNDLE_KEYRING)" || { \
	  echo "make bundle BUNDLE_KEY=… BUNDLE_CERT=… BUNDLE_KEYRING=… (image_build/devkey.sh DIR makes development keys)"; exit 2; }
	bash image_build/bundle.sh --rootfs $(BUNDLE_ROOTFS) --packages $(BUNDLE_PACKAGES) \
	  --key $(BUNDLE_KEY) --cert $(BUNDLE_CERT) --keyring $(BUNDLE_KEYRING) --out $(BUNDLE_OUT)
