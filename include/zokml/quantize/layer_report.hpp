// What a quantized model is, layer by layer (zokml inspect and quantize print it).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/quantize/quantize.hpp"

namespace zokml {

// One layer: its kind, shape, scale, the static bounds of its values and the sign-test width they
// need; a Dense or Conv2D layer's weight shift and the widths of its weights and biases; a
// rescale; an activation's segments and the maximum error of its approximation.
struct LayerReport {
    std::size_t layer = 0;
    std::string kind;   // layer_type_name, or the activation's name
    std::string shape;  // "784 -> 10", "1x28x28 -> 4x26x26", "10 + layer 2", else the output count
    std::size_t outputs = 0;
    double scale = 1.0;
    Interval values;
    unsigned sign_test_bits = 0;
    std::optional<int> weight_shift;
    std::optional<unsigned> weight_bits, bias_bits;
    std::optional<unsigned> rescale_bits;
    std::optional<std::size_t> segments;
    std::optional<double> max_error;

    // {"layer", "kind", "shape", "outputs", "scale", "values": [lo, hi], "sign_test_bits"} and each
    // optional field present by its name.
    nlohmann::json to_json() const;
};

std::vector<LayerReport> layer_report(const QuantizedModel& model);
nlohmann::json to_json(const std::vector<LayerReport>& report);  // an array of each row's to_json

}  // namespace zokml
