// Private inputs as users give them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/data/batch.hpp"

namespace zokml {

// A JSON array of integers: the model's integer inputs (e.g. 784 pixels 0..255). Throws
// InputError naming the file and the index of anything that is not a 64-bit integer; ranges are
// the model's to check (run_reference).
std::vector<std::int64_t> integer_input(const nlohmann::json& values, const std::filesystem::path& file);

// One input as the circuit takes it: integers (range-checked against the model when proven).
struct IntegerInput {
    std::vector<std::int64_t> values;
    std::filesystem::path file;  // where it came from, for errors ("<stdin>")
};

// Input `index` of float inputs as the float model takes them, quantized with the model's input
// range when proven (every input of the batch checked against it: refused outside, never clamped).
struct FloatInput {
    FloatBatch batch;  // without labels
    std::size_t index = 0;
    std::filesystem::path file;  // where it came from, for errors
};

// The input an input file holds, told apart by content: a file that starts (after white space)
// with '[' is a JSON array of integers, one IntegerInput; any other is float inputs (a .npy, CSV or
// JSON batch file: read_batch_file without labels), of which `index` is the one (FloatInput; no
// index: the file's only input). "-" is a JSON array of integers on stdin (read_json_file_or_stdin).
// Throws InputError as integer_input and read_batch_file do; std::invalid_argument for an index
// of integers, or none for a file of more than one input. An index past the inputs is the prover's
// InputError (it names the count).
std::variant<IntegerInput, FloatInput> read_proof_input(const std::filesystem::path& file,
                                                        std::optional<std::size_t> index = std::nullopt);

}  // namespace zokml
