#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs the
# whole test suite; then (unless CK_SKIP_ASAN=1) builds again with
# AddressSanitizer + UndefinedBehaviorSanitizer and runs the suite again.
set -euo pipefail
cd "$(dirname "$0")/.."
export CK_TEST_HOOKS=ON   # the suite fakes the clock (CEPCI_NOW) and reads widget dumps
bash scripts/setup.sh
(cd build && ctest --output-on-failure -j2)
if [ "${CK_SKIP_ASAN:-0}" != 1 ]; then
  BUILD_DIR=build-asan CMAKE_ARGS="-DCK_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug" bash scripts/setup.sh
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j2 -E '^appliance_vm$')
fi
if [ "${CK_SKIP_FUZZ:-0}" != 1 ]; then
  bash scripts/fuzz.sh "${CK_FUZZ_SECONDS:-20}"
fi
