#include "zokml/quantize.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "zokml/digest.hpp"
#include "int128.hpp"
#include "zokml/errors.hpp"

namespace zokml {
namespace {

// Values stay below 2^62 so that the int64 reference is exact and sums of two never overflow.
constexpr detail::int128 kLimit = detail::int128(1) << 62;

// The largest shift s with round(max_abs * 2^s) < 2^(bits-1).
int weight_shift(double max_abs, unsigned bits) {
    if (max_abs == 0.0) return 0;
    const double limit = std::ldexp(1.0, static_cast<int>(bits) - 1) - 1;
    int shift = static_cast<int>(std::floor(std::log2(limit / max_abs)));
    // The logarithm is only an estimate near powers of two: settle on the exact largest shift.
    while (std::llround(std::ldexp(max_abs, shift)) > limit) --shift;
    while (std::llround(std::ldexp(max_abs, shift + 1)) <= limit) ++shift;
    return shift;
}

std::int64_t checked(detail::int128 v, const std::string& model, const std::string& field) {
    if (v >= kLimit || v <= -kLimit)
        throw InputError(model, field, "quantized values exceed 2^62; use fewer weight bits or a smaller input range");
    return static_cast<std::int64_t>(v);
}

QuantizedDense quantize_dense(const DenseLayer& dense, const QuantizationOptions& options, double in_scale,
                              double input_offset, double& out_scale) {
    QuantizedDense q;
    q.inputs = dense.inputs;
    q.outputs = dense.outputs;
    double max_abs = 0.0;
    for (const double w : dense.weights) max_abs = std::max(max_abs, std::abs(w));
    q.weight_shift = weight_shift(max_abs, options.weight_bits);
    out_scale = in_scale * std::ldexp(1.0, q.weight_shift);
    q.weights.reserve(dense.weights.size());
    for (const double w : dense.weights) q.weights.push_back(std::llround(std::ldexp(w, q.weight_shift)));
    for (std::size_t o = 0; o < dense.outputs; ++o) {
        // A non-zero float input minimum shifts every input: fold W * min into the bias.
        double bias = dense.biases[o];
        for (std::size_t i = 0; i < dense.inputs; ++i) bias += dense.weights[o * dense.inputs + i] * input_offset;
        q.biases.push_back(std::llround(bias * out_scale));
    }
    return q;
}

std::vector<Interval> dense_bounds(const QuantizedDense& q, const std::vector<Interval>& in, const std::string& model,
                                   const std::string& field) {
    std::vector<Interval> out;
    out.reserve(q.outputs);
    for (std::size_t o = 0; o < q.outputs; ++o) {
        detail::int128 lo = q.biases[o], hi = q.biases[o];
        for (std::size_t i = 0; i < q.inputs; ++i) {
            const detail::int128 w = q.weights[o * q.inputs + i];
            const detail::int128 a = w * in[i].lo, b = w * in[i].hi;
            lo += std::min(a, b);
            hi += std::max(a, b);
        }
        out.push_back({checked(lo, model, field), checked(hi, model, field)});
    }
    return out;
}

}  // namespace

unsigned sign_test_bits(Interval values) {
    unsigned n = 1;  // [-1, 0] needs one bit
    while (values.lo < -(detail::int128(1) << (n - 1)) || values.hi >= (detail::int128(1) << (n - 1))) ++n;
    return n;  // at most 64 for int64 values
}

QuantizedModel quantize(const Model& model, const QuantizationOptions& options) {
    if (model.layers.empty()) throw InputError(model.name, "layers", "the model has no layers");
    if (options.input_bits < 1 || options.input_bits > 32 || options.weight_bits < 2 || options.weight_bits > 32)
        throw InputError(model.name, "quantization", "input_bits must be 1..32 and weight_bits 2..32");
    QuantizedModel q;
    q.name = model.name;
    q.input_size = model.input_size;
    q.input_bits = options.input_bits;
    q.input_max = (std::int64_t(1) << options.input_bits) - 1;
    q.input_min_float = model.input_min;
    q.input_scale = static_cast<double>(q.input_max) / (model.input_max - model.input_min);

    double scale = q.input_scale;
    std::vector<Interval> bounds(model.input_size, Interval{0, q.input_max});
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        const Layer& layer = model.layers[l];
        const std::string field = fmt::format("layers[{}]", l);
        QuantizedLayer ql;
        ql.kind = layer.kind;
        switch (layer.kind) {
            case Layer::Kind::Dense: {
                if (l > 0 && model.input_min != 0.0 && model.layers[0].kind != Layer::Kind::Dense)
                    throw InputError(model.name, field, "a non-zero input minimum needs a Dense first layer");
                const double offset = l == 0 ? model.input_min : 0.0;
                ql.dense = quantize_dense(layer.dense, options, scale, offset, scale);
                ql.bounds = dense_bounds(ql.dense, bounds, model.name, field);
                break;
            }
            case Layer::Kind::ReLU:
                for (const auto& b : bounds) ql.bounds.push_back({std::max<std::int64_t>(b.lo, 0), std::max<std::int64_t>(b.hi, 0)});
                break;
            case Layer::Kind::Argmax:
                ql.bounds = {{0, static_cast<std::int64_t>(bounds.size()) - 1}};
                scale = 1.0;
                break;
        }
        ql.scale = scale;
        bounds = ql.bounds;
        q.layers.push_back(std::move(ql));
    }
    return q;
}

std::vector<std::int64_t> quantize_input(const QuantizedModel& model, const std::vector<double>& input) {
    if (input.size() != model.input_size)
        throw InputError("", "input", fmt::format("expected {} values, got {}", model.input_size, input.size()));
    std::vector<std::int64_t> q;
    q.reserve(input.size());
    for (std::size_t i = 0; i < input.size(); ++i) {
        if (!std::isfinite(input[i])) throw InputError("", fmt::format("input[{}]", i), "not a finite number");
        const auto v = std::llround((input[i] - model.input_min_float) * model.input_scale);
        q.push_back(std::clamp<std::int64_t>(v, 0, model.input_max));
    }
    return q;
}

std::string QuantizedModel::canonical_text() const {
    std::string text = fmt::format("zokml-quantized-model 1\ninput {} bits {} max {}\n", input_size, input_bits, input_max);
    for (const auto& layer : layers) {
        switch (layer.kind) {
            case Layer::Kind::Dense:
                text += fmt::format("dense {} {} shift {}\nweights {}\nbiases {}\n", layer.dense.inputs, layer.dense.outputs,
                                    layer.dense.weight_shift, fmt::join(layer.dense.weights, " "),
                                    fmt::join(layer.dense.biases, " "));
                break;
            case Layer::Kind::ReLU: text += "relu\n"; break;
            case Layer::Kind::Argmax: text += "argmax\n"; break;
        }
    }
    return text;
}

std::string QuantizedModel::fingerprint() const { return sha256_hex(canonical_text()); }

}  // namespace zokml
