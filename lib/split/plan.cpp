// The plan of a split statement: its layers' shapes, widths and static bounds, from the model or
// from the parts a layout publishes.
#include "zokml/split/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

#include "circuit/committed_parameters.hpp"
#include "layer_reads.hpp"
#include "quantize/value_limit.hpp"
#include "zokml/core/errors.hpp"

namespace zokml {
namespace {

// The most products (or weighted sums' terms) one split program computes: far beyond what one
// proof holds (~2^17 constraints), small enough to generate.
constexpr std::int64_t kMaxProgramTerms = std::int64_t(1) << 26;

using detail::checked_bound;
using detail::int128;
using detail::patches;
using detail::pool_size;

Interval signed_range(unsigned bits) {
    const std::int64_t half = std::int64_t(1) << (bits - 1);
    return {-half, half - 1};
}

unsigned bits_for(std::int64_t max) { return std::max(1u, static_cast<unsigned>(std::bit_width(static_cast<std::uint64_t>(max)))); }

// Checks that a model is P (ReLU P)* Argmax with P a Dense or Conv2D layer (a Conv2D possibly
// followed by an AvgPool over its whole output), the last one Dense (Flatten layers aside), and
// rescaling only before a ReLU: the shape split proofs take.
void check_split_layers(const QuantizedModel& model) {
    using K = Layer::Kind;
    for (std::size_t l = 0; l < model.layers.size(); ++l)
        if (model.layers[l].kind == K::Activation)
            throw InputError(model.name, fmt::format("layers[{}]", l),
                             fmt::format("split proofs take ReLU activations only; this {} layer is proven in one circuit "
                                         "(the private-input variant)",
                                         activation_name(model.layers[l].activation.function.function)));
    std::vector<K> kinds;
    std::size_t previous = 0;  // the last layer that was not a Flatten
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        const auto& layer = model.layers[l];
        const std::string field = fmt::format("layers[{}]", l);
        if (layer.kind == K::Flatten) continue;
        if (layer.kind == K::Add)
            throw InputError(model.name, field, "split proofs take no add layer (a skip connection): prove this model in one circuit");
        std::size_t next = l + 1;
        while (next < model.layers.size() && model.layers[next].kind == K::Flatten) ++next;
        if (layer.rescale_bits > 0 && (next == model.layers.size() || model.layers[next].kind != K::ReLU))
            throw InputError(model.name, field, "split proofs rescale only the values a ReLU takes");
        const std::size_t before = previous;
        previous = l;
        if (layer.kind == K::AvgPool) {
            if (l == 0 || model.layers[before].kind != K::Conv2D || !(layer.pool.input == model.layers[before].conv.output()))
                throw InputError(model.name, field, "split proofs take an AvgPool only right after a Conv2D, over its output");
            continue;  // fused with the convolution
        }
        if (layer.kind == K::MaxPool) {
            // conv [avgpool] ReLU maxpool: the part takes the maxima of its ReLU values.
            const auto& producer = l >= 2 ? model.layers[l - 2] : layer;
            const bool fits = l >= 2 && model.layers[l - 1].kind == K::ReLU &&
                              ((producer.kind == K::Conv2D && layer.pool.input == producer.conv.output()) ||
                               (producer.kind == K::AvgPool && l >= 3 && model.layers[l - 3].kind == K::Conv2D &&
                                layer.pool.input == producer.pool.output()));
            if (!fits) throw InputError(model.name, field, "split proofs take a MaxPool only after a Conv2D's ReLU, over its output");
            continue;
        }
        kinds.push_back(layer.kind == K::Conv2D ? K::Dense : layer.kind);  // one kind for "a layer with parameters"
    }
    bool shape = kinds.size() >= 2 && kinds.front() == K::Dense && kinds.back() == K::Argmax;
    for (std::size_t i = 1; shape && i + 1 < kinds.size(); ++i) shape = kinds[i] == (i % 2 ? K::ReLU : K::Dense);
    if (!shape || kinds.size() % 2 != 0)
        throw InputError(model.name, "layers",
                         "split proofs take Dense or Conv2D layers with a ReLU between each two, a Dense layer last and an Argmax head");
}

// The largest value the layer's ReLU outputs, for exact values up to `hi`.
std::int64_t relu_max(const SplitLayer& l, std::int64_t hi) { return std::max<std::int64_t>(rescale_value(hi, l.rescale_bits), 0); }

}  // namespace

