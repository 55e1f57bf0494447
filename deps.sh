#!/bin/sh
# Install the Debian packages that building and testing forkload need,
# only those missing. Uses sudo when not run as root.
set -eu

PKGS="gcc make libc6-dev autoconf automake pkg-config
libcurl4-openssl-dev libjansson-dev libbsd-dev libmicrohttpd-dev libcmocka-dev
libhttp-parser-dev
python3 python3-jsonschema python3-yaml nginx-light curl procps jq libxml2-utils
slurm-wlm munge"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "deps.sh: need root or sudo to install:$missing" >&2
	exit 1
fi
echo "deps.sh: installing$missing" >&2
$SUDO apt-get update -q >&2
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
    --no-install-recommends $missing >&2
