// What the examples share: their flags (--name VALUE), and main() turning failures into a
// message and an exit code (2 usage or anything else, 3 bad input, 4 toolchain failure), as the
// zokml command does.
#pragma once

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <exception>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>

#include "zokml/core/errors.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml::examples {

// Calls on_flag[--name](value) for each `--name value` pair, in order; --help prints the usage and exits.
inline void parse_flags(int argc, char** argv, const std::string& usage,
                        const std::map<std::string, std::function<void(const std::string&)>>& on_flag) {
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            fmt::print("{}\n", usage);
            std::exit(0);
        }
        const auto handler = on_flag.find(flag);
        if (handler == on_flag.end()) throw std::invalid_argument("unknown option " + flag + "\n" + usage);
        if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value\n" + usage);
        handler->second(argv[++i]);
    }
}

// A flag's value as a non-negative integer.
inline std::size_t count(const std::string& text) {
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty())
        throw std::invalid_argument("expected a non-negative integer, got '" + text + "'");
    return value;
}

// "compile     5.58 s  (8807 constraints)": one line per pipeline step.
inline void print_step(const std::string& step, double seconds, const std::string& note = "") {
    fmt::print("{:<9} {:7.2f} s{}\n", step, seconds, note.empty() ? "" : "  (" + note + ")");
}

template <typename Run>
int guarded_main(Run&& run) {
    try {
        return run();
    } catch (const InputError& e) {
        fmt::print(stderr, "error: {}\n", e.what());
        return 3;
    } catch (const ToolchainError& e) {
        fmt::print(stderr, "error: {}\n{}\n", e.what(), e.tool_output());
        return 4;
    } catch (const std::exception& e) {
        fmt::print(stderr, "error: {}\n", e.what());
        return 2;
    }
}

}  // namespace zokml::examples