std::size_t SplitPlan::slices_per_part_proof(std::size_t part_count) const {
    const std::size_t per_slice = options.inputs_per_slice * part_count * layers.at(0).positions;
    return std::clamp<std::size_t>(options.part_proof_values / per_slice, 1, slices());
}

std::size_t SplitPlan::slices() const { return (batch_size + options.inputs_per_slice - 1) / options.inputs_per_slice; }
std::size_t SplitPlan::slice_begin(std::size_t slice) const { return slice * options.inputs_per_slice; }
std::size_t SplitPlan::slice_size(std::size_t slice) const {
    return std::min(options.inputs_per_slice, batch_size - slice_begin(slice));
}

std::vector<PartRange> SplitPlan::parts() const {
    std::vector<PartRange> all;
    for (const auto& l : layers) all.insert(all.end(), l.parts.begin(), l.parts.end());
    return all;
}

std::size_t SplitPlan::first_part(std::size_t layer) const {
    std::size_t first = 0;
    for (std::size_t l = 0; l < layer; ++l) first += layers.at(l).parts.size();
    return first;
}

SplitPlan plan_split(const QuantizedModel& model, const LabeledBatch& batch, const SplitOptions& options) {
    if (options.neurons_per_part == 0) throw InputError(model.name, "neurons_per_part", "must be positive");
    check_split_layers(model);
    for (std::size_t i = 0; i < batch.inputs.size(); ++i) {
        if (batch.inputs[i].size() != model.input_size) throw InputError("", fmt::format("batch.inputs[{}]", i), "wrong size");
        for (const auto v : batch.inputs[i])
            if (v < 0 || v > model.input_max) throw InputError("", fmt::format("batch.inputs[{}]", i), "value out of range");
    }
    SplitOptions own = options;
    own.input_bits = model.input_bits;  // what the first layer's inputs are range checked to
    return plan_split(model_parts(model, options.neurons_per_part), batch, own, model.name);
}

namespace {

// The plan of either kind: the bounds of the first layer come from the batch's constants
// (PrivateModel, `batch` given) or from the input width (the others: any inputs).
SplitPlan make_plan(const std::vector<PartRange>& parts, std::size_t batch_size, const LabeledBatch* batch,
                    const SplitOptions& options, const std::string& model_name) {
    for (const auto& [name, value] : {std::pair{"inputs_per_slice", options.inputs_per_slice},
                                      {"part_proof_values", options.part_proof_values},
                                      {"chunk_size", options.chunk_size},
                                      {"group_size", options.group_size}})
        if (value == 0) throw InputError("", name, "must be positive");
    if (batch_size == 0) throw InputError("", "batch", "needs at least one input");
    if (options.input_bits < 1 || options.input_bits > 32) throw InputError("", "input_bits", "must be 1 to 32");
    SplitPlan plan;
    plan.model_name = model_name;
    plan.batch_size = batch_size;
    plan.options = options;
    for (const auto& part : parts) {
        if (part.weight_bits < 1 || part.weight_bits > 62 || part.bias_bits < 1 || part.bias_bits > 62)
            throw InputError("", "parts", fmt::format("layer {}: widths must be 1 to 62 bits", part.layer));
        if (part.convolution() && (part.positions() == 0 || part.inputs != part.image.channels * part.window.kernel_height *
                                                                                   part.window.kernel_width))
            throw InputError("", "parts", fmt::format("layer {}: the filters do not fit the image", part.layer));
        if (plan.layers.empty() || plan.layers.back().layer != part.layer) {
            SplitLayer l;
            l.layer = part.layer;
            l.inputs = part.convolution() ? part.image.size() : part.inputs;
            l.patch = part.inputs;
            l.positions = part.positions();
            l.image = part.image;
            l.window = part.window;
            l.pool = part.pool;
            l.rescale_bits = part.rescale_bits;
            l.max_pool = part.max_pool;
            l.weights = signed_range(part.weight_bits);
            l.biases = signed_range(part.bias_bits);
            plan.layers.push_back(l);
        }
        SplitLayer& l = plan.layers.back();
        if (part.first != l.units || part.inputs != l.patch || part.image != l.image || part.window != l.window ||
            part.pool != l.pool || part.rescale_bits != l.rescale_bits || part.max_pool != l.max_pool ||
            signed_range(part.weight_bits) != l.weights || signed_range(part.bias_bits) != l.biases || part.count == 0)
            throw InputError("", "parts", fmt::format("part of layer {} at neuron {} does not continue its layer", part.layer, part.first));
        l.units += part.count;
        l.parts.push_back(part);
        // A program's terms (a part's products on a slice) stay within what zokml generates: a
        // hostile layout must not make the verifier's setup generate for ever.
        const int128 terms = int128(part.count) * part.positions() * part.pool_size() * part.inputs * options.inputs_per_slice;
        if (l.units > kMaxCount || terms > kMaxProgramTerms)
            throw InputError("", "parts", fmt::format("layer {}: a part's program would compute {} products, more than zokml "
                                                      "generates ({})", part.layer, static_cast<double>(terms), kMaxProgramTerms));
    }
    if (plan.layers.size() < 2) throw InputError(model_name, "layers", "split proofs take at least two layers with parameters");
    if (plan.layers.back().parts.size() != 1 || plan.layers.back().convolution())
        throw InputError(model_name, "parts", "the last layer is a Dense layer in one part");
    for (std::size_t d = 0; d < plan.layers.size(); ++d) {
        SplitLayer& l = plan.layers[d];
        l.last = d + 1 == plan.layers.size();
        if (l.last && l.rescale_bits > 0) throw InputError(model_name, "parts", "the last layer has no rescale");
        const auto pooled = static_cast<std::int64_t>(pool_size(l));  // each output sums this many biases
        if (d == 0 && batch) {
            // Inputs are >= 0 constants: w * x spans [w.lo * x, w.hi * x] per patch of each input.
            for (const auto& x : batch->inputs)
                for (const auto& patch : patches(l, x)) {
                    int128 sum = 0;
                    for (const auto v : patch) sum += v;
                    l.output_max = std::max(l.output_max, relu_max(l, checked_bound(sum * l.weights.hi + int128(l.biases.hi) * pooled)));
                }
        } else {
            if (d > 0 && l.inputs != plan.layers[d - 1].outputs())
                throw InputError("", "parts", fmt::format("layer {} does not chain", l.layer));
            l.input_max = d == 0 ? (std::int64_t(1) << options.input_bits) - 1 : plan.layers[d - 1].output_max;
            const int128 span = int128(l.input_max) * int128(l.patch) * pooled;
            l.values = {checked_bound(span * l.weights.lo + int128(l.biases.lo) * pooled),
                        checked_bound(span * l.weights.hi + int128(l.biases.hi) * pooled)};
            l.output_max = relu_max(l, l.values.hi);
        }
        if (!l.last) l.activation_bits = bits_for(l.output_max);
    }
    return plan;
}

}  // namespace

