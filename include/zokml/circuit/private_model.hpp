// The private-model circuit: private weights bound to a public commitment reach a public accuracy
// threshold on a public batch of labelled inputs baked into the circuit.
#pragma once

#include <cstdint>
#include <vector>

#include "zokml/circuit/options.hpp"
#include "zokml/core/field.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/toolchain/abi.hpp"
#include "zokml/toolchain/circuit.hpp"

namespace zokml {

// main(private weights and biases..., private field salt, field commitment, field threshold) ->
// correct count; the commitment is commit_model(model, salt).
// Only the model's architecture and parameter widths enter the circuit, never its values. Takes
// a Dense, ReLU, Dense, Argmax model without rescaling; throws InputError otherwise.
Circuit generate_private_model_circuit(const QuantizedModel& model, const LabeledBatch& batch,
                                       const PrivateModelOptions& options = {});

// The arguments: every parameter tensor in commitment order, the salt, the commitment and threshold.
std::vector<Value> private_model_arguments(const QuantizedModel& model, const FieldElement& salt, const FieldElement& commitment,
                                           std::int64_t threshold);

// What a private-model proof makes public.
struct PrivateModelPublic {
    FieldElement commitment;     // to the private parameters (commit_model, salted)
    std::int64_t threshold = 0;  // the claim: at least this many of the batch are correct
    std::int64_t correct = 0;    // how many are
    bool operator==(const PrivateModelPublic&) const = default;
};
// Read by name; throws std::invalid_argument when the inputs are not a private-model circuit's.
PrivateModelPublic decode_private_model_public(const Abi& abi, const std::vector<FieldElement>& public_inputs);

}  // namespace zokml
