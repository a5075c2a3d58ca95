// JSON documents that users give (models, manifests, inputs, proofs): parse errors name the file
// and the byte where parsing stopped. And JSON that zokml writes, whatever bytes its strings hold.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace zokml {

// The deepest nesting of arrays and objects parse_json accepts. zokml's own formats nest less than
// a dozen levels; a deeper document would only make every recursive walk of it (nlohmann's dump,
// comparison and copy) a stack overflow.
inline constexpr std::size_t kMaxJsonDepth = 64;

// Throws InputError(file, "(file)", "not valid JSON at byte N: ..."), and InputError naming the
// member for one given twice in an object or nested deeper than kMaxJsonDepth.
nlohmann::json parse_json(std::string_view text, const std::filesystem::path& file);
// read_input_file, then parse_json.
nlohmann::json read_json_file(const std::filesystem::path& file);
// The most zokml reads from stdin: a private input of a circuit's largest input (2^20 values)
// takes a few tens of MiB at most. More is refused rather than read until memory runs out.
inline constexpr std::size_t kMaxStdinBytes = std::size_t(64) << 20;
// read_json_file, or for "-" the document on stdin (named "<stdin>" in errors; InputError beyond
// kMaxStdinBytes).
nlohmann::json read_json_file_or_stdin(const std::filesystem::path& file);

// value.dump(indent), with the bytes of its strings that are not UTF-8 replaced by U+FFFD. A
// message or a record may hold a file name, an argument, a label or an ONNX string: none may make
// the output throw (nlohmann's dump refuses such bytes). Use it for every JSON zokml prints or writes.
std::string dump_json(const nlohmann::json& value, int indent = -1);

}  // namespace zokml
