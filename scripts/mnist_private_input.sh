#!/usr/bin/env bash
# The main job: a private MNIST digit proven through the public 784-56-10 model, then verified.
# Extra arguments go to the example (see `build/mnist_private_input --help`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" mnist_private_input  # the example alone, not the test suite
cd "$root"
exec build/mnist_private_input --work "$root/work/mnist-private-input" "$@"
