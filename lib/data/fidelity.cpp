#include "zokml/data/fidelity.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace zokml {

std::vector<std::int64_t> digit_input(const QuantizedModel& model, const Digit& digit) {
    return quantize_input(model, digit.as_floats());
}

Fidelity measure_fidelity(const Model& model, const QuantizedModel& quantized, const FloatBatch& batch) {
    Fidelity f;
    f.inputs = batch.inputs.size();
    std::size_t float_correct = 0, quantized_correct = 0, agree = 0;
    for (std::size_t n = 0; n < batch.inputs.size(); ++n) {
        const int float_class = static_cast<int>(run_float(model, batch.inputs[n]).at(0));
        const int quantized_class = run_reference(quantized, quantize_input(quantized, batch.inputs[n])).predicted_class;
        float_correct += float_class == batch.labels.at(n);
        quantized_correct += quantized_class == batch.labels[n];
        agree += float_class == quantized_class;
    }
    if (f.inputs > 0) {
        const double n = static_cast<double>(f.inputs);
        f.float_accuracy = float_correct / n;
        f.quantized_accuracy = quantized_correct / n;
        f.agreement = agree / n;
    }
    return f;
}

FloatBatch digits_batch(const std::vector<Digit>& digits) {
    FloatBatch batch;
    for (const auto& digit : digits) {
        batch.inputs.push_back(digit.as_floats());
        batch.labels.push_back(digit.label);
    }
    return batch;
}

Fidelity measure_fidelity(const Model& model, const QuantizedModel& quantized, const std::vector<Digit>& digits) {
    return measure_fidelity(model, quantized, digits_batch(digits));
}

namespace {

LayerFidelity describe(const QuantizedLayer& layer, std::size_t index) {
    LayerFidelity f;
    f.layer = index;
    f.kind = layer.kind;
    f.scale = layer.scale;
    f.rescale_bits = layer.rescale_bits;
    f.value_bits = sign_test_bits(hull(layer.bounds));
    if (layer.kind == Layer::Kind::Dense) {
        f.weight_shift = layer.dense.weight_shift;
        f.weight_bits = signed_width(layer.dense.weights);
    } else if (layer.kind == Layer::Kind::Conv2D) {
        f.weight_shift = layer.conv.weight_shift;
        f.weight_bits = signed_width(layer.conv.weights);
    }
    return f;
}

}  // namespace

FidelityReport fidelity_report(const Model& model, const QuantizedModel& quantized, const std::vector<Digit>& digits,
                               const CircuitClassifier& circuit, std::size_t circuit_digits) {
    if (model.layers.size() != quantized.layers.size())
        throw std::invalid_argument("the quantized model does not come from this model");
    FidelityReport report;
    report.fidelity = measure_fidelity(model, quantized, digits);
    std::vector<std::size_t> compared;  // layer indices, Argmax left out
    for (std::size_t l = 0; l < quantized.layers.size(); ++l) {
        if (quantized.layers[l].kind == Layer::Kind::Argmax) continue;
        compared.push_back(l);
        report.layers.push_back(describe(quantized.layers[l], l));
    }
    for (const auto& digit : digits) {
        const auto floats = run_float_layers(model, digit.as_floats());
        const ReferenceTrace trace = run_reference(quantized, digit_input(quantized, digit));
        for (std::size_t k = 0; k < compared.size(); ++k) {
            const std::size_t l = compared[k];
            LayerFidelity& f = report.layers[k];
            for (std::size_t i = 0; i < floats[l].size(); ++i) {
                const double error = std::abs(floats[l][i] - static_cast<double>(trace.layer_outputs[l][i]) / f.scale);
                f.max_abs_error = std::max(f.max_abs_error, error);
                f.max_abs_float = std::max(f.max_abs_float, std::abs(floats[l][i]));
            }
        }
    }
    if (!circuit) return report;
    report.circuit_digits = std::min(circuit_digits, digits.size());
    for (std::size_t d = 0; d < report.circuit_digits; ++d) {
        const auto input = digit_input(quantized, digits[d]);
        const int circuit_class = circuit(input);
        report.circuit_matches_reference += circuit_class == run_reference(quantized, input).predicted_class;
        report.circuit_matches_float += circuit_class == static_cast<int>(run_float(model, digits[d].as_floats()).at(0));
        report.circuit_correct += circuit_class == digits[d].label;
    }
    return report;
}

LabeledBatch labeled_batch(const QuantizedModel& model, const std::vector<Digit>& digits) {
    LabeledBatch batch;
    for (const auto& d : digits) {
        batch.inputs.push_back(digit_input(model, d));
        batch.labels.push_back(d.label);
    }
    return batch;
}

}  // namespace zokml
