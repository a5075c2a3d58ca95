// Work split over threads: the prover's only concurrency.
#pragma once

#include <cstddef>
#include <functional>

namespace zokml::prover {

// Every core when threads is 0, else threads.
unsigned thread_count(unsigned threads);

// body(begin, end) over [0, count) in `threads` contiguous chunks, one thread each (the calling
// thread runs the last); returns when all are done. An exception in a chunk is rethrown here.
void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t, std::size_t)>& body);

}  // namespace zokml::prover
