// Commitments to integer tensors (a model's parameters, an input): each value range checked to
// its width, packed many to a BN254 field element, and the elements hashed in a Poseidon chain.
// A model's commitment is salted (hiding: it confirms no guess of the parameters). Computed
// natively here; the circuits compute the same value (docs/commitment.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zokml/core/field.hpp"
#include "zokml/quantize/quantize.hpp"

namespace zokml {

// Values of `bits` bits: signed ones lie in [-2^(bits-1), 2^(bits-1)) and are packed as
// value + 2^(bits-1); unsigned ones lie in [0, 2^bits) and are packed as they are.
struct CommittedTensor {
    std::string name;  // e.g. "layers[0].weights[3]": names the tensor in errors and in the layout
    std::vector<std::int64_t> values;
    unsigned bits = 8;
    bool is_signed = true;
};

// How many values share one field element: floor(253 / bits), so the packing never wraps p.
unsigned values_per_element(unsigned bits);

// The tensor's values packed little-endian, values_per_element(bits) per element, each tensor
// starting a new element. Throws InputError naming the tensor and index for a value out of range.
std::vector<FieldElement> pack_tensor(const CommittedTensor& tensor);

// The chain state after absorbing the elements five at a time (the last group padded with
// zeros): state = poseidon([state, e0, e1, e2, e3, e4]).
FieldElement absorb(FieldElement state, const std::vector<FieldElement>& elements);

// The first state of the chain: SHA-256 of the domain and every tensor's name, size, width and
// signedness, as a 248-bit field element. Binds the commitment to the layout.
FieldElement commitment_seed(const std::string& domain, const std::vector<CommittedTensor>& tensors);

// The chain over every tensor in order, starting from commitment_seed.
FieldElement commit(const std::string& domain, const std::vector<CommittedTensor>& tensors);
// The same chain with the salt absorbed first: state = poseidon([seed, salt, 0, 0, 0, 0]), then
// every tensor. Hiding when the salt is random and secret: without it, no guess of the values can
// be checked against the commitment.
FieldElement commit(const std::string& domain, const std::vector<CommittedTensor>& tensors, const FieldElement& salt);

// A fresh salt: 248 random bits (OpenSSL's RAND_bytes), below p.
FieldElement random_salt();

// A quantized model's parameters in commitment order: for each Dense layer, each weight row
// (one per output neuron), then its biases. Widths: the signed width of the layer's largest
// weight, and of its largest bias. Throws InputError for a model with Conv2D layers.
std::vector<CommittedTensor> model_parameters(const QuantizedModel& model);
// commit("zokml-model-v1", model_parameters(model), salt): `salt` is the model owner's secret
// (random_salt, kept in a private file: project/salt_file.hpp).
FieldElement commit_model(const QuantizedModel& model, const FieldElement& salt);

// The hash of one input (unsigned values of the model's input bits) a private-input proof can
// expose: commit("zokml-input-v1", {input}).
FieldElement hash_input(const QuantizedModel& model, const std::vector<std::int64_t>& input);

}  // namespace zokml
