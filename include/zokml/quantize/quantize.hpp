// Fixed-point quantization of a float model, with sound static bounds on every value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "zokml/model/model.hpp"

namespace zokml {

// An inclusive integer range [lo, hi].
struct Interval {
    std::int64_t lo = 0;
    std::int64_t hi = 0;
    bool operator==(const Interval&) const = default;
};

// The smallest interval holding every one of `intervals` ({0, 0} for none).
Interval hull(std::span<const Interval> intervals);

// The smallest interval holding 0 and every value.
Interval range_of(std::span<const std::int64_t> values);

// The bits N of a sign test for values in the interval: the smallest N with
// -2^(N-1) <= lo and hi < 2^(N-1), so that v + 2^(N-1) has an N-bit decomposition whose top
// bit is 1 exactly when v >= 0.
unsigned sign_test_bits(Interval values);
// The bits of a signed integer type holding every value: sign_test_bits(range_of(values)).
unsigned signed_width(std::span<const std::int64_t> values);

struct QuantizationOptions {
    unsigned input_bits = 8;    // inputs are integers in [0, 2^input_bits - 1]
    unsigned weight_bits = 10;  // each layer's largest |weight| uses at most this many bits with sign
    // Rescaling between layers (docs/quantization.md). 0 (the default): never; every value keeps
    // full precision. N > 0: the outputs of a Dense, Conv2D, AvgPool or Add layer followed by a ReLU
    // (possibly after a Flatten) are divided by the power of two 2^k, rounded to nearest, that
    // brings their static bounds within N signed bits. The circuit fuses the rescale with the
    // ReLU's sign test, so it costs no extra constraint; later layers' values stay small. CNNs
    // need it (16 suits MNIST), two-layer MLPs do not. A layer followed by another Activation is
    // rescaled likewise (a decomposition of its own there), so that the activation's comparisons are narrow.
    unsigned activation_bits = 0;
    // The largest error of a Sigmoid, Tanh, SiLU or GELU layer (docs/quantization.md): a bound on
    // |circuit output - f(input)| in the function's own units (a sigmoid's output lies in [0, 1]),
    // rounding included. A smaller error takes more segments, each one comparison per value.
    // HardSigmoid and Clip layers are exact (up to rounding their constants at the values' scale).
    double activation_error = 0.01;

    // The values quantize() accepts.
    static constexpr Interval kInputBits{1, 32};
    static constexpr Interval kWeightBits{2, 32};
    static constexpr Interval kActivationBits{0, 62};
    static constexpr double kMinActivationError = 1e-6, kMaxActivationError = 0.5;
    bool operator==(const QuantizationOptions&) const = default;
};

// Integer Dense layer: y = W x + b exactly, W = round(w * 2^weight_shift), b at y's scale.
struct QuantizedDense {
    std::size_t inputs = 0;
    std::size_t outputs = 0;
    int weight_shift = 0;
    std::vector<std::int64_t> weights;  // outputs * inputs, row by row as in DenseLayer
    std::vector<std::int64_t> biases;
};

// Integer Conv2D layer: the float layer's geometry, W = round(w * 2^weight_shift), b at the
// output's scale (before any rescale).
struct QuantizedConv2D {
    Shape3 input;
    std::size_t filters = 0;
    Window2D window;
    int weight_shift = 0;
    std::vector<std::int64_t> weights;  // as Conv2DLayer::weights
    std::vector<std::int64_t> biases;
    Shape3 output() const { return window_output(input, window, filters); }
    std::size_t weights_per_filter() const { return input.channels * window.kernel_height * window.kernel_width; }
};

// Integer Add layer: y = multiplier * x + skip_multiplier * s + bias, x the values entering the
// layer and s those of the layer it names (or the input), so that both reach the output's scale:
// the larger of their scales, times 2^k when their ratio needs k fraction bits (exact when it is
// a power of two; otherwise rounded within the weight bits).
struct QuantizedAdd {
    std::optional<std::size_t> from;  // as AddLayer::from
    std::int64_t multiplier = 1;
    std::int64_t skip_multiplier = 1;
    std::int64_t bias = 0;  // the input's float minimum at the output's scale, when s is the input
};

// An Activation layer's integers (docs/quantization.md): a piecewise-linear function of the integer
// input x. Its segment j is the number of breakpoints at or below x; its output is
// rescale_value(slopes[j] * x + intercepts[j], shift), computed exactly. The breakpoints lie within
// the static bounds of the inputs (segments no input reaches are left out).
struct QuantizedActivation {
    ActivationLayer function;
    std::vector<std::int64_t> breakpoints;             // increasing
    std::vector<std::int64_t> slopes, intercepts;      // breakpoints.size() + 1 each
    unsigned shift = 0;
    // A bound on |output / output scale - f(x / input scale)| over the inputs' bounds: the
    // approximation's error (measured on a fine grid) plus the rounding's (a bound).
    double max_error = 0.0;
    std::size_t segment(std::int64_t x) const;
    std::int64_t value(std::int64_t x) const;
};

struct QuantizedLayer {
    Layer::Kind kind = Layer::Kind::Dense;
    QuantizedDense dense;          // Dense only
    double scale = 1.0;            // integer value = scale * float value (1 for Argmax)
    std::vector<Interval> bounds;  // every value this layer outputs lies in its interval
    QuantizedConv2D conv{};        // Conv2D only
    Pool2DLayer pool{};            // MaxPool and AvgPool only (an AvgPool outputs the window's sum)
    // Dense, Conv2D, AvgPool, Add: when k = rescale_bits > 0 the layer outputs floor((v + 2^(k-1)) / 2^k),
    // v / 2^k rounded half up, of its exact values v; `bounds` and `scale` are those after the
    // rescale, `exact_bounds` those of v.
    unsigned rescale_bits = 0;
    std::vector<Interval> exact_bounds;  // with rescale_bits > 0 only
    QuantizedAdd add{};                  // Add only
    QuantizedActivation activation{};    // Activation only
};

// floor((v + 2^(k-1)) / 2^k) for k > 0, v for k = 0: the rescale of one value.
std::int64_t rescale_value(std::int64_t v, unsigned k);

struct QuantizedModel {
    std::string name;
    std::size_t input_size = 0;
    unsigned input_bits = 8;
    std::int64_t input_max = 255;  // inputs are integers in [0, input_max]
    double input_min_float = 0.0;  // float input = input_min_float + integer / input_scale
    double input_scale = 255.0;
    std::vector<QuantizedLayer> layers;

    // SHA-256 of the canonical text of every integer and scale: the model's identity.
    std::string fingerprint() const;
    std::string canonical_text() const;
    // A classifier's classes: the values of the layer its Argmax reads (0 without one).
    std::size_t classes() const;
};

// Throws InputError when the model cannot be quantized (empty, or bounds beyond 2^62, which
// would no longer be exact in int64 reference arithmetic; rescaling with activation_bits keeps
// deep models below it).
QuantizedModel quantize(const Model& model, const QuantizationOptions& options = {});

// A float input in [min, max] as the integer the circuit takes (rounded, clamped to range).
std::vector<std::int64_t> quantize_input(const QuantizedModel& model, const std::vector<double>& input);

}  // namespace zokml
