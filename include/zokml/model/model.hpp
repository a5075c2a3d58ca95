// A trained float model: a chain of layers over a flat input vector.
// Its JSON form is documented in docs/model-format.md; ONNX files load through onnx.hpp.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace zokml {

// The largest count a model may hold anywhere: a dimension, a padding, the values entering or
// leaving a layer, a layer's parameters. Far beyond what one proof holds, and small enough that a
// product of two counts is exact; loaders refuse more, naming the field.
inline constexpr std::size_t kMaxCount = std::size_t(1) << 24;
// The most layers a model may have: far beyond any network a proof holds. Every step after the
// reader walks the layers, some looking ahead past flatten layers at each one, so the count
// bounds their time too (100,000 flatten layers took a minute to inspect).
inline constexpr std::size_t kMaxLayers = 1000;

// y = W x + b with W stored row by row: weights[o * inputs + i] connects input i to output o.
struct DenseLayer {
    std::size_t inputs = 0;
    std::size_t outputs = 0;
    std::vector<double> weights;  // outputs * inputs
    std::vector<double> biases;   // outputs
};

// The shape of the values a convolution or pooling layer reads: channels x height x width, stored
// channel by channel, row by row (value (c, y, x) at index (c * height + y) * width + x, as a
// flattened NCHW tensor of batch 1).
struct Shape3 {
    std::size_t channels = 0;
    std::size_t height = 0;
    std::size_t width = 0;
    std::size_t size() const { return channels * height * width; }
    bool operator==(const Shape3&) const = default;
};

// A sliding window: its size, its step, and zeros added around the input (convolution only).
struct Window2D {
    std::size_t kernel_height = 0;
    std::size_t kernel_width = 0;
    std::size_t stride_height = 1;
    std::size_t stride_width = 1;
    std::size_t pad_top = 0;
    std::size_t pad_left = 0;
    std::size_t pad_bottom = 0;
    std::size_t pad_right = 0;
    bool operator==(const Window2D&) const = default;
};

// The output shape of a window over `input` with `channels` output channels; height or width 0
// when the window does not fit (or a size exceeds kMaxCount).
Shape3 window_output(const Shape3& input, const Window2D& window, std::size_t channels);

// 2-D convolution (cross-correlation, as in PyTorch and ONNX Conv with group 1, dilation 1):
// out[o][y][x] = biases[o] + sum_{c, ky, kx} weights[o][c][ky][kx] * in[c][y*sh + ky - pad_top][x*sw + kx - pad_left],
// where inputs outside the image are 0. weights[((o * C + c) * kh + ky) * kw + kx].
struct Conv2DLayer {
    Shape3 input;
    std::size_t filters = 0;  // output channels
    Window2D window;
    std::vector<double> weights;  // filters * channels * kernel_height * kernel_width
    std::vector<double> biases;   // filters
    Shape3 output() const { return window_output(input, window, filters); }
    std::size_t weights_per_filter() const { return input.channels * window.kernel_height * window.kernel_width; }
};

// Max or average over each window of each channel (no padding: every window lies inside the input).
struct Pool2DLayer {
    Shape3 input;
    Window2D window;
    Shape3 output() const { return window_output(input, window, input.channels); }
};

// A skip connection (y = x + f(x), as in a ResNet): adds, value by value, the values of an earlier
// point of the chain to the values entering the layer; both have the same size.
struct AddLayer {
    std::optional<std::size_t> from;  // the layer whose output is added; none: the model's input
    bool operator==(const AddLayer&) const = default;
};

// An elementwise activation besides ReLU (docs/model-format.md). Sigmoid, Tanh, SiLU (v * sigmoid(v))
// and GELU (v * Phi(v), the erf form) are computed through a piecewise-linear approximation whose
// maximum error is a quantization setting; HardSigmoid (max(0, min(1, alpha * v + beta))) and Clip
// (min(max(v, min), max): PyTorch's Hardtanh and ReLU6) exactly.
struct ActivationLayer {
    enum class Function { Sigmoid, Tanh, SiLU, GELU, HardSigmoid, Clip };
    Function function = Function::Sigmoid;
    double alpha = 0.2;  // HardSigmoid only (ONNX's defaults; PyTorch's Hardsigmoid has alpha 1/6)
    double beta = 0.5;   // HardSigmoid only
    double min = -1.0;   // Clip only
    double max = 1.0;    // Clip only
    bool operator==(const ActivationLayer&) const = default;
};

