// A trained float model: a chain of layers over a flat input vector.
// Its JSON form is documented in docs/model-format.md.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace zokml {

// y = W x + b with W stored row by row: weights[o * inputs + i] connects input i to output o.
struct DenseLayer {
    std::size_t inputs = 0;
    std::size_t outputs = 0;
    std::vector<double> weights;  // outputs * inputs
    std::vector<double> biases;   // outputs
};

struct Layer {
    // Dense: an affine map; ReLU: max(0, v) elementwise; Argmax: the index of the largest value
    // (the first one on ties), only as the last layer.
    enum class Kind { Dense, ReLU, Argmax };
    Kind kind = Kind::Dense;
    DenseLayer dense;  // Dense only
};

struct Model {
    std::string name;
    std::size_t input_size = 0;
    double input_min = 0.0;  // the range of each float input value
    double input_max = 1.0;
    std::vector<Layer> layers;

    // The number of values each layer outputs (1 for Argmax).
    std::vector<std::size_t> layer_output_sizes() const;
    std::size_t parameter_count() const;
    bool has_argmax() const { return !layers.empty() && layers.back().kind == Layer::Kind::Argmax; }
};

// Throws InputError naming the file, the field (e.g. "layers[2].weights[5][17]") and the reason:
// malformed JSON, a missing or mistyped field, NaN or infinite values, shapes that do not chain,
// an Argmax that is not last.
Model load_model(const std::filesystem::path& file);
Model model_from_json(const nlohmann::json& json, const std::filesystem::path& file = {});
nlohmann::json model_to_json(const Model& model);
// Writes atomically (temporary file, then rename).
void save_model(const Model& model, const std::filesystem::path& file);

// Float inference: the output of the last layer (the class index for an Argmax head).
std::vector<double> run_float(const Model& model, const std::vector<double>& input);

}  // namespace zokml
