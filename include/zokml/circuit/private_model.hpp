// The private-model proof: private weights bound to a public commitment reach a public accuracy
// threshold on a public batch of labelled inputs baked into the circuit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "zokml/circuit/private_input.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/quantize/quantize.hpp"

namespace zokml {

struct PrivateModelOptions {
    std::size_t group_size = 10;  // inputs per classification module
    std::size_t chunk_size = 56;  // weights per chunk of a hidden neuron's row
};

// main(private weights and biases..., field commitment, field threshold) -> correct count.
// Only the model's architecture and parameter widths enter the circuit, never its values. Takes
// a Dense, ReLU, Dense, Argmax model; throws InputError otherwise.
Circuit generate_private_model_circuit(const QuantizedModel& model, const LabeledBatch& batch,
                                       const PrivateModelOptions& options = {});

// Private input and committed private model: main(private field[n] x, private parameters...,
// field commitment) -> class. Same model shapes as the private-model circuit.
Circuit generate_both_private_circuit(const QuantizedModel& model, const PrivateModelOptions& options = {});
std::vector<Value> both_private_arguments(const QuantizedModel& model, const std::vector<std::int64_t>& input,
                                          const FieldElement& commitment);

// The arguments: every parameter tensor in commitment order, then the commitment and threshold.
std::vector<Value> private_model_arguments(const QuantizedModel& model, const FieldElement& commitment,
                                           std::int64_t threshold);

}  // namespace zokml
