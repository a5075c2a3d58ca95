#include "zokml/quantize/reference.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <optional>

#include "core/int128.hpp"
#include "model/window.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/core/errors.hpp"

namespace zokml {

namespace {

// The static bounds keep every output below 2^62; partial sums may pass it, hence int128.
// `added`: an Add layer's other operand (the output of the layer it names, or the input).
std::vector<std::int64_t> integer_layer(const QuantizedLayer& layer, const std::vector<std::int64_t>& values,
                                        const std::vector<std::int64_t>* added) {
    std::vector<std::int64_t> out;
    switch (layer.kind) {
        case Layer::Kind::Dense: {
            const auto& d = layer.dense;
            out.resize(d.outputs);
            for (std::size_t o = 0; o < d.outputs; ++o) {
                detail::int128 sum = d.biases[o];
                for (std::size_t i = 0; i < d.inputs; ++i) sum += detail::int128(d.weights[o * d.inputs + i]) * values[i];
                out[o] = static_cast<std::int64_t>(sum);
            }
            break;
        }
        case Layer::Kind::Conv2D: {
            const auto& c = layer.conv;
            out.reserve(c.output().size());
            detail::for_each_conv_output(c.input, c.window, c.filters, [&](std::size_t o, auto&& taps) {
                detail::int128 sum = c.biases[o];
                taps([&](std::size_t i, std::size_t k) { sum += detail::int128(c.weights[k]) * values[i]; });
                out.push_back(static_cast<std::int64_t>(sum));
            });
            break;
        }
        case Layer::Kind::MaxPool:
        case Layer::Kind::AvgPool: {
            // AvgPool outputs the window's sum (the mean at n times the scale), MaxPool the maximum.
            const bool max = layer.kind == Layer::Kind::MaxPool;
            out.reserve(layer.pool.output().size());
            detail::for_each_pool_output(layer.pool.input, layer.pool.window, [&](auto&& taps) {
                std::optional<std::int64_t> acc;
                taps([&](std::size_t i) { acc = !acc ? values[i] : max ? std::max(*acc, values[i]) : *acc + values[i]; });
                out.push_back(*acc);
            });
            break;
        }
        case Layer::Kind::ReLU:
            for (const auto v : values) out.push_back(v > 0 ? v : 0);
            break;
        case Layer::Kind::Flatten: out = values; break;
        case Layer::Kind::Add:
            for (std::size_t i = 0; i < values.size(); ++i)
                out.push_back(static_cast<std::int64_t>(detail::int128(layer.add.multiplier) * values[i] +
                                                        detail::int128(layer.add.skip_multiplier) * added->at(i) + layer.add.bias));
            break;
        case Layer::Kind::Activation:
            for (const auto v : values) out.push_back(layer.activation.value(v));
            break;
        case Layer::Kind::Argmax: {
            std::size_t best = 0;
            for (std::size_t i = 1; i < values.size(); ++i)
                if (values[i] > values[best]) best = i;  // strictly greater: the first maximum wins
            out = {static_cast<std::int64_t>(best)};
            break;
        }
    }
    return out;
}

}  // namespace

ReferenceTrace run_reference(const QuantizedModel& model, const std::vector<std::int64_t>& input) {
    if (input.size() != model.input_size)
        throw InputError("", "input", fmt::format("expected {} values, got {}", model.input_size, input.size()));
    for (std::size_t i = 0; i < input.size(); ++i)
        if (input[i] < 0 || input[i] > model.input_max)
            throw InputError("", fmt::format("input[{}]", i), fmt::format("{} is outside [0, {}]", input[i], model.input_max));

    ReferenceTrace trace;
    const std::vector<std::int64_t>* values = &input;
    for (const auto& layer : model.layers) {
        const std::vector<std::int64_t>* added = layer.kind != Layer::Kind::Add ? nullptr
                                                 : layer.add.from              ? &trace.layer_outputs.at(*layer.add.from)
                                                                               : &input;
        std::vector<std::int64_t> out = integer_layer(layer, *values, added);
        if (layer.kind == Layer::Kind::Argmax) {
            trace.logits = *values;
            trace.predicted_class = static_cast<int>(out[0]);
        }
        for (auto& v : out) v = rescale_value(v, layer.rescale_bits);
        trace.layer_outputs.push_back(std::move(out));
        values = &trace.layer_outputs.back();
    }
    if (trace.predicted_class < 0) trace.logits = *values;
    return trace;
}

std::string LabeledBatch::fingerprint() const {
    std::string text = fmt::format("zokml-batch-v1 {}\n", inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i)
        text += fmt::format("{}: {}\n", i < labels.size() ? std::to_string(labels[i]) : "-", fmt::join(inputs[i], " "));
    return sha256_hex(text);
}

std::size_t count_correct(const QuantizedModel& model, const LabeledBatch& batch) {
    std::size_t correct = 0;
    for (std::size_t i = 0; i < batch.inputs.size(); ++i)
        correct += run_reference(model, batch.inputs[i]).predicted_class == batch.labels.at(i);
    return correct;
}

}  // namespace zokml
