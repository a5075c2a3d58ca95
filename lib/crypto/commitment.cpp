#include "zokml/crypto/commitment.hpp"

#include <fmt/format.h>

#include <array>

#include "zokml/core/digest.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/random.hpp"
#include "zokml/crypto/poseidon.hpp"

namespace zokml {

unsigned values_per_element(unsigned bits) { return 253 / bits; }

std::vector<FieldElement> pack_tensor(const CommittedTensor& tensor) {
    if (tensor.bits < 1 || tensor.bits > 62) throw InputError("", tensor.name, "widths must be 1..62 bits");
    const std::int64_t offset = tensor.is_signed ? std::int64_t(1) << (tensor.bits - 1) : 0;
    const std::int64_t limit = std::int64_t(1) << tensor.bits;
    const unsigned per = values_per_element(tensor.bits);
    const FieldElement shift = FieldElement::from_int(2).pow(tensor.bits);
    std::vector<FieldElement> packed((tensor.values.size() + per - 1) / per);
    for (std::size_t i = 0; i < tensor.values.size(); ++i) {
        const std::int64_t u = tensor.values[i] + offset;
        if (u < 0 || u >= limit)
            throw InputError("", fmt::format("{}[{}]", tensor.name, i),
                             fmt::format("{} does not fit {} {} bits", tensor.values[i], tensor.is_signed ? "signed" : "unsigned",
                                         tensor.bits));
        // Little-endian within the element: value j of an element is multiplied by 2^(bits * j).
        FieldElement& element = packed[i / per];
        element = element + FieldElement::from_int(u) * shift.pow(i % per);
    }
    return packed;
}

FieldElement absorb(FieldElement state, const std::vector<FieldElement>& elements) {
    for (std::size_t i = 0; i < elements.size(); i += 5) {
        std::vector<FieldElement> block{state};
        for (std::size_t j = i; j < i + 5; ++j) block.push_back(j < elements.size() ? elements[j] : FieldElement{});
        state = poseidon(block);
    }
    return state;
}

FieldElement commitment_seed(const std::string& domain, const std::vector<CommittedTensor>& tensors) {
    std::string layout = domain + "\n";
    for (const auto& t : tensors)
        layout += fmt::format("{} {} {} {}\n", t.name, t.values.size(), t.bits, t.is_signed ? "signed" : "unsigned");
    auto digest = sha256(layout);
    digest[0] = 0;  // 248 bits: below p
    return FieldElement::from_bytes(digest);
}

namespace {

FieldElement chain(FieldElement state, const std::vector<CommittedTensor>& tensors) {
    for (const auto& tensor : tensors) state = absorb(state, pack_tensor(tensor));
    return state;
}

}  // namespace

FieldElement commit(const std::string& domain, const std::vector<CommittedTensor>& tensors) {
    return chain(commitment_seed(domain, tensors), tensors);
}

FieldElement commit(const std::string& domain, const std::vector<CommittedTensor>& tensors, const FieldElement& salt) {
    return chain(absorb(commitment_seed(domain, tensors), {salt}), tensors);
}

FieldElement random_salt() {
    std::array<std::uint8_t, 32> bytes{};
    fill_random(bytes);
    bytes[0] = 0;  // 248 bits: below p
    return FieldElement::from_bytes(bytes);
}

std::vector<CommittedTensor> model_parameters(const QuantizedModel& model) {
    std::vector<CommittedTensor> tensors;
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        const auto& layer = model.layers[l];
        // Committing only some parameters would look like a commitment to all of them.
        if (layer.kind == Layer::Kind::Conv2D)
            throw InputError(model.name, fmt::format("layers[{}]", l), "commitments cover Dense layers only, not Conv2D");
        if (layer.kind != Layer::Kind::Dense) continue;
        const auto& d = layer.dense;
        const unsigned weight_bits = signed_width(d.weights);
        for (std::size_t o = 0; o < d.outputs; ++o)
            tensors.push_back({fmt::format("layers[{}].weights[{}]", l, o),
                               {d.weights.begin() + o * d.inputs, d.weights.begin() + (o + 1) * d.inputs}, weight_bits, true});
        tensors.push_back({fmt::format("layers[{}].biases", l), d.biases, signed_width(d.biases), true});
    }
    return tensors;
}

FieldElement commit_model(const QuantizedModel& model, const FieldElement& salt) {
    return commit("zokml-model-v1", model_parameters(model), salt);
}

FieldElement hash_input(const QuantizedModel& model, const std::vector<std::int64_t>& input) {
    return commit("zokml-input-v1", {{"input", input, model.input_bits, false}});
}

}  // namespace zokml
