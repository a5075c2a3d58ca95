// Wall-clock timing of pipeline steps.
#pragma once

#include <chrono>
#include <utility>

namespace zokml {

// Runs f, stores its wall-clock seconds in `seconds` and returns f's result.
template <typename F>
auto timed(double& seconds, F&& f) {
    const auto start = std::chrono::steady_clock::now();
    auto result = std::forward<F>(f)();
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace zokml
