#!/usr/bin/env bash
# Browser tests drive Debian's Chromium headless shell; install it when missing (needs root or sudo).
set -euo pipefail
if [ -x /usr/bin/chromium-headless-shell ]; then exit 0; fi
echo "Installing Chromium for the browser tests…"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium-headless-shell fonts-dejavu-core >/dev/null
