// File helpers that keep private data private and never leave half-written files.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "zokml/core/cleanup.hpp"

namespace zokml {

// Writes to a temporary file in the same folder (mode 0600), then renames it over `path`.
void write_file_atomically(const std::filesystem::path& path, std::string_view contents);
// Copies `from` to `to` the same way. Errors name the file and the reason, a full disk as "No
// space left on device" (std::filesystem::copy_file says "Input/output error", naming neither).
void copy_file_atomically(const std::filesystem::path& from, const std::filesystem::path& to);
// As write_file_atomically, but never replacing a file: false (and nothing written) when `path` exists.
bool write_new_file_atomically(const std::filesystem::path& path, std::string_view contents);
std::string read_file(const std::filesystem::path& path);  // throws std::runtime_error naming the file
// A file the user gave (a model): throws InputError(path, "(file)", why) when it does not exist,
// is not a regular file or cannot be read.
std::string read_input_file(const std::filesystem::path& path);
// Creates the folder (and parents) with mode 0700 when missing.
// A proof, bundle or folder of proofs that a new one is about to take the place of, moved aside to
// STEM-N.EXT beside it (N one more than the highest such number there; never over anything), so
// that no proof destroys an earlier one. Returns where it went; nothing when `path` is free.
std::optional<std::filesystem::path> keep_previous(const std::filesystem::path& path);
void make_private_dir(const std::filesystem::path& dir);
// Whether path is folder or lies below it once every symbolic link in either is resolved (path
// need not exist yet: its existing part is resolved). A lexical check is not enough: a link
// inside the folder may point anywhere.
bool is_inside(const std::filesystem::path& path, const std::filesystem::path& folder);
// `from` hard-linked to `to` (or copied, across file systems), replacing it; `to`'s folder is
// created when missing. A cache entry's file in a folder that outlives the entry.
void link_or_copy(const std::filesystem::path& from, const std::filesystem::path& to);

// Whether `path`, with every link on the way resolved, is a regular file inside `folder` (resolved
// too): a file that a folder's own records name, which no link may take elsewhere.
bool is_file_inside(const std::filesystem::path& path, const std::filesystem::path& folder);

// What a TempFolder holds, which decides what a signal does with it.
enum class TempContents {
    Private,  // removed by install_signal_cleanup's thread before the process ends (a witness)
    // Only what is public or kept elsewhere too (a copy of a circuit's sources, the toolchain's
    // output): left to the next TempFolder made in the same place, which removes it. A large
    // circuit's sources are a hundred thousand files: removing them would keep a stopped process
    // alive for minutes.
    Public,
};

// A new folder parent/prefix.PID.XXXXXX, mode 0700 (parent is created when missing), removed with
// its contents when the object goes (or, when Private, by install_signal_cleanup's thread) unless
// released. Making one also removes the folders that dead processes left there under the same
// prefix (a process killed outright cannot clean up; its folders may hold private data).
class TempFolder {
public:
    TempFolder(const std::filesystem::path& parent, const std::string& prefix, TempContents contents = TempContents::Private);
    ~TempFolder();
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
    void release();  // keep the folder (path() is empty from then on: read it first)

private:
    std::filesystem::path path_;
    std::optional<CleanupFolder> registration_;  // when Private
};

// Removes the folders under parent named prefix.PID.XXXXXX (any prefix when empty) whose process
// PID is no longer running.
void remove_stale_temp_folders(const std::filesystem::path& parent, const std::string& prefix = "");

}  // namespace zokml
