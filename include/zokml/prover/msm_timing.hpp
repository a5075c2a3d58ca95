// For benchmarks (bench/native_bench.cpp): the native prover's G1 multi-scalar multiplication
// timed on made-up points, without the prover's private headers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace zokml::prover {

// The wall-clock seconds of one multi-scalar multiplication of `count` distinct G1 points by
// random scalars below r (both made from `seed` beforehand, not timed), on `threads` threads.
double time_g1_msm(std::size_t count, unsigned threads, std::uint64_t seed);

}  // namespace zokml::prover
