// The Poseidon hash ZoKrates computes in circuits, computed natively: a model owner can
// publish a commitment to values (weights) without running ZoKrates.
#pragma once

#include <vector>

#include "zokml/core/field.hpp"

namespace zokml {

// ZoKrates 0.8.8's stdlib `hashes/poseidon/poseidon` of 1 to 6 field elements, the same value
// as circomlib's Poseidon (x^5 S-box, 8 full rounds, width = inputs + 1). Throws
// std::invalid_argument for 0 or more than 6 inputs.
FieldElement poseidon(const std::vector<FieldElement>& inputs);

}  // namespace zokml
