#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine with Node 20, then nothing else.
# Debian packages are installed only when missing (and only as root); npm packages from the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for pkg in tshark tcpdump chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "setup-test: missing Debian packages (${need[*]}); run as root or install them" >&2
  fi
fi
# npm ci rejects the lock file npm 11 writes for optional platform packages (biome); install honours it.
npm install --no-audit --no-fund
npm run build
