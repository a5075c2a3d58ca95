// File helpers that keep private data private and never leave half-written files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace zokml {

// Writes to a temporary file in the same folder (mode 0600), then renames it over `path`.
void write_file_atomically(const std::filesystem::path& path, std::string_view contents);
std::string read_file(const std::filesystem::path& path);  // throws std::runtime_error naming the file
// A file the user gave (a model): throws InputError(path, "(file)", why) when it does not exist,
// is not a regular file or cannot be read.
std::string read_input_file(const std::filesystem::path& path);
// Creates the folder (and parents) with mode 0700 when missing.
void make_private_dir(const std::filesystem::path& dir);

// A new folder parent/prefix.XXXXXX, mode 0700 (parent is created when missing), removed with its
// contents when the object goes unless released.
class TempFolder {
public:
    TempFolder(const std::filesystem::path& parent, const std::string& prefix);
    ~TempFolder();
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
    void release() { path_.clear(); }  // keep the folder

private:
    std::filesystem::path path_;
};

}  // namespace zokml
