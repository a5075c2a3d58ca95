// The circuit generators' options: one definition of each default and of the values each accepts.
#pragma once

#include <cstddef>

#include "zokml/quantize/quantize.hpp"

namespace zokml {

// Inputs per chunk module: small modules keep the ZoKrates compiler linear in the model's size
// (docs/compile-time.md).
inline constexpr std::size_t kDefaultChunkSize = 56;
// Chunk and group sizes accepted.
inline constexpr Interval kModuleSizes{1, 1 << 20};
// The most values (the input's and every layer's outputs, summed) a generated circuit may hold.
// Nearly every value costs a constraint or more (a range check, a sign test, a comparison), and
// zokrates-js proves about 300,000 at most: beyond 2^20 no toolchain here could prove the circuit,
// while generating it would still take seconds and write hundreds of thousands of files (a
// 2.6 M-value MaxPool: 8 s, 330,000 modules).
inline constexpr std::size_t kMaxCircuitValues = std::size_t(1) << 20;

struct PrivateInputOptions {
    bool expose_logits = false;  // also output the logits (public; leaks more than the class)
    bool claimed_class = false;  // take a public claimed class and assert the prediction equals it
    bool hash_input = false;     // take the input's hash (hash_input in commitment.hpp) as a public input
    std::size_t chunk_size = kDefaultChunkSize;
    bool operator==(const PrivateInputOptions&) const = default;
};

struct PrivateModelOptions {
    std::size_t group_size = 10;  // batch inputs per classification module
    std::size_t chunk_size = kDefaultChunkSize;
    bool operator==(const PrivateModelOptions&) const = default;
};

struct BothPrivateOptions {
    std::size_t chunk_size = kDefaultChunkSize;
    bool operator==(const BothPrivateOptions&) const = default;
};

}  // namespace zokml
