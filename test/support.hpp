// Shared by the tests: a private temporary folder, paths of fixtures, the real toolchain.
#pragma once

#include <filesystem>
#include <string>

#include "zokml/toolchain/toolchain.hpp"

namespace zokml::test {

// A fresh folder under the system's temporary folder, removed when the test ends.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

inline std::filesystem::path data_path(const std::string& name) { return std::filesystem::path(ZOKML_TEST_DATA) / name; }
inline std::filesystem::path standin(const std::string& name) { return std::filesystem::path(ZOKML_TEST_STANDINS) / name; }
inline std::filesystem::path example_model(const std::string& name) {
    return std::filesystem::path(ZOKML_EXAMPLES_DIR) / "models" / name;
}

// The real ZoKrates toolchain as the library finds it (the bundled zokrates-js one here).
const Toolchain& real_toolchain();

}  // namespace zokml::test
