#!/usr/bin/env bash
# Installs what is missing, then configures and builds zokml (Release, -j2) into build/: every
# target, or only the targets given (scripts/build.sh mnist_private_input).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$root/build" -j2 ${1:+--target "$@"}
