#include "support.hpp"

namespace zokml::test {

const Toolchain& real_toolchain() {
    static const Toolchain toolchain;
    return toolchain;
}

}  // namespace zokml::test
