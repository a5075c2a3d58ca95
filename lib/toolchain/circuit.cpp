#include "zokml/toolchain/circuit.hpp"

#include "zokml/core/files.hpp"
#include "zokml/core/digest.hpp"

namespace zokml {

std::string Circuit::fingerprint() const {
    // The main file decides which program compiles: it is part of what a cache entry's key covers.
    std::string all = "main=" + main_file + '\0';
    for (const auto& [name, text] : files) all += name + '\0' + std::to_string(text.size()) + '\0' + text;
    return sha256_hex(all);
}

void Circuit::write(const std::filesystem::path& dir) const {
    for (const auto& [name, text] : files) {
        const auto path = dir / name;
        std::filesystem::create_directories(path.parent_path());
        write_file_atomically(path, text);
    }
}

}  // namespace zokml
