#include "tool_step.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <sstream>
#include <system_error>

#include "subprocess.hpp"

namespace zokml::detail {

namespace fs = std::filesystem;

std::string last_line(const std::string& text) {
    std::string line, last;
    std::stringstream lines(text);
    while (std::getline(lines, line))
        if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
    return last;
}

std::string run_step(const std::string& tool, const fs::path& executable, std::chrono::milliseconds timeout, Step step,
                     const std::vector<std::string>& arguments, const fs::path& working_dir, const std::string& stdin_data) {
    using Kind = ToolchainError::Kind;
    ProcessResult r;
    try {
        r = run_process(executable, arguments, working_dir, stdin_data, timeout);
    } catch (const std::system_error& e) {
        throw ToolchainError(step, Kind::NotFound, -1, "", "cannot run " + executable.string() + ": " + e.what(), tool);
    }
    const std::string output = r.out + r.err;
    if (r.timed_out)
        throw ToolchainError(step, Kind::TimedOut, r.exit_code, output,
                             fmt::format("timed out after {} s and was killed", timeout.count() / 1000.0), tool);
    if (r.signal)
        throw ToolchainError(step, Kind::Killed, r.exit_code, output,
                             fmt::format("killed by signal {} (exit code {}{})", r.signal, r.exit_code,
                                         r.signal == 9 ? ", out of memory?" : ""),
                             tool);
    if (r.exit_code == 101)
        throw ToolchainError(step, Kind::Panicked, r.exit_code, output, "panicked: " + last_line(output), tool);
    // A full disk is the machine's failure, not the tool's: an I/O error (exit code 5), not a toolchain one.
    if (r.exit_code != 0 && (output.find("(os error 28)") != std::string::npos || output.find("ENOSPC") != std::string::npos))
        throw std::system_error(ENOSPC, std::generic_category(), tool + " " + to_string(step) + ": " + last_line(output));
    if (r.exit_code != 0)
        throw ToolchainError(step, Kind::Failed, r.exit_code, output,
                             fmt::format("failed (exit code {}): {}", r.exit_code, last_line(output)), tool);
    return r.out;
}

}  // namespace zokml::detail
