#include "zokml/core/cleanup.hpp"

#include <pthread.h>
#include <signal.h>

#include <mutex>
#include <set>
#include <system_error>
#include <thread>

namespace zokml {
namespace {

struct Registry {
    std::mutex mutex;
    std::set<std::filesystem::path> folders;
    std::set<pid_t> groups;
};

Registry& registry() {
    static Registry r;  // never destroyed before the signal thread uses it: static, and the thread is detached
    return r;
}

sigset_t cleanup_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (const int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
    return set;
}

[[noreturn]] void clean_up_and_end(int signal) {
    {
        Registry& r = registry();
        const std::lock_guard lock(r.mutex);
        for (const pid_t group : r.groups) ::kill(-group, SIGKILL);
        std::error_code ignored;
        for (const auto& folder : r.folders) std::filesystem::remove_all(folder, ignored);
    }
    // End by the same signal, so the parent sees what stopped us.
    ::signal(signal, SIG_DFL);
    const sigset_t set = cleanup_signals();
    ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    ::raise(signal);
    std::_Exit(128 + signal);
}

}  // namespace

void install_signal_cleanup() {
    static std::once_flag once;
    std::call_once(once, [] {
        const sigset_t set = cleanup_signals();
        ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
        std::thread([set] {
            int signal = 0;
            while (::sigwait(&set, &signal) != 0) {
            }
            clean_up_and_end(signal);
        }).detach();
    });
}

CleanupFolder::CleanupFolder(std::filesystem::path folder) : folder_(std::move(folder)) {
    const std::lock_guard lock(registry().mutex);
    registry().folders.insert(folder_);
}

CleanupFolder::~CleanupFolder() { release(); }

void CleanupFolder::release() {
    if (folder_.empty()) return;
    const std::lock_guard lock(registry().mutex);
    registry().folders.erase(folder_);
    folder_.clear();
}

CleanupProcessGroup::CleanupProcessGroup(pid_t group) : group_(group) {
    const std::lock_guard lock(registry().mutex);
    registry().groups.insert(group_);
}

CleanupProcessGroup::~CleanupProcessGroup() {
    const std::lock_guard lock(registry().mutex);
    registry().groups.erase(group_);
}

}  // namespace zokml
