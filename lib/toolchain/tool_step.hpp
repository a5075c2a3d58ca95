// One step of a toolchain command (the zokrates command, the bundled snarkjs one), run to its end
// with its outcome classified.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "zokml/toolchain/toolchain.hpp"

namespace zokml::detail {

// The last non-empty line of what a tool printed: its error message.
std::string last_line(const std::string& text);

// Runs `tool`'s step and returns its stdout; any outcome but exit code 0 becomes a ToolchainError
// naming the tool (a full disk: std::system_error ENOSPC).
std::string run_step(const std::string& tool, const std::filesystem::path& executable, std::chrono::milliseconds timeout,
                     Step step, const std::vector<std::string>& arguments, const std::filesystem::path& working_dir,
                     const std::string& stdin_data = "");

}  // namespace zokml::detail
