#include "zokml/core/files.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

#include "zokml/core/errors.hpp"

namespace zokml {

namespace fs = std::filesystem;

namespace {

// A temporary file beside `path` (mode 0600), renamed over it by commit() and removed otherwise.
// Its errors name `path` and the reason (a full disk: "No space left on device").
class PendingFile {
public:
    explicit PendingFile(const fs::path& path)
        : path_(path), tmp_((path.parent_path() / fmt::format(".{}.XXXXXX", path.filename().string())).string()),
          fd_(::mkstemp(tmp_.data())) {
        if (fd_ < 0) fail("cannot create a temporary file");
    }
    ~PendingFile() {
        if (fd_ >= 0) ::close(fd_);
        if (!committed_) ::unlink(tmp_.c_str());
    }
    PendingFile(const PendingFile&) = delete;
    PendingFile& operator=(const PendingFile&) = delete;

    void write(std::string_view bytes) {
        std::size_t written = 0;
        while (written < bytes.size()) {
            const ssize_t n = ::write(fd_, bytes.data() + written, bytes.size() - written);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) fail("write failed");
            written += static_cast<std::size_t>(n);
        }
    }
    void commit() {
        const int fd = std::exchange(fd_, -1);
        if (::close(fd) != 0 || ::rename(tmp_.c_str(), path_.c_str()) != 0) fail("cannot save");
        committed_ = true;
    }
    // Links the file at path_ unless something is there (false then); the temporary goes either way.
    bool commit_new() {
        const int fd = std::exchange(fd_, -1);
        if (::close(fd) != 0) fail("cannot save");
        if (::link(tmp_.c_str(), path_.c_str()) == 0) return true;
        if (errno == EEXIST) return false;
        fail("cannot save");
    }

private:
    [[noreturn]] void fail(const char* what) const {
        throw std::runtime_error(fmt::format("{}: {}: {}", path_.string(), what, std::strerror(errno)));
    }
    fs::path path_;
    std::string tmp_;
    int fd_;
    bool committed_ = false;
};

}  // namespace

void write_file_atomically(const fs::path& path, std::string_view contents) {
    PendingFile file(path);
    file.write(contents);
    file.commit();
}

void copy_file_atomically(const fs::path& from, const fs::path& to) {
    std::ifstream in(from, std::ios::binary);
    if (!in) throw std::runtime_error(from.string() + ": cannot open for reading");
    PendingFile out(to);
    std::vector<char> buffer(std::size_t(1) << 20);
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0)
        out.write({buffer.data(), static_cast<std::size_t>(in.gcount())});
    if (in.bad()) throw std::runtime_error(from.string() + ": read failed");
    out.commit();
}

bool write_new_file_atomically(const fs::path& path, std::string_view contents) {
    PendingFile file(path);
    file.write(contents);
    return file.commit_new();
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path.string() + ": cannot open for reading");
    std::ostringstream contents;
    contents << in.rdbuf();
    return contents.str();
}

std::string read_input_file(const fs::path& path) {
    if (!fs::is_regular_file(path))
        throw InputError(path, "(file)", fs::exists(path) ? "is not a regular file" : "does not exist");
    try {
        return read_file(path);
    } catch (const std::runtime_error&) {
        throw InputError(path, "(file)", "cannot be read");
    }
}

void make_private_dir(const fs::path& dir) {
    if (fs::is_directory(dir)) return;
    fs::create_directories(dir);
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
}

bool is_inside(const fs::path& path, const fs::path& folder) {
    std::error_code error;
    // weakly_canonical leaves a dangling link unresolved, yet writing through it creates its target.
    fs::path prefix;
    for (const auto& part : fs::absolute(path).lexically_normal()) {
        prefix /= part;
        if (fs::is_symlink(fs::symlink_status(prefix, error)) && !fs::exists(fs::status(prefix, error))) return false;
    }
    const fs::path resolved = fs::weakly_canonical(fs::absolute(path), error);
    if (error) return false;
    const fs::path root = fs::weakly_canonical(fs::absolute(folder), error);
    if (error) return false;
    const fs::path relative = resolved.lexically_relative(root);
    return !relative.empty() && *relative.begin() != "..";
}

