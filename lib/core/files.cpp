#include "zokml/core/files.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "zokml/core/errors.hpp"

namespace zokml {

namespace fs = std::filesystem;

namespace {

// Writes `contents` to a temporary file beside `path` (mode 0600), then renames it over `path`, or
// (replace false) links it there unless `path` exists. False when it did exist.
bool publish_file(const fs::path& path, std::string_view contents, bool replace) {
    std::string tmp = (path.parent_path() / fmt::format(".{}.XXXXXX", path.filename().string())).string();
    const int fd = ::mkstemp(tmp.data());  // mode 0600
    if (fd < 0) throw std::runtime_error(path.string() + ": cannot create a temporary file: " + std::strerror(errno));
    std::size_t written = 0;
    while (written < contents.size()) {
        const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string reason = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            throw std::runtime_error(path.string() + ": write failed: " + reason);
        }
        written += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0 || (replace ? ::rename(tmp.c_str(), path.c_str()) : ::link(tmp.c_str(), path.c_str())) != 0) {
        const int error = errno;
        ::unlink(tmp.c_str());
        if (!replace && error == EEXIST) return false;
        throw std::runtime_error(path.string() + ": cannot save: " + std::strerror(error));
    }
    if (!replace) ::unlink(tmp.c_str());
    return true;
}

}  // namespace

void write_file_atomically(const fs::path& path, std::string_view contents) { publish_file(path, contents, true); }

bool write_new_file_atomically(const fs::path& path, std::string_view contents) { return publish_file(path, contents, false); }

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

TempFolder::TempFolder(const fs::path& parent, const std::string& prefix)
    : path_(unique_pattern(parent, prefix)), registration_(path_) {}

TempFolder::~TempFolder() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
}

void TempFolder::release() {
    registration_.release();
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
    if (error) std::filesystem::copy_file(from, to);
}

bool is_file_inside(const std::filesystem::path& path, const std::filesystem::path& folder) {
    std::error_code error;
    const auto file = std::filesystem::canonical(path, error);
    if (error || !std::filesystem::is_regular_file(file, error)) return false;
    const auto root = std::filesystem::canonical(folder, error);
    if (error) return false;
    const auto relative = file.lexically_relative(root);
    return !relative.empty() && *relative.begin() != "..";
}

}  // namespace zokml
