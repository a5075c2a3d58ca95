// The examples' main(): runs one and turns its failures into a message and an exit code
// (3 bad input, 4 toolchain failure, 2 anything else), as the zokml command does.
#pragma once

#include <fmt/format.h>

#include <exception>

#include "zokml/core/errors.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml::examples {

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
