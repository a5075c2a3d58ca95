// Private inputs as users give them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

namespace zokml {

// A JSON array of integers: the model's integer inputs (e.g. 784 pixels 0..255). Throws
// InputError naming the file and the index of anything that is not a 64-bit integer; ranges are
// the model's to check (run_reference).
std::vector<std::int64_t> integer_input(const nlohmann::json& values, const std::filesystem::path& file);

}  // namespace zokml
