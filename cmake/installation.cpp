// Compiled into every application that links zokml::zokml from an installation (the package's
// zokmlConfig.cmake adds it): registers that installation's share/zokml folder, so that the
// library finds its bundled toolchain and the MNIST digits there, with no source tree.
#include "zokml/core/installation.hpp"

namespace {
const bool zokml_installation_registered = zokml::register_installation(ZOKML_INSTALLATION);
}  // namespace
