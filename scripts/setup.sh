#!/usr/bin/env bash
# Installs the Debian 12 packages cepci-kiosk needs (only those missing) and
# builds it into build/. Run as root on a fresh machine; safe to run again.
#   BUILD_DIR   build folder (default: build)
#   CMAKE_ARGS  extra CMake arguments (e.g. -DCK_SANITIZE=ON)
#   CK_TEST_HOOKS=ON  a test build (reads CEPCI_NOW and CK_WIDGETS_FILE); the
#               demo and the package are built without
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake pkg-config clang libclang-rt-14-dev
  libsdl2-dev libsdl2-ttf-dev libsqlite3-dev libqrencode-dev libcmocka-dev
  libsodium-dev libcsv-dev libinih-dev libcairo2-dev libxlsxwriter-dev libfontconfig-dev libsystemd-dev
  libzip-dev libexpat1-dev
  fonts-noto-core fonts-dejavu-core tzdata
  zbar-tools poppler-utils xvfb xdotool unzip imagemagick sqlite3 xxd openssl
  postgresql-15 postgresql-client-15 libpq-dev
  dpkg-dev file lintian systemd cage xwayland grim openbox x11-utils
  qemu-system-x86 debootstrap
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

BUILD_DIR=${BUILD_DIR:-build}
# shellcheck disable=SC2086
cmake -S . -B "$BUILD_DIR" -DCK_WERROR=ON -DCK_TEST_HOOKS="${CK_TEST_HOOKS:-OFF}" ${CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
