// JSON documents that users give (models, manifests, inputs, proofs): parse errors name the file
// and the byte where parsing stopped.
#pragma once

#include <filesystem>
#include <string_view>

#include <nlohmann/json.hpp>

namespace zokml {

// Throws InputError(file, "(file)", "not valid JSON at byte N: ...").
nlohmann::json parse_json(std::string_view text, const std::filesystem::path& file);
// read_input_file, then parse_json.
nlohmann::json read_json_file(const std::filesystem::path& file);

}  // namespace zokml
