#include "zokml/core/files.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "zokml/core/errors.hpp"

namespace zokml {

namespace fs = std::filesystem;

void write_file_atomically(const fs::path& path, std::string_view contents) {
    std::string tmp = (path.parent_path() / ("." + path.filename().string() + ".XXXXXX")).string();
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
    if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(tmp.c_str());
        throw std::runtime_error(path.string() + ": cannot save: " + reason);
    }
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

TempFolder::TempFolder(const fs::path& parent, const std::string& prefix) {
    make_private_dir(parent);
    std::string pattern = (parent / (prefix + ".XXXXXX")).string();
    if (!::mkdtemp(pattern.data()))
        throw std::system_error(errno, std::generic_category(), "cannot create a folder in " + parent.string());
    path_ = pattern;
}

TempFolder::~TempFolder() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
}

}  // namespace zokml
