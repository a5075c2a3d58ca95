// A window of a scalar's bits: what the MSM's and the fixed-base tables' windows index by.
#pragma once

#include <cstdint>

#include "crypto/bn254/montgomery.hpp"

namespace zokml::prover {

// Bits [first, first + bits) of the scalar (bits <= 32; bits past 256 are zero).
inline std::uint32_t scalar_digit(const bn254::Limbs& scalar, unsigned first, unsigned bits) {
    const unsigned word = first / 64, shift = first % 64;
    if (word >= 4) return 0;
    std::uint64_t value = scalar[word] >> shift;
    if (shift + bits > 64 && word + 1 < 4) value |= scalar[word + 1] << (64 - shift);
    return static_cast<std::uint32_t>(value & ((std::uint64_t{1} << bits) - 1));
}

}  // namespace zokml::prover
