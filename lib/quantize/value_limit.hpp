// The limit every quantized value and static bound stays under: |v| < 2^62, so that the int64
// reference is exact and the sum of two values never overflows.
#pragma once

#include <cstdint>
#include <string>

#include "core/int128.hpp"

namespace zokml::detail {

inline constexpr int128 kValueLimit = int128(1) << 62;

// v as an int64; throws InputError(model, field, ...) with what to change when |v| >= 2^62.
std::int64_t within_value_limit(int128 v, const std::string& model, const std::string& field);

}  // namespace zokml::detail
