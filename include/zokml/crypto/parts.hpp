// Version 2 of the model commitment, for statements proven in parts (split proving): each Dense
// layer's output neurons (each Conv2D layer's filters) are split into parts, each part is committed to on its own (salted), and the model
// commitment is a Poseidon chain over the part commitments. Also the salted commitments that link
// the sub-proofs: to the activations one proof produces and the next one reads. docs/commitment.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "zokml/core/field.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/model/model.hpp"
#include "zokml/quantize/quantize.hpp"

namespace zokml {

// Output neurons [first, first + count) of the Dense layer model.layers[layer] (or its filters,
// for a Conv2D layer), and what its commitment's layout holds: the weights of each neuron or
// filter, the layer's widths and, for a filter, the image it slides over and the window (public:
// the values are not).
struct PartRange {
    std::size_t layer = 0;
    std::size_t first = 0;
    std::size_t count = 0;
    std::size_t inputs = 0;    // weights per neuron (per filter: channels x kernel height x width)
    unsigned weight_bits = 0;  // signed width of every weight of the layer
    unsigned bias_bits = 0;    // of every bias of the layer
    Shape3 image{};            // Conv2D parts: the values the filters slide over; empty for Dense
    Window2D window{};         // Conv2D parts
    Window2D pool{};           // Conv2D parts followed by an AvgPool (fused: window sums), else kernel 0
    unsigned rescale_bits = 0; // the values before the ReLU are rescaled by 2^k (docs/quantization.md)
    Window2D max_pool{};       // Conv2D parts followed by ReLU and MaxPool: its window (else kernel 0)
    bool convolution() const { return image.size() > 0; }
    bool pooled() const { return pool.kernel_height > 0; }
    bool max_pooled() const { return max_pool.kernel_height > 0; }
    std::size_t pool_size() const { return pooled() ? pool.kernel_height * pool.kernel_width : 1; }
    // The values one neuron or filter outputs per input: 1, or the filter's output positions
    // (after its poolings).
    std::size_t positions() const;
    bool operator==(const PartRange&) const = default;
};

// The parts of a model of Dense and Conv2D layers (with ReLU, Flatten, an AvgPool after a Conv2D,
// a MaxPool after its ReLU and an Argmax head between them): each layer's neurons or filters in consecutive groups of neurons_per_part (the last group
// may be smaller), except the last layer, which is one part.
std::vector<PartRange> model_parts(const QuantizedModel& model, std::size_t neurons_per_part);

// A part's parameters in commitment order: each neuron's weight row, then the part's biases,
// with its layer's widths. Their names are relative to the part ("weights[j]", "biases"), so
// parts of one layer and size have the same layout (and share one program).
std::vector<CommittedTensor> part_tensors(const QuantizedModel& model, const PartRange& part);
// The same tensors with zeros for values: the layout alone, all that a circuit knows of a part.
std::vector<CommittedTensor> part_layout(const PartRange& part);
// The first state of a part's chain (from its layout alone), and its commitment, salted with
// the part's own salt (part_salts): commit(domain, part_tensors, part_salt).
FieldElement part_seed(const PartRange& part);
FieldElement commit_part(const QuantizedModel& model, const PartRange& part, const FieldElement& part_salt);

// The salt of each of a model's first `parts` parts, from the model owner's secret salt:
// poseidon([salt, model key, index]), the model key being SHA-256 of the model's canonical text
// (first byte zeroed). Random-looking and independent to anyone without the salt, and different
// for two models committed with the same salt (docs/commitment.md).
std::vector<FieldElement> part_salts(const FieldElement& salt, const QuantizedModel& model, std::size_t parts);

// The model commitment, version 2: a chain over the (salted) part commitments, in the order of
// model_parts, seeded by the layout of every part. With one salt per part, or the owner's salt
// (part_salts derives theirs); InputError when the salts are not one per part.
FieldElement model_commitment_seed(const std::vector<PartRange>& parts);
FieldElement commit_model_parts(const std::vector<PartRange>& parts, const std::vector<FieldElement>& part_commitments);
FieldElement commit_model_v2(const QuantizedModel& model, std::size_t neurons_per_part, const std::vector<FieldElement>& part_salts);
FieldElement commit_model_v2(const QuantizedModel& model, std::size_t neurons_per_part, const FieldElement& salt);

// A salted commitment to unsigned values of `bits` bits: the chain absorbs the packed values
// starting from the salt, so that it reveals nothing about them without the salt.
FieldElement commit_salted(const FieldElement& salt, const std::vector<std::int64_t>& values, unsigned bits);

}  // namespace zokml
