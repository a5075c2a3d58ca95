// Fixed-point quantization of a float model, with sound static bounds on every value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "zokml/model.hpp"

namespace zokml {

// An inclusive integer range [lo, hi].
struct Interval {
    std::int64_t lo = 0;
    std::int64_t hi = 0;
    bool operator==(const Interval&) const = default;
};

// The bits N of a sign test for values in the interval: the smallest N with
// -2^(N-1) <= lo and hi < 2^(N-1), so that v + 2^(N-1) has an N-bit decomposition whose top
// bit is 1 exactly when v >= 0.
unsigned sign_test_bits(Interval values);

struct QuantizationOptions {
    unsigned input_bits = 8;    // inputs are integers in [0, 2^input_bits - 1]
    unsigned weight_bits = 10;  // each layer's largest |weight| uses at most this many bits with sign
};

// Integer Dense layer: y = W x + b exactly, W = round(w * 2^weight_shift), b at y's scale.
struct QuantizedDense {
    std::size_t inputs = 0;
    std::size_t outputs = 0;
    int weight_shift = 0;
    std::vector<std::int64_t> weights;  // outputs * inputs, row by row as in DenseLayer
    std::vector<std::int64_t> biases;
};

struct QuantizedLayer {
    Layer::Kind kind = Layer::Kind::Dense;
    QuantizedDense dense;          // Dense only
    double scale = 1.0;            // integer value = scale * float value (1 for Argmax)
    std::vector<Interval> bounds;  // every value this layer outputs lies in its interval
};

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
};

// Throws InputError when the model cannot be quantized (empty, or bounds beyond 2^62, which
// would no longer be exact in int64 reference arithmetic).
QuantizedModel quantize(const Model& model, const QuantizationOptions& options = {});

// A float input in [min, max] as the integer the circuit takes (rounded, clamped to range).
std::vector<std::int64_t> quantize_input(const QuantizedModel& model, const std::vector<double>& input);

}  // namespace zokml
