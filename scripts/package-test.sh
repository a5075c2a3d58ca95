#!/usr/bin/env bash
# The `package` test (CTest, label docs): builds the Debian package of a build folder with
# `cpack -G DEB`, and without touching the machine's own /usr: checks its control fields, unpacks
# it into a scratch root with `dpkg-deb -x`, proves a private digit's class with the unpacked
# zokml command alone (PATH reduced to the system's, a fresh cache) and verifies the proof, then
# runs lintian on the package when it is installed (no error allowed). Scratch folders are
# removed on exit.
#   scripts/package-test.sh BUILD_DIR [CPACK]      (exit code 77: skipped, no dpkg tools here)
set -euo pipefail
build=$(cd "${1:?usage: package-test.sh BUILD_DIR [CPACK]}" && pwd)
cpack=${2:-cpack}
for tool in dpkg-deb dpkg-shlibdeps; do
  command -v $tool >/dev/null || { echo "package test: skipped, $tool is missing (Debian's dpkg-dev)"; exit 77; }
done
scratch=$(mktemp -d "${TMPDIR:-/tmp}/zokml-package.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
fail() { echo "package test: $*" >&2; exit 1; }
step() { echo "== $* ($SECONDS s)"; }

step "cpack -G DEB"
"$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/out" >"$scratch/cpack.log" 2>&1 ||
  { cat "$scratch/cpack.log" >&2; fail "cpack failed"; }
rm -rf "$scratch/out/_CPack_Packages"  # CPack's staging copy of the installation
debs=("$scratch"/out/zokml_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one zokml_*.deb in $scratch/out: ${debs[*]}"
deb=${debs[0]}
echo "$(basename "$deb"): $(du -h "$deb" | cut -f1)"

step "control fields"
info=$(dpkg-deb -I "$deb")
echo "$info" | grep -E '^ (Package|Version|Architecture|Depends|Recommends|Installed-Size):'
field() { echo "$info" | sed -n "s/^ $1: //p"; }
[ "$(field Package)" = zokml ] || fail "Package: $(field Package), expected zokml"
depends=$(field Depends)
# nodejs runs the bundled toolchain; libc6 and libstdc++6 come from dpkg-shlibdeps (the command's
# shared libraries), as do fmt, protobuf and OpenSSL's.
for dep in nodejs libc6 libstdc++6 libfmt9 libprotobuf32 libssl3; do
  [[ ", $depends" == *", $dep "* || ", $depends, " == *", $dep, "* ]] || fail "Depends lacks $dep: $depends"
done
python_module=$(dpkg-deb -c "$deb" | grep -c '/usr/lib/python3/dist-packages/zokml/' || true)
if [ "$python_module" -gt 0 ]; then
  [[ ", $depends" == *", python3 "* ]] || fail "the package holds the Python module, Depends lacks python3: $depends"
fi
outside=$(dpkg-deb -c "$deb" | awk '{print $6}' | grep -v -E '^\./(usr(/.*)?)?$' || true)
[ -z "$outside" ] || fail "files outside /usr: $(echo "$outside" | head -5)"

step "unpack into $scratch/root"
root="$scratch/root"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/zokml usr/share/zokml/tools/zokrates usr/share/zokml/tools/node_modules/zokrates-js/package.json \
         usr/share/zokml/models/mnist-784-16-10.json usr/lib/cmake/zokml/zokmlConfig.cmake \
         usr/include/zokml/project/provers.hpp usr/share/doc/zokml/copyright usr/share/doc/zokml/changelog.Debian.gz; do
  [ -e "$root/$f" ] || fail "not in the package: /$f"
done

# The unpacked command alone: no toolchain but the package's, nothing from this build tree.
zokml() {
  env -i PATH=/usr/bin:/bin HOME="$scratch/home" ZOKML_CACHE_DIR="$scratch/cache" "$root/usr/bin/zokml" "$@"
}
step "zokml --version"
version=$(zokml --version)
echo "$version"
[[ "$version" == *"toolchain $root/usr/share/zokml/tools/zokrates (ZoKrates"* ]] ||
  fail "the unpacked zokml does not use the package's toolchain"
step "zokml run (private input, the package's smallest model)"
zokml run --model "$root/usr/share/zokml/models/mnist-784-16-10.json" --digit 0 --dir "$scratch/proof"
step "zokml verify"
verdict=$(zokml verify --dir "$scratch/proof")
echo "$verdict"
[[ "$verdict" == *PASSED* ]] || fail "zokml verify: $verdict"

if [ "$python_module" -gt 0 ]; then
  step "import zokml (the unpacked Python module)"
  env -i PATH=/usr/bin:/bin HOME="$scratch/home" PYTHONPATH="$root/usr/lib/python3/dist-packages" \
    /usr/bin/python3 -c 'import zokml, sys; sys.exit(0 if zokml.__file__.startswith(sys.argv[1]) else 1)' "$root/" ||
    fail "the unpacked Python module does not import from $root"
fi

if command -v lintian >/dev/null; then
  step "lintian"
  # Errors fail the test; warnings are printed. Overrides: usr/share/lintian/overrides/zokml.
  lintian --fail-on error "$deb" || fail "lintian reports errors"
else
  echo "lintian is not installed: skipped (Debian package lintian)"
fi
step "done"
