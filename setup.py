"""Pietura — self-service eID kiosk for Latvian libraries and one-stop service points.

Ranges are chosen so that Debian 13's own packages satisfy them (the appliance image uses
python3-kivy, python3-pyscard, python3-cryptography, …); ``constraints.txt`` pins exact
versions for development and CI.
"""

from setuptools import find_packages, setup

setup(
    name="pietura",
    version="0.1.0",
    description="Self-service eID kiosk appliance for Latvian public libraries",
    license="EUPL-1.2",
    python_requires=">=3.11",
    # The kiosk image unpacks only kiosk, drivers and wire from this wheel (image_build/stage.py):
    # gateway is the server side, devtools the demo/tour/UI-driver tools for a checkout.
    packages=find_packages(include=["kiosk", "kiosk.*", "drivers", "drivers.*", "wire", "wire.*",
                                    "gateway", "gateway.*", "devtools", "devtools.*"]),
    include_package_data=True,
    package_data={
        "kiosk": ["ui/*.kv", "ui/**/*.kv", "locale/*/LC_MESSAGES/*.po", "locale/*/LC_MESSAGES/*.mo",
                  "defaults/*.toml", "defaults/services/*.toml", "ui/assets/*"],
        "gateway": ["templates/*", "static/*", "calls/console/*"],
    },
    install_requires=[
        "Kivy>=2.2,<3",  # Debian 13: 2.3.1
        "pyscard>=2.0,<3",  # Debian 13: 2.2.x
        "python-escpos>=3.1,<4",  # Debian 13: 3.1
        "pyserial>=3.5,<4",  # Debian 13: 3.5
        "pyusb>=1.2",  # USB printers through libusb; Debian 13: python3-usb 1.2
        "requests>=2.31,<3",  # Debian 13: 2.32
        "cryptography>=42",  # Debian 13: 43
        "Pillow>=10.0",  # Debian 13: 11.1
        "qrcode>=7.4",  # Debian 13: 8.0
        "Babel>=2.12",  # gettext catalogues, Latvian dates/plurals; Debian 13: 2.17
        "requests-http-signature>=0.7",  # wheel built for the image
        "http-message-signatures>=0.5",
        "lxml>=5.3",  # .edoc XAdES parsing and C14N (wire/edoc); Debian 13: python3-lxml 5.4
        "asn1crypto>=1.5",  # RFC 3161 time-stamp tokens in .edoc (wire/edoc); Debian 13: 1.5.1
    ],
    extras_require={
        "gateway": [
            "fastapi>=0.110",  # Debian 13: 0.115
            "uvicorn>=0.30",  # Debian 13: 0.32
            "pydantic>=2.6,<3",  # Debian 13: 2.10
            "psycopg[binary]>=3.1",  # PostgreSQL storage; Debian 13: python3-psycopg 3.2
            "Jinja2>=3.1",
            "pyotp>=2.8",  # specialists' one-time codes (gateway/calls); Debian 13: 2.9
            "websockets>=10.4",  # uvicorn's WebSocket protocol for call signalling; Debian 13: 14.2
        ],
        # video consultations on the kiosk (kiosk/call): WebRTC media and signalling
        "call": [
            "aiortc>=1.9",  # Debian 13: 1.11
            "websockets>=10.4",
            "numpy>=1.24",  # Debian 13: 2.2
        ],
        "dev": [
            "pytest>=8",
            "pytest-timeout>=2.3",
            "hypothesis>=6.100",
            "ruff>=0.6",
            "mypy>=1.10",  # make lint / make test: kiosk/flow, runtime, services, receipts (pyproject.toml)
            "import-linter>=2.1",  # the layer contracts in .importlinter (make lint, tests/unit/test_import_rules.py)
            "schemathesis>=3.30",
            "httpx>=0.27",
            "selenium>=4.10",  # test-only: drives Debian's chromium/chromium-driver as the specialist console
            "aiortc>=1.9",  # the kiosk's call media in tests (the "call" extra)
            "numpy>=1.24",
            "zxing-cpp>=2.2",  # test-only: decodes image QR codes from receipt rasters
            # test-only: libdigidocpp judges .edoc containers (make sign-check); wheels for x86_64 Linux only
            "pydigidoc>=0.0.4; platform_machine == 'x86_64' and sys_platform == 'linux'",
        ],
    },
    entry_points={
        "console_scripts": [
            "kiosk = kiosk.app:main",
            "kioskctl = kiosk.provisioning.cli:main",
            "kiosk-gateway = gateway.cli:main",
        ]
    },
)
