#include "zokml/core/cleanup.hpp"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>

namespace zokml {
namespace {

struct CleanupRegistry {
    std::mutex mutex;
    std::set<std::filesystem::path> folders;
    std::set<pid_t> groups;
};

CleanupRegistry& cleanup_registry() {
    static CleanupRegistry r;  // never destroyed before the signal thread uses it: static, and the thread is detached
    return r;
}

sigset_t cleanup_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (const int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
    return set;
}

std::atomic<bool> stopping = false;

[[noreturn]] void clean_up_and_end(int signal) {
    // Held until the process ends: a main thread that returns meanwhile (its toolchain step was
    // just killed) waits in wait_while_stopping, so the process still ends by the signal.
    CleanupRegistry& r = cleanup_registry();
    r.mutex.lock();
    stopping = true;
    for (const pid_t group : r.groups) ::kill(-group, SIGKILL);
    std::error_code ignored;
    for (const auto& folder : r.folders) std::filesystem::remove_all(folder, ignored);
    // End by the same signal, so the parent sees what stopped us.
    ::signal(signal, SIG_DFL);
    const sigset_t set = cleanup_signals();
    ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    ::raise(signal);
    std::_Exit(128 + signal);
}

void wait_while_stopping() {
    if (stopping) cleanup_registry().mutex.lock();  // never returns: the cleanup thread ends the process
}

}  // namespace

void install_signal_cleanup() {
    static std::once_flag once;
    std::call_once(once, [] {
        cleanup_registry();  // constructed before the exit handler is registered: destroyed after it runs
        std::atexit(wait_while_stopping);
        // A write to a closed pipe fails with EPIPE instead: the writer stops as on any error, and
        // what it registered is removed on the way out.
        ::signal(SIGPIPE, SIG_IGN);
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
    const std::lock_guard lock(cleanup_registry().mutex);
    cleanup_registry().folders.insert(folder_);
}

CleanupFolder::~CleanupFolder() { release(); }

void CleanupFolder::release() {
    if (folder_.empty()) return;
    const std::lock_guard lock(cleanup_registry().mutex);
    cleanup_registry().folders.erase(folder_);
    folder_.clear();
}

CleanupProcessGroup::CleanupProcessGroup(pid_t group) : group_(group) {
    const std::lock_guard lock(cleanup_registry().mutex);
    cleanup_registry().groups.insert(group_);
}

CleanupProcessGroup::~CleanupProcessGroup() {
    const std::lock_guard lock(cleanup_registry().mutex);
    cleanup_registry().groups.erase(group_);
}

}  // namespace zokml
