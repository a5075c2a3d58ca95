// zokml: zero-knowledge proofs about neural networks with ZoKrates, from the command line.
// Dispatches to one subcommand per file (cli/NAME.cpp) and maps errors to exit codes.
#include <fmt/format.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "common.hpp"
#include "subcommands.hpp"
#include "zokml/core/cleanup.hpp"
#include "zokml/core/errors.hpp"

using namespace zokml;
using namespace zokml::cli;

namespace {

std::vector<Subcommand> subcommands() {
    return {inspect_command(), quantize_command(), calibrate_command(), commit_command(),         generate_command(),
            compile_command(), setup_command(),    prove_command(),          verify_command(),
            export_verifier_command(), calldata_command(), export_web_command(), convert_proof_command(), run_command(), build_command(), split_setup_command(),
            split_prove_command(), cache_command()};
}

std::string overview() {
    std::string text =
        "zokml: zero-knowledge proofs about neural networks with ZoKrates\n\n"
        "usage: zokml COMMAND [options]      zokml COMMAND --help      zokml --version\n\ncommands:\n";
    for (const auto& command : subcommands()) text += fmt::format("  {:<16} {}\n", command.name, command.summary);
    text += "\nexit codes: 0 ok, 1 verification failed (or build --check found stale circuits), 2 usage,\n"
            "3 bad input, 4 toolchain failure, 5 other error. See docs/cli.md.\n";
    return text;
}

std::string last_lines(const std::string& text, std::size_t count) {
    std::vector<std::string> lines;
    std::stringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    if (lines.size() > count) lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(count));
    std::string out;
    for (const auto& line : lines) out += "  | " + line + "\n";
    return out;
}

// Prints the error (and, with --json, a JSON object naming it on stdout); returns the exit code.
int fail(const std::string& command, bool json, ExitCode code, const char* kind, const std::string& message,
         const std::string& more = "") {
    // fputs never throws (fmt::print does): stderr may be a closed pipe too.
    std::fputs(fmt::format("zokml{}{}: {}\n{}", command.empty() ? "" : " ", command, message, more).c_str(), stderr);
    if (json) {
        const std::string text = dump_json(nlohmann::json{{"error", {{"kind", kind}, {"message", message}, {"exit_code", code}}}}, 2);
        std::fputs((text + "\n").c_str(), stdout);  // never throws: stdout may be what failed
    }
    return code;
}

int dispatch(const Subcommand& command, const std::vector<std::string>& arguments) {
    const bool json = std::find(arguments.begin(), arguments.end(), "--json") != arguments.end();
    const std::string usage = fmt::format("usage: zokml {} {}\nrun 'zokml {} --help' for the options\n", command.name,
                                          command.usage, command.name);
    try {
        const Args args(command.options, arguments, command.max_positional);
        if (args.has("help")) {
            fmt::print("{}", help_text(command));
            return kOk;
        }
        return command.run(args, Output{json});
    } catch (const OutputClosed& e) {
        std::fputs(fmt::format("zokml {}: {}\n", command.name, e.what()).c_str(), stderr);
        return kOutputClosed;
    } catch (const UsageError& e) {
        return fail(command.name, json, kUsage, "usage", e.what(), usage);
    } catch (const InputError& e) {
        return fail(command.name, json, kBadInput, "input", e.what());
    } catch (const ToolchainError& e) {
        return fail(command.name, json, kToolchainFailed, "toolchain", e.what(), last_lines(e.tool_output(), 20));
    } catch (const std::exception& e) {
        return fail(command.name, json, kOtherError, "other", e.what());
    }
}

}  // namespace

int main(int argc, char** argv) {
    install_signal_cleanup();  // Ctrl-C and SIGTERM: no orphaned toolchain, no witness left behind
    const std::vector<std::string> arguments(argv + 1, argv + argc);
    if (arguments.empty()) {
        fmt::print(stderr, "{}", overview());
        return kUsage;
    }
    const std::string& first = arguments[0];
    if (first == "--help" || first == "-h" || first == "help") {
        if (first == "help" && arguments.size() > 1)
            for (const auto& command : subcommands())
                if (command.name == arguments[1]) return fmt::print("{}", help_text(command)), kOk;
        fmt::print("{}", overview());
        return kOk;
    }
    if (first == "--version") {
        fmt::print("zokml {}\n", zokml_version());
        try {
            const Toolchain toolchain;
            fmt::print("toolchain {} ({})\n", toolchain.executable().string(), toolchain.version());
        } catch (const ToolchainError& e) {
            fmt::print("toolchain: {}\n", e.what());
        }
        return kOk;
    }
    for (const auto& command : subcommands())
        if (command.name == first) return dispatch(command, {arguments.begin() + 1, arguments.end()});
    const bool json = std::find(arguments.begin(), arguments.end(), "--json") != arguments.end();
    return fail("", json, kUsage, "usage", "unknown command '" + first + "'", "run 'zokml --help' for the commands\n");
}