// The function's name in the JSON format: "sigmoid", "tanh", "silu", "gelu", "hardsigmoid", "clip".
const char* activation_name(ActivationLayer::Function function);
// The float function.
double activation_function(const ActivationLayer& activation, double v);

struct Layer {
    // Dense: an affine map; ReLU: max(0, v) elementwise; Argmax: the index of the largest value
    // (the first one on ties), only as the last layer; Conv2D: a convolution; MaxPool / AvgPool:
    // the largest value / the mean of each window; Flatten: the same values as a flat vector (a
    // no-op on zokml's flat representation, kept so that models read as they were built); Add: a
    // skip connection (AddLayer); Activation: an ActivationLayer elementwise.
    enum class Kind { Dense, ReLU, Argmax, Conv2D, MaxPool, AvgPool, Flatten, Add, Activation };
    Kind kind = Kind::Dense;
    DenseLayer dense;   // Dense only
    Conv2DLayer conv{};  // Conv2D only
    Pool2DLayer pool{};  // MaxPool and AvgPool only
    AddLayer add{};      // Add only
    ActivationLayer activation{};  // Activation only
};

// The layer type's name in the JSON format: "dense", "relu", "argmax", "conv2d", "maxpool",
// "avgpool", "flatten", "add"; "activation" for an Activation (its JSON type is activation_name's).
const char* layer_type_name(Layer::Kind kind);

// The range of every float input value, [min, max] with min < max, both finite.
struct InputRange {
    double min = 0.0;
    double max = 1.0;
    bool operator==(const InputRange&) const = default;
};

struct Model {
    std::string name;
    std::size_t input_size = 0;
    double input_min = 0.0;  // the range of each float input value
    double input_max = 1.0;
    std::vector<Layer> layers;
    // False for an ONNX file read by load_model without a range: ONNX files do not record one,
    // and [0, 1] is a default, not what the model was trained on.
    bool input_range_declared = true;

    // The number of values each layer outputs (1 for Argmax).
    std::vector<std::size_t> layer_output_sizes() const;
    std::size_t parameter_count() const;
    bool has_argmax() const { return !layers.empty() && layers.back().kind == Layer::Kind::Argmax; }
};

// Throws InputError naming the file, the field (e.g. "layers[2].weights[5][17]") and the reason:
// malformed JSON, a missing, duplicated or mistyped field, NaN or infinite values, shapes that do
// not chain, counts beyond kMaxCount, a name with control characters, an Argmax that is not last.
// A file that does not start with '{' (after white space) is read as ONNX instead, with
// load_onnx's defaults (inputs from 0 to 1, an Argmax added): every entry point takes both.
Model load_model(const std::filesystem::path& file);
// The same with the inputs' range replaced (ONNX files do not record it; a JSON model's own is
// overridden). Throws InputError naming `file` and "input_range" for a range that is not one.
Model load_model(const std::filesystem::path& file, const std::optional<InputRange>& input_range);
// Throws InputError(file, field, why) unless min < max, both finite.
void check_input_range(const InputRange& range, const std::filesystem::path& file, const std::string& field);
// Gives the model this input range, checked (check_input_range naming file and field), as the
// range it was trained on (input_range_declared).
void declare_input_range(Model& model, const InputRange& range, const std::filesystem::path& file, const std::string& field);
Model model_from_json(const nlohmann::json& json, const std::filesystem::path& file = {});
nlohmann::json model_to_json(const Model& model);
// Writes atomically (temporary file, then rename).
void save_model(const Model& model, const std::filesystem::path& file);

// Checks a model built in memory (or by a loader) as load_model checks a file: shapes chain, every
// number is finite, Argmax is last. Throws InputError naming `file` and the field.
void check_model(const Model& model, const std::filesystem::path& file = {});

// Float inference: the output of the last layer (the class index for an Argmax head).
std::vector<double> run_float(const Model& model, const std::vector<double>& input);
// The output of every layer, in order (the last one is run_float's result).
std::vector<std::vector<double>> run_float_layers(const Model& model, const std::vector<double>& input);

}  // namespace zokml
