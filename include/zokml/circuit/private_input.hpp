// The private-input circuit: a public model (weights as constants), a private input, a public class.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "zokml/toolchain/abi.hpp"
#include "zokml/toolchain/artifacts.hpp"
#include "zokml/toolchain/circuit.hpp"
#include "zokml/quantize/quantize.hpp"

namespace zokml {

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