namespace {

std::string unique_pattern(const fs::path& parent, const std::string& prefix) {
    make_private_dir(parent);
    remove_stale_temp_folders(parent, prefix);
    std::string pattern = (parent / fmt::format("{}.{}.XXXXXX", prefix, ::getpid())).string();
    if (!::mkdtemp(pattern.data()))
        throw std::system_error(errno, std::generic_category(), "cannot create a folder in " + parent.string());
    return pattern;
}

// The process id in a name prefix.PID.XXXXXX; 0 when the name has another form.
pid_t owner_of(const std::string& name) {
    const auto last = name.rfind('.');
    if (last == std::string::npos || last == 0) return 0;
    const auto before = name.rfind('.', last - 1);
    if (before == std::string::npos) return 0;
    pid_t pid = 0;
    const char* begin = name.data() + before + 1;
    const char* end = name.data() + last;
    const auto [stop, error] = std::from_chars(begin, end, pid);
    return error == std::errc() && stop == end && pid > 0 ? pid : 0;
}

}  // namespace

TempFolder::TempFolder(const fs::path& parent, const std::string& prefix, TempContents contents)
    : path_(unique_pattern(parent, prefix)),
      registration_(contents == TempContents::Private ? std::optional<CleanupFolder>(std::in_place, path_) : std::nullopt) {}

TempFolder::~TempFolder() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
}

void TempFolder::release() {
    if (registration_) registration_->release();
    path_.clear();
}

void remove_stale_temp_folders(const fs::path& parent, const std::string& prefix) {
    std::error_code error;
    for (const auto& item : fs::directory_iterator(parent, error)) {
        const std::string name = item.path().filename().string();
        if (!prefix.empty() && !name.starts_with(prefix + ".")) continue;
        const pid_t owner = owner_of(name);
        if (owner != 0 && ::kill(owner, 0) != 0 && errno == ESRCH) fs::remove_all(item.path(), error);
    }
}

void link_or_copy(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::filesystem::create_directories(to.parent_path());
    std::filesystem::remove(to);
    std::error_code error;
    std::filesystem::create_hard_link(from, to, error);
    if (error) copy_file_atomically(from, to);
}

bool is_file_inside(const std::filesystem::path& path, const std::filesystem::path& folder) {
    std::error_code error;
    return std::filesystem::is_regular_file(path, error) && is_inside(path, folder);
}

std::optional<fs::path> keep_previous(const fs::path& path) {
    std::error_code error;
    if (!fs::exists(fs::symlink_status(path, error))) return std::nullopt;
    const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
    const std::string stem = path.stem().string() + "-", extension = path.extension().string();
    std::uint64_t highest = 0;
    for (const auto& entry : fs::directory_iterator(folder)) {
        const std::string name = entry.path().filename().string();
        if (name.size() <= stem.size() + extension.size() || !name.starts_with(stem) || !name.ends_with(extension)) continue;
        const std::string digits = name.substr(stem.size(), name.size() - stem.size() - extension.size());
        if (digits.size() < 19 && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
            highest = std::max<std::uint64_t>(highest, std::stoull(digits));
    }
    for (std::uint64_t n = highest + 1;; ++n) {  // another process may take a name first
        const fs::path kept = folder / fmt::format("{}{}{}", stem, n, extension);
        if (::renameat2(AT_FDCWD, path.c_str(), AT_FDCWD, kept.c_str(), RENAME_NOREPLACE) == 0) return kept;
        if (errno == ENOENT) return std::nullopt;  // gone meanwhile: nothing to keep
        if (errno != EEXIST)
            throw fs::filesystem_error("cannot keep the previous " + path.filename().string() + " aside", path, kept,
                                       std::error_code(errno, std::generic_category()));
    }
}

}  // namespace zokml
