#!/usr/bin/env bash
# build-deb.sh — builds the Debian package of cepci-kiosk and prints its
# path. The package build is a Release build WITHOUT the test hooks
# (CK_TEST_HOOKS off: CEPCI_NOW and CK_WIDGETS_FILE are never read), with
# the installed system's paths (CK_SYSTEM_PATHS, prefix /usr) and Debian's
# hardening flags (dpkg-buildflags, hardening=+all); CPack strips the binary
# and computes Depends with dpkg-shlibdeps (cmake/package.cmake).
#   bash packaging/build-deb.sh [BUILD_DIR [CMAKE_ARGS...]]   (default: build-deb)
# (CMAKE_ARGS, e.g. -DCK_DEB_RELEASE=2, go to the configure step.)
# Only the installed targets are built (not the tests or the benchmark), so
# a rebuild in the same folder is quick.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$src/build-deb}
shift || true
cd "$src"   # dpkg-buildflags maps this folder to "." in the debug info
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cflags="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
ldflags=$(dpkg-buildflags --get LDFLAGS)
cmake -S "$src" -B "$out" -DCMAKE_BUILD_TYPE=Release -DCK_TEST_HOOKS=OFF -DCK_SYSTEM_PATHS=ON \
      -DCK_WERROR=ON -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON \
      -DCMAKE_C_FLAGS="$cflags" -DCMAKE_EXE_LINKER_FLAGS="$ldflags" "$@" >/dev/null
cmake --build "$out" -j2 --target cepci-kiosk ck_manpage ck_changelog >/dev/null
rm -f "$out"/cepci-kiosk_*.deb
(cd "$out" && cpack -G DEB >/dev/null)
ls "$out"/cepci-kiosk_*.deb
