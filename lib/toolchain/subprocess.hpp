// Runs one program to completion with a timeout, feeding stdin and capturing all output.
#pragma once

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

// Throws std::system_error when the program cannot be started at all.
ProcessResult run_process(const std::filesystem::path& executable, const std::vector<std::string>& arguments,
                          const std::filesystem::path& working_dir, const std::string& stdin_data,
                          std::chrono::milliseconds timeout);

}  // namespace zokml::detail
