// The both-private circuit: a private input through a private model bound to a public commitment;
// the proof shows the class.
#pragma once

#include <cstdint>
#include <vector>

#include "zokml/circuit/options.hpp"
#include "zokml/core/field.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/toolchain/abi.hpp"
#include "zokml/toolchain/circuit.hpp"

namespace zokml {

// main(private field[n] x, private parameters..., private field salt, field commitment) -> class,
// the commitment being commit_model(model, salt). The same model shapes as the private-model
// circuit; inputs are range checked as in the private-input circuit.
Circuit generate_both_private_circuit(const QuantizedModel& model, const BothPrivateOptions& options = {});

std::vector<Value> both_private_arguments(const QuantizedModel& model, const std::vector<std::int64_t>& input,
                                          const FieldElement& salt, const FieldElement& commitment);

// What a both-private proof makes public.
struct BothPrivatePublic {
    FieldElement commitment;
    int predicted_class = -1;
    bool operator==(const BothPrivatePublic&) const = default;
};
BothPrivatePublic decode_both_private_public(const Abi& abi, const std::vector<FieldElement>& public_inputs);

}  // namespace zokml
