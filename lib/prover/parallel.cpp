#include "prover/parallel.hpp"

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

namespace zokml::prover {

unsigned thread_count(unsigned threads) {
    if (threads != 0) return threads;
    return std::max(1u, std::thread::hardware_concurrency());
}

void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t, std::size_t)>& body) {
    const std::size_t chunks = std::max<std::size_t>(1, std::min<std::size_t>(thread_count(threads), count));
    std::vector<std::exception_ptr> errors(chunks);
    const auto run = [&](std::size_t chunk) {
        try {
            body(count * chunk / chunks, count * (chunk + 1) / chunks);
        } catch (...) {
            errors[chunk] = std::current_exception();
        }
    };
    std::vector<std::thread> workers;
    for (std::size_t chunk = 0; chunk + 1 < chunks; ++chunk) workers.emplace_back(run, chunk);
    run(chunks - 1);
    for (std::thread& worker : workers) worker.join();
    for (const std::exception_ptr& error : errors)
        if (error) std::rethrow_exception(error);
}

}  // namespace zokml::prover
