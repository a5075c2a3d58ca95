// A 128-bit integer for exact bounds and sums over int64 values (a GCC/Clang extension).
#pragma once

namespace zokml::detail {
__extension__ using int128 = __int128;
}  // namespace zokml::detail
