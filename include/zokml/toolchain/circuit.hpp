// A ZoKrates program as source files: what the circuit generators write and the toolchain compiles.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace zokml {

// Relative file name -> .zok source. Generators are deterministic: the same model and options
// give the same bytes, hence the same fingerprint.
struct Circuit {
    std::string main_file = "main.zok";
    std::map<std::string, std::string> files;

    std::string fingerprint() const;  // SHA-256 over the main file's name and every file's name and text
    // Writes every file under dir (atomically each); the main module is dir / main_file.
    void write(const std::filesystem::path& dir) const;
};

}  // namespace zokml
