#include "zokml/core/installation.hpp"

#include <mutex>

namespace zokml {
namespace fs = std::filesystem;

namespace {

struct InstallationRegistry {
    std::mutex mutex;
    std::optional<fs::path> dir;
};

// A function-local static: registrations run during static initialization, in any order.
InstallationRegistry& installation_registry() {
    static InstallationRegistry r;
    return r;
}

}  // namespace

bool register_installation(const fs::path& share_dir) {
    const std::lock_guard guard(installation_registry().mutex);
    installation_registry().dir = share_dir;
    return true;
}

std::optional<fs::path> installation_dir() {
    {
        const std::lock_guard guard(installation_registry().mutex);
        if (installation_registry().dir && fs::is_directory(*installation_registry().dir)) return installation_registry().dir;
    }
    std::error_code error;
    const fs::path self = fs::read_symlink("/proc/self/exe", error);
    if (error) return std::nullopt;
    const fs::path beside = self.parent_path().parent_path() / "share" / "zokml";
    if (fs::is_directory(beside / "tools", error)) return beside;
    return std::nullopt;
}

}  // namespace zokml
