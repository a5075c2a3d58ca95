#include "support.hpp"

#include <stdlib.h>

#include <stdexcept>

namespace zokml::test {

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "zokml-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary folder");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

const Toolchain& real_toolchain() {
    static const Toolchain toolchain;
    return toolchain;
}

}  // namespace zokml::test
