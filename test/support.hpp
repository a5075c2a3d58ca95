// Shared by the tests: a private temporary folder, paths of fixtures, the real toolchain.
#pragma once

#include <filesystem>
#include <string>

#include "zokml/core/files.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml::test {

// A fresh folder under the system's temporary folder, removed when the test ends.
class TempDir : public TempFolder {
public:
    TempDir() : TempFolder(std::filesystem::temp_directory_path(), "zokml-test") {}
};

inline std::filesystem::path data_path(const std::string& name) { return std::filesystem::path(ZOKML_TEST_DATA) / name; }
inline std::filesystem::path standin(const std::string& name) { return std::filesystem::path(ZOKML_TEST_STANDINS) / name; }
inline std::filesystem::path example_model(const std::string& name) {
    return std::filesystem::path(ZOKML_EXAMPLES_DIR) / "models" / name;
}

// The real ZoKrates toolchain as the library finds it (the bundled zokrates-js one here).
const Toolchain& real_toolchain();

}  // namespace zokml::test
