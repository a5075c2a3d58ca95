// ZoKrates programs generated from a quantized model: a main module and many small modules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "zokml/abi.hpp"
#include "zokml/artifacts.hpp"
#include "zokml/quantize.hpp"

namespace zokml {

// A generated program: relative file name -> .zok source. Deterministic: the same model and
// options give the same bytes.
struct Circuit {
    std::string main_file = "main.zok";
    std::map<std::string, std::string> files;

    std::string fingerprint() const;  // SHA-256 over every file's name and text
    // Writes every file under dir (atomically each); the main module is dir / main_file.
    void write(const std::filesystem::path& dir) const;
};

struct PrivateInputOptions {
    bool expose_logits = false;   // also output the logits (public; leaks more than the class)
    bool claimed_class = false;   // take a public claimed class and assert the prediction equals it
    std::size_t chunk_size = 56;  // inputs per chunk module: small modules compile in linear time
    bool hash_input = false;      // take the input's hash (hash_input in commitment.hpp) as public input
};

// The private-input circuit: main(private field[n] x[, field claimed_class][, field input_hash])
// -> class, or (class, logits) with expose_logits. Inputs are range checked to [0, input_max]; ReLU and
// argmax use sign tests of the width the static bounds need. Throws InputError for models it
// cannot express (no Argmax head, a ReLU not after a Dense layer).
Circuit generate_private_input_circuit(const QuantizedModel& model, const PrivateInputOptions& options = {});

// The arguments of the private-input circuit for one input (input_hash: with hash_input).
std::vector<Value> private_input_arguments(const PrivateInputOptions& options, const std::vector<std::int64_t>& input,
                                           std::optional<int> claimed_class = {},
                                           std::optional<FieldElement> input_hash = {});

// What the private-input circuit makes public, read from its witness output or from a proof.
struct PrivateInputOutput {
    int predicted_class = -1;
    std::vector<std::int64_t> logits;  // with expose_logits
    bool operator==(const PrivateInputOutput&) const = default;
};
PrivateInputOutput decode_private_input_output(const PrivateInputOptions& options, const Value& witness_output);
PrivateInputOutput decode_private_input_output(const PrivateInputOptions& options, const Proof& proof);

}  // namespace zokml
