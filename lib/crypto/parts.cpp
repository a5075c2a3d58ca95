#include "zokml/crypto/parts.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "zokml/core/digest.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/crypto/poseidon.hpp"

namespace zokml {

namespace {

std::string part_domain(const PartRange& part) { return fmt::format("zokml-part-v2 layer {}", part.layer); }

// The part's tensors with the given values (zeros for the layout alone).
std::vector<CommittedTensor> tensors_of(const PartRange& part, const std::vector<std::int64_t>* weights,
                                        const std::vector<std::int64_t>* biases) {
    std::vector<CommittedTensor> tensors;
    for (std::size_t j = 0; j < part.count; ++j) {
        std::vector<std::int64_t> row(part.inputs);
        if (weights) {
            const auto begin = weights->begin() + static_cast<std::ptrdiff_t>((part.first + j) * part.inputs);
            row.assign(begin, begin + static_cast<std::ptrdiff_t>(part.inputs));
        }
        tensors.push_back({fmt::format("weights[{}]", j), std::move(row), part.weight_bits, true});
    }
    std::vector<std::int64_t> b(part.count);
    if (biases) b.assign(biases->begin() + static_cast<std::ptrdiff_t>(part.first),
                         biases->begin() + static_cast<std::ptrdiff_t>(part.first + part.count));
    tensors.push_back({"biases", std::move(b), part.bias_bits, true});
    return tensors;
}

}  // namespace

std::size_t PartRange::positions() const {
    if (!convolution()) return 1;
    Shape3 out = window_output(image, window, 1);
    if (pooled()) out = window_output(out, pool, 1);
    if (max_pooled()) out = window_output(out, max_pool, 1);
    return out.height * out.width;
}

std::vector<PartRange> model_parts(const QuantizedModel& model, std::size_t neurons_per_part) {
    if (neurons_per_part == 0) throw InputError(model.name, "neurons_per_part", "must be positive");
    std::vector<std::size_t> layers;  // those with parameters
    for (std::size_t l = 0; l < model.layers.size(); ++l)
        if (model.layers[l].kind == Layer::Kind::Dense || model.layers[l].kind == Layer::Kind::Conv2D) layers.push_back(l);
    if (layers.empty()) throw InputError(model.name, "layers", "the model has no Dense or Conv2D layer to commit to");
    std::vector<PartRange> parts;
    for (const std::size_t l : layers) {
        const auto& layer = model.layers[l];
        PartRange shape;
        std::size_t units = 0;
        if (layer.kind == Layer::Kind::Dense) {
            units = layer.dense.outputs;
            shape = {l, 0, 0, layer.dense.inputs, signed_width(layer.dense.weights), signed_width(layer.dense.biases)};
        } else {
            units = layer.conv.filters;
            shape = {l, 0, 0, layer.conv.weights_per_filter(), signed_width(layer.conv.weights), signed_width(layer.conv.biases),
                     layer.conv.input, layer.conv.window};
        }
        // What follows up to the ReLU (Flatten aside): an AvgPool fuses with its convolution, and
        // the rescale before the ReLU belongs to the part.
        std::size_t next = l + 1;
        while (next < model.layers.size() && model.layers[next].kind == Layer::Kind::Flatten) ++next;
        shape.rescale_bits = layer.rescale_bits;
        if (next < model.layers.size() && model.layers[next].kind == Layer::Kind::AvgPool && layer.kind == Layer::Kind::Conv2D) {
            shape.pool = model.layers[next].pool.window;
            shape.rescale_bits = model.layers[next].rescale_bits;
            ++next;
        }
        // A MaxPool after the ReLU: the part outputs the window maxima of its ReLU values.
        if (next + 1 < model.layers.size() && model.layers[next + 1].kind == Layer::Kind::MaxPool && layer.kind == Layer::Kind::Conv2D)
            shape.max_pool = model.layers[next + 1].pool.window;
        const std::size_t step = l == layers.back() ? units : neurons_per_part;
        for (std::size_t first = 0; first < units; first += step) {
            shape.first = first;
            shape.count = std::min(step, units - first);
            parts.push_back(shape);
        }
    }
    return parts;
}

std::vector<CommittedTensor> part_tensors(const QuantizedModel& model, const PartRange& part) {
    const auto& layer = model.layers.at(part.layer);
    if (layer.kind == Layer::Kind::Conv2D) return tensors_of(part, &layer.conv.weights, &layer.conv.biases);
    return tensors_of(part, &layer.dense.weights, &layer.dense.biases);
}

std::vector<CommittedTensor> part_layout(const PartRange& part) { return tensors_of(part, nullptr, nullptr); }

FieldElement part_seed(const PartRange& part) { return commitment_seed(part_domain(part), part_layout(part)); }

FieldElement commit_part(const QuantizedModel& model, const PartRange& part, const FieldElement& part_salt) {
    return commit(part_domain(part), part_tensors(model, part), part_salt);
}

std::vector<FieldElement> part_salts(const FieldElement& salt, const QuantizedModel& model, std::size_t parts) {
    auto digest = sha256(model.canonical_text());
    digest[0] = 0;  // 248 bits: below p
    const FieldElement key = FieldElement::from_bytes(digest);
    std::vector<FieldElement> salts;
    for (std::size_t i = 0; i < parts; ++i) salts.push_back(poseidon({salt, key, FieldElement::from_int(static_cast<std::int64_t>(i))}));
    return salts;
}

FieldElement model_commitment_seed(const std::vector<PartRange>& parts) {
    std::string layout = "zokml-model-v2\n";
    for (const auto& p : parts) {
        layout += fmt::format("layer {} inputs {} neurons {}..{} weight_bits {} bias_bits {}", p.layer, p.inputs, p.first,
                              p.first + p.count, p.weight_bits, p.bias_bits);
        const auto& w = p.window;
        if (p.convolution())
            layout += fmt::format(" conv image {}x{}x{} kernel {}x{} stride {}x{} pad {},{},{},{}", p.image.channels, p.image.height,
                                  p.image.width, w.kernel_height, w.kernel_width, w.stride_height, w.stride_width, w.pad_top,
                                  w.pad_left, w.pad_bottom, w.pad_right);
        if (p.pooled())
            layout += fmt::format(" avgpool {}x{} stride {}x{}", p.pool.kernel_height, p.pool.kernel_width, p.pool.stride_height,
                                  p.pool.stride_width);
        if (p.rescale_bits > 0) layout += fmt::format(" rescale {}", p.rescale_bits);
        if (p.max_pooled())
            layout += fmt::format(" maxpool {}x{} stride {}x{}", p.max_pool.kernel_height, p.max_pool.kernel_width,
                                  p.max_pool.stride_height, p.max_pool.stride_width);
        layout += "\n";
    }
    auto digest = sha256(layout);
    digest[0] = 0;  // 248 bits: below p
    return FieldElement::from_bytes(digest);
}

FieldElement commit_model_parts(const std::vector<PartRange>& parts, const std::vector<FieldElement>& part_commitments) {
    if (part_commitments.size() != parts.size()) throw std::invalid_argument("one commitment per part");
    return absorb(model_commitment_seed(parts), part_commitments);
}

FieldElement commit_model_v2(const QuantizedModel& model, std::size_t neurons_per_part, const std::vector<FieldElement>& part_salts) {
    const auto parts = model_parts(model, neurons_per_part);
    if (part_salts.size() != parts.size())
        throw InputError(model.name, "parts", fmt::format("{} part salts for {} parts", part_salts.size(), parts.size()));
    std::vector<FieldElement> commitments;
    for (std::size_t i = 0; i < parts.size(); ++i) commitments.push_back(commit_part(model, parts[i], part_salts[i]));
    return commit_model_parts(parts, commitments);
}

FieldElement commit_model_v2(const QuantizedModel& model, std::size_t neurons_per_part, const FieldElement& salt) {
    return commit_model_v2(model, neurons_per_part, part_salts(salt, model, model_parts(model, neurons_per_part).size()));
}

FieldElement commit_salted(const FieldElement& salt, const std::vector<std::int64_t>& values, unsigned bits) {
    return absorb(salt, pack_tensor({"values", values, bits, false}));
}

}  // namespace zokml