SplitPlan plan_split(const std::vector<PartRange>& parts, const LabeledBatch& batch, const SplitOptions& options,
                     const std::string& model_name) {
    if (options.variant != SplitVariant::PrivateModel) return plan_split(parts, batch.inputs.size(), options, model_name);
    if (batch.inputs.empty() || batch.inputs.size() != batch.labels.size())
        throw InputError("", "batch", "needs as many labels as inputs, and at least one");
    if (!parts.empty() && batch.inputs.front().size() != (parts.front().convolution() ? parts.front().image.size() : parts.front().inputs))
        throw InputError("", "batch", "inputs of the wrong size");
    return make_plan(parts, batch.inputs.size(), &batch, options, model_name);
}

SplitPlan plan_split(const std::vector<PartRange>& parts, std::size_t batch_size, const SplitOptions& options,
                     const std::string& model_name) {
    if (options.variant == SplitVariant::PrivateModel)
        throw InputError("", "variant", "a private-model plan is made from its labelled batch");
    return make_plan(parts, batch_size, nullptr, options, model_name);
}

SplitOptions SplitOptions::for_variant(SplitVariant variant) {
    SplitOptions options;
    options.variant = variant;
    if (variant != SplitVariant::PrivateModel) options.inputs_per_slice = 5;
    return options;
}

std::size_t default_batch_size(SplitVariant variant) { return variant == SplitVariant::PrivateModel ? 100 : 1; }

std::string to_string(SplitVariant variant) {
    switch (variant) {
        case SplitVariant::PrivateModel: return "private-model";
        case SplitVariant::Inference: return "inference";
        case SplitVariant::BothPrivate: return "both-private";
    }
    return "?";
}

SplitVariant split_variant_from(const std::string& text) {
    for (const auto v : {SplitVariant::PrivateModel, SplitVariant::Inference, SplitVariant::BothPrivate})
        if (to_string(v) == text) return v;
    throw InputError("", "variant", fmt::format("\"{}\" is not a split variant (private-model, inference, both-private)", text));
}

}  // namespace zokml
