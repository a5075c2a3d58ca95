#include "zokml/core/installation.hpp"

#include <mutex>

namespace zokml {
namespace fs = std::filesystem;

namespace {

struct Registry {
    std::mutex mutex;
    std::optional<fs::path> dir;
};

// A function-local static: registrations run during static initialization, in any order.
Registry& registry() {
    static Registry r;
    return r;
}

}  // namespace

bool register_installation(const fs::path& share_dir) {
    const std::lock_guard guard(registry().mutex);
    registry().dir = share_dir;
    return true;
}

std::optional<fs::path> installation_dir() {
    {
        const std::lock_guard guard(registry().mutex);
        if (registry().dir && fs::is_directory(*registry().dir)) return registry().dir;
    }
    std::error_code error;
    const fs::path self = fs::read_symlink("/proc/self/exe", error);
    if (error) return std::nullopt;
    const fs::path beside = self.parent_path().parent_path() / "share" / "zokml";
    if (fs::is_directory(beside / "tools", error)) return beside;
    return std::nullopt;
}

}  // namespace zokml
