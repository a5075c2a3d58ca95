#include "zokml/quantize/layer_report.hpp"

#include <fmt/format.h>

namespace zokml {

namespace {

std::string shape_text(const Shape3& shape) { return fmt::format("{}x{}x{}", shape.channels, shape.height, shape.width); }

}  // namespace

nlohmann::json LayerReport::to_json() const {
    nlohmann::json row = {{"layer", layer},   {"kind", kind},   {"shape", shape},
                          {"outputs", outputs}, {"scale", scale}, {"values", {values.lo, values.hi}},
                          {"sign_test_bits", sign_test_bits}};
    if (weight_shift) row["weight_shift"] = *weight_shift;
    if (weight_bits) row["weight_bits"] = *weight_bits;
    if (bias_bits) row["bias_bits"] = *bias_bits;
    if (rescale_bits) row["rescale_bits"] = *rescale_bits;
    if (segments) row["segments"] = *segments;
    if (max_error) row["max_error"] = *max_error;
    return row;
}

std::vector<LayerReport> layer_report(const QuantizedModel& model) {
    std::vector<LayerReport> rows;
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        const QuantizedLayer& layer = model.layers[l];
        LayerReport row;
        row.layer = l;
        row.kind = layer_type_name(layer.kind);
        row.shape = std::to_string(layer.bounds.size());
        row.outputs = layer.bounds.size();
        row.scale = layer.scale;
        row.values = hull(layer.bounds);
        row.sign_test_bits = zokml::sign_test_bits(row.values);
        const auto weighted = [&](const std::string& shape, int shift, const std::vector<std::int64_t>& weights,
                                  const std::vector<std::int64_t>& biases) {
            row.shape = shape;
            row.weight_shift = shift;
            row.weight_bits = signed_width(weights);
            row.bias_bits = signed_width(biases);
        };
        if (layer.kind == Layer::Kind::Dense)
            weighted(fmt::format("{} -> {}", layer.dense.inputs, layer.dense.outputs), layer.dense.weight_shift, layer.dense.weights,
                     layer.dense.biases);
        if (layer.kind == Layer::Kind::Conv2D)
            weighted(shape_text(layer.conv.input) + " -> " + shape_text(layer.conv.output()), layer.conv.weight_shift,
                     layer.conv.weights, layer.conv.biases);
        if (layer.kind == Layer::Kind::Add)
            row.shape = fmt::format("{} + {}", layer.bounds.size(), layer.add.from ? fmt::format("layer {}", *layer.add.from) : std::string("input"));
        if (layer.rescale_bits > 0) row.rescale_bits = layer.rescale_bits;
        if (layer.kind == Layer::Kind::Activation) {
            row.kind = activation_name(layer.activation.function.function);
            row.segments = layer.activation.slopes.size();
            row.max_error = layer.activation.max_error;
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

nlohmann::json to_json(const std::vector<LayerReport>& report) {
    nlohmann::json rows = nlohmann::json::array();
    for (const LayerReport& row : report) rows.push_back(row.to_json());
    return rows;
}

}  // namespace zokml
