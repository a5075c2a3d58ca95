// What must not outlive a stopped process: the toolchain's child process groups (which would run
// on as orphans) and temporary folders (which hold private values, such as a witness).
//
// install_signal_cleanup() makes SIGINT, SIGTERM and SIGHUP clean up before the process ends:
// call it first thing in main(), before any thread starts. It blocks those signals in every
// thread and waits for them in a thread of its own, which kills the registered process groups,
// removes the registered folders and then ends the process by the same signal. A process killed
// outright (SIGKILL) cannot clean up: its children die with it (the toolchain asks the kernel for
// that), and its temporary folders are swept by the next TempFolder made in the same place.
// It also ignores SIGPIPE: a write to a closed pipe (stdout read by `head`) fails with EPIPE, which
// the writer reports, so the process ends through its error path and cleans up as it does there.
#pragma once

#include <filesystem>
#include <sys/types.h>

namespace zokml {

void install_signal_cleanup();

// Registrations, each held while its object lives (TempFolder and the toolchain use them).
class CleanupFolder {
public:
    explicit CleanupFolder(std::filesystem::path folder);
    ~CleanupFolder();
    CleanupFolder(const CleanupFolder&) = delete;
    CleanupFolder& operator=(const CleanupFolder&) = delete;
    void release();  // the folder stays

private:
    std::filesystem::path folder_;
};

class CleanupProcessGroup {
public:
    explicit CleanupProcessGroup(pid_t group);
    ~CleanupProcessGroup();
    CleanupProcessGroup(const CleanupProcessGroup&) = delete;
    CleanupProcessGroup& operator=(const CleanupProcessGroup&) = delete;

private:
    pid_t group_;
};

}  // namespace zokml
