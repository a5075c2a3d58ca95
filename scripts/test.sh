#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test with CTest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
cd "$root/build"
ctest -j2 --output-on-failure "$@"
