#!/bin/bash
# Make a development signing CA and bundle-signing certificate for tests and local builds:
#
#   image_build/devkey.sh DIR [NAME]
#
# writes DIR/ca.pem (the keyring an image trusts), DIR/signing.key.pem and DIR/signing.cert.pem.
# These keys are for development only: never commit them, never put them on an image that leaves the lab.
set -euo pipefail
DIR=${1:?usage: devkey.sh DIR [NAME]}
NAME=${2:-Pietura development}
mkdir -p "$DIR"
cd "$DIR"
umask 077
openssl req -x509 -newkey rsa:3072 -nodes -sha256 -days 3650 -keyout ca.key.pem -out ca.pem \
    -subj "/O=Pietura/CN=$NAME update CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -newkey rsa:3072 -nodes -sha256 -keyout signing.key.pem -out signing.csr \
    -subj "/O=Pietura/CN=$NAME bundle signing" 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n' > signing.ext
openssl x509 -req -in signing.csr -CA ca.pem -CAkey ca.key.pem -CAcreateserial -days 3650 -sha256 \
    -extfile signing.ext -out signing.cert.pem 2>/dev/null
rm -f signing.csr signing.ext ca.srl
chmod 644 ca.pem signing.cert.pem
