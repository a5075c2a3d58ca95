// Runs one program to completion with a timeout, feeding stdin and capturing all output.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace zokml::detail {

struct ProcessResult {
    int exit_code = 0;     // the program's exit code, or 128 + signal when a signal ended it
    int signal = 0;        // the signal that ended it, 0 when it exited
    bool timed_out = false;
    std::string out;       // stdout
    std::string err;       // stderr
};

// What a toolchain child does between fork and exec (only system calls: another thread may hold a
// lock at the fork): its own process group, so that a kill reaches what it starts; killed with
// its parent (`parent`, the pid before the fork); no blocked signal, SIGPIPE at its default;
// every descriptor but 0, 1 and 2 closed on exec.
void prepare_child(pid_t parent);

// Throws std::system_error when the program cannot be started at all.
ProcessResult run_process(const std::filesystem::path& executable, const std::vector<std::string>& arguments,
                          const std::filesystem::path& working_dir, const std::string& stdin_data,
                          std::chrono::milliseconds timeout);

}  // namespace zokml::detail
