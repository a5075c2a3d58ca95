#include "zokml/reference.hpp"

#include <fmt/format.h>

#include "int128.hpp"
#include "zokml/errors.hpp"

namespace zokml {

ReferenceTrace run_reference(const QuantizedModel& model, const std::vector<std::int64_t>& input) {
    if (input.size() != model.input_size)
        throw InputError("", "input", fmt::format("expected {} values, got {}", model.input_size, input.size()));
    for (std::size_t i = 0; i < input.size(); ++i)
        if (input[i] < 0 || input[i] > model.input_max)
            throw InputError("", fmt::format("input[{}]", i), fmt::format("{} is outside [0, {}]", input[i], model.input_max));

    ReferenceTrace trace;
    const std::vector<std::int64_t>* values = &input;
    for (const auto& layer : model.layers) {
        std::vector<std::int64_t> out;
        switch (layer.kind) {
            case Layer::Kind::Dense: {
                const auto& d = layer.dense;
                out.resize(d.outputs);
                for (std::size_t o = 0; o < d.outputs; ++o) {
                    // The static bounds keep every output below 2^62; partial sums may pass it.
                    detail::int128 sum = d.biases[o];
                    for (std::size_t i = 0; i < d.inputs; ++i) sum += detail::int128(d.weights[o * d.inputs + i]) * (*values)[i];
                    out[o] = static_cast<std::int64_t>(sum);
                }
                break;
            }
            case Layer::Kind::ReLU:
                for (const auto v : *values) out.push_back(v > 0 ? v : 0);
                break;
            case Layer::Kind::Argmax: {
                trace.logits = *values;
                std::size_t best = 0;
                for (std::size_t i = 1; i < values->size(); ++i)
                    if ((*values)[i] > (*values)[best]) best = i;  // strictly greater: the first maximum wins
                trace.predicted_class = static_cast<int>(best);
                out = {static_cast<std::int64_t>(best)};
                break;
            }
        }
        trace.layer_outputs.push_back(std::move(out));
        values = &trace.layer_outputs.back();
    }
    if (trace.predicted_class < 0) trace.logits = *values;
    return trace;
}

std::vector<std::int64_t> digit_input(const QuantizedModel& model, const Digit& digit) {
    return quantize_input(model, digit.as_floats());
}

Fidelity measure_fidelity(const Model& model, const QuantizedModel& quantized, const std::vector<Digit>& digits) {
    Fidelity f;
    f.digits = digits.size();
    std::size_t float_correct = 0, quantized_correct = 0, agree = 0;
    for (const auto& digit : digits) {
        const int float_class = static_cast<int>(run_float(model, digit.as_floats()).at(0));
        const int quantized_class = run_reference(quantized, digit_input(quantized, digit)).predicted_class;
        float_correct += float_class == digit.label;
        quantized_correct += quantized_class == digit.label;
        agree += float_class == quantized_class;
    }
    if (!digits.empty()) {
        const double n = static_cast<double>(digits.size());
        f.float_accuracy = float_correct / n;
        f.quantized_accuracy = quantized_correct / n;
        f.agreement = agree / n;
    }
    return f;
}

}  // namespace zokml
