// The private-input circuit: a public model (weights as constants), a private input, a public class.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "zokml/circuit/options.hpp"
#include "zokml/core/field.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/toolchain/abi.hpp"
#include "zokml/toolchain/circuit.hpp"

namespace zokml {

// main(private field[n] x[, field claimed_class][, field input_hash]) -> class, or
// (class, logits) with expose_logits. Inputs are range checked to [0, input_max]; ReLU and argmax
// use sign tests of the width the static bounds need. Throws InputError for models it cannot
// express (no Argmax head, a ReLU not after a Dense, Conv2D or pooling layer).
Circuit generate_private_input_circuit(const QuantizedModel& model, const PrivateInputOptions& options = {});

// The constraints of that circuit with the default options, from the model's static bounds and
// without compiling (docs/circuit-layout.md's costs): exact for MLPs; a MaxPool's comparisons are
// counted as if the bounds decided none of them, so a CNN's estimate may be a little above.
// What `zokml calibrate` weighs candidates by. Throws as the generator does.
std::size_t estimate_private_input_constraints(const QuantizedModel& model);

// The arguments for one input of the model (claimed_class and input_hash: with those options, else
// ignored): the input as its bits (the model's input_bits each), or with hash_input as integers.
// Throws std::invalid_argument when the circuit takes one that is not given.
std::vector<Value> private_input_arguments(const QuantizedModel& model, const PrivateInputOptions& options,
                                           const std::vector<std::int64_t>& input,
                                           std::optional<int> claimed_class = {},
                                           std::optional<FieldElement> input_hash = {});

// What a private-input proof makes public.
struct PrivateInputPublic {
    int predicted_class = -1;
    std::optional<int> claimed_class;        // a circuit with claimed_class
    std::optional<FieldElement> input_hash;  // a circuit with hash_input
    std::vector<std::int64_t> logits;        // a circuit with expose_logits
    bool operator==(const PrivateInputPublic&) const = default;
};
// Read by name from a proof's public inputs (or PublicValues::of_witness) with the program's ABI.
// Throws std::invalid_argument when they are not a private-input circuit's.
PrivateInputPublic decode_private_input_public(const Abi& abi, const std::vector<FieldElement>& public_inputs);

}  // namespace zokml
