#include "zokml/quantize/quantize.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "zokml/core/digest.hpp"
#include "model/window.hpp"
#include "piecewise.hpp"
#include "value_limit.hpp"
#include "zokml/core/errors.hpp"

namespace zokml {
namespace {

// The largest shift s with round(max_abs * 2^s) < 2^(bits-1). The binary exponent gives it within
// one (for any finite max_abs, subnormals too), so each loop runs at most a step or two.
int weight_shift(double max_abs, unsigned bits) {
    if (max_abs == 0.0) return 0;
    const double limit = std::ldexp(1.0, static_cast<int>(bits) - 1) - 1;
    int exponent = 0;
    std::frexp(max_abs, &exponent);  // max_abs in [2^(exponent-1), 2^exponent)
    int shift = static_cast<int>(bits) - 1 - exponent;
    while (std::llround(std::ldexp(max_abs, shift)) > limit) --shift;
    while (std::llround(std::ldexp(max_abs, shift + 1)) <= limit) ++shift;
    return shift;
}

int largest_shift(const std::vector<double>& weights, const QuantizationOptions& options) {
    double max_abs = 0.0;
    for (const double w : weights) max_abs = std::max(max_abs, std::abs(w));
    return weight_shift(max_abs, options.weight_bits);
}

std::vector<std::int64_t> rounded(const std::vector<double>& weights, int shift) {
    std::vector<std::int64_t> out;
    out.reserve(weights.size());
    for (const double w : weights) out.push_back(std::llround(std::ldexp(w, shift)));
    return out;
}

// Biases at the output scale; a non-zero float input minimum shifts every input, so W * min
// (each output's row of `per_output` weights) is folded into its bias. nullopt when one does not
// fit the value limit at that scale (llround of a larger value is undefined).
std::optional<std::vector<std::int64_t>> scaled_biases(const std::vector<double>& weights, const std::vector<double>& biases,
                                                       std::size_t per_output, double input_offset, double out_scale) {
    std::vector<std::int64_t> out;
    out.reserve(biases.size());
    for (std::size_t o = 0; o < biases.size(); ++o) {
        double bias = biases[o];
        for (std::size_t i = 0; i < per_output; ++i) bias += weights[o * per_output + i] * input_offset;
        const double scaled = bias * out_scale;
        if (!(std::abs(scaled) < std::ldexp(1.0, 62))) return std::nullopt;
        out.push_back(std::llround(scaled));
    }
    return out;
}

// The integer weights and biases of an affine layer (Dense, Conv2D) of `per_output` weights per
// output: W = round(w * 2^shift) with the largest shift the weight bits allow, biases at the
// output's scale, out_scale = in_scale * 2^shift.
struct AffineIntegers {
    int shift = 0;
    std::vector<std::int64_t> weights, biases;
};
// Throws InputError (model, field) when the weights' magnitudes leave the float range: a scale
// that is not a normal number, or biases beyond the value limit at that scale.
AffineIntegers quantize_affine(const std::vector<double>& weights, const std::vector<double>& biases, std::size_t per_output,
                               const QuantizationOptions& options, double in_scale, double input_offset, double& out_scale,
                               const std::string& model, const std::string& field) {
    AffineIntegers q;
    q.shift = largest_shift(weights, options);
    out_scale = in_scale * std::ldexp(1.0, q.shift);
    if (!std::isnormal(out_scale))
        throw InputError(model, field + ".weights",
                         fmt::format("the largest |weight| needs a scale of 2^{} on an input scale of {}, beyond the float "
                                     "range: rescale the layer's weights",
                                     q.shift, in_scale));
    q.weights = rounded(weights, q.shift);
    auto scaled = scaled_biases(weights, biases, per_output, input_offset, out_scale);
    if (!scaled)
        throw InputError(model, field + ".biases",
                         fmt::format("a bias exceeds 2^62 at the layer's scale {} (the weights are tiny next to it)", out_scale));
    q.biases = std::move(*scaled);
    return q;
}

QuantizedDense quantize_dense(const DenseLayer& dense, const QuantizationOptions& options, double in_scale,
                              double input_offset, double& out_scale, const std::string& model, const std::string& field) {
    auto q = quantize_affine(dense.weights, dense.biases, dense.inputs, options, in_scale, input_offset, out_scale, model, field);
    return {dense.inputs, dense.outputs, q.shift, std::move(q.weights), std::move(q.biases)};
}

// An input offset is folded as for Dense (the caller allows it only without padding, where every
// window lies inside the input).
QuantizedConv2D quantize_conv(const Conv2DLayer& conv, const QuantizationOptions& options, double in_scale,
                              double input_offset, double& out_scale, const std::string& model, const std::string& field) {
    auto q = quantize_affine(conv.weights, conv.biases, conv.weights_per_filter(), options, in_scale, input_offset, out_scale,
                             model, field);
    return {conv.input, conv.filters, conv.window, q.shift, std::move(q.weights), std::move(q.biases)};
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
        out.push_back({detail::within_value_limit(lo, model, field), detail::within_value_limit(hi, model, field)});
    }
    return out;
}

// Interval arithmetic per output position: padding contributes exactly 0.
std::vector<Interval> conv_bounds(const QuantizedConv2D& q, const std::vector<Interval>& in, const std::string& model,
                                  const std::string& field) {
    std::vector<Interval> out;
    out.reserve(q.output().size());
    detail::for_each_conv_output(q.input, q.window, q.filters, [&](std::size_t o, auto&& taps) {
        detail::int128 lo = q.biases[o], hi = q.biases[o];
        taps([&](std::size_t i, std::size_t k) {
            const detail::int128 a = detail::int128(q.weights[k]) * in[i].lo, b = detail::int128(q.weights[k]) * in[i].hi;
            lo += std::min(a, b);
            hi += std::max(a, b);
        });
        out.push_back({detail::within_value_limit(lo, model, field), detail::within_value_limit(hi, model, field)});
    });
    return out;
}

// An AvgPool's window sum ([sum lo, sum hi]) or a MaxPool's maximum ([max lo, max hi]).
std::vector<Interval> pool_bounds(const Pool2DLayer& p, bool max, const std::vector<Interval>& in,
                                  const std::string& model, const std::string& field) {
    std::vector<Interval> out;
    out.reserve(p.output().size());
    detail::for_each_pool_output(p.input, p.window, [&](auto&& taps) {
        std::optional<Interval> largest;
        detail::int128 lo = 0, hi = 0;
        taps([&](std::size_t i) {
            if (max) largest = largest ? Interval{std::max(largest->lo, in[i].lo), std::max(largest->hi, in[i].hi)} : in[i];
            lo += in[i].lo;
            hi += in[i].hi;
        });
        out.push_back(max ? *largest : Interval{detail::within_value_limit(lo, model, field), detail::within_value_limit(hi, model, field)});
    });
    return out;
}

// The multipliers that bring an Add's two operands, at scales `scale` and `skip_scale`, to one
// scale: the larger one times 2^p, p the fewest fraction bits that make the ratio an integer, at
// most those the weight bits allow (then the ratio is rounded). Returns the output scale.
double add_multipliers(QuantizedAdd& add, double scale, double skip_scale, const QuantizationOptions& options,
                       const std::string& model, const std::string& field) {
    const double ratio = std::max(scale, skip_scale) / std::min(scale, skip_scale);
    if (!(ratio < std::ldexp(1.0, 40)))
        throw InputError(model, field, fmt::format("adds values at the scales {} and {}: more than 2^40 apart", scale, skip_scale));
    const int most = std::max(0, weight_shift(ratio, options.weight_bits));
    int p = 0;
    while (p < most && std::ldexp(ratio, p) != std::round(std::ldexp(ratio, p))) ++p;
    const std::int64_t larger = std::int64_t(1) << p, smaller = std::llround(std::ldexp(ratio, p));
    add.multiplier = scale >= skip_scale ? larger : smaller;
    add.skip_multiplier = scale >= skip_scale ? smaller : larger;
    return std::ldexp(std::max(scale, skip_scale), p);
}

// m x + m_s s + bias over the operands' bounds.
std::vector<Interval> add_bounds(const QuantizedAdd& add, const std::vector<Interval>& in, const std::vector<Interval>& skip,
                                 const std::string& model, const std::string& field) {
    std::vector<Interval> out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const detail::int128 lo = detail::int128(add.multiplier) * in[i].lo + detail::int128(add.skip_multiplier) * skip[i].lo + add.bias;
        const detail::int128 hi = detail::int128(add.multiplier) * in[i].hi + detail::int128(add.skip_multiplier) * skip[i].hi + add.bias;
        out.push_back({detail::within_value_limit(lo, model, field), detail::within_value_limit(hi, model, field)});
    }
    return out;
}

// Whether layer l's outputs reach a ReLU, directly or through Flatten layers.
bool feeds_relu(const Model& model, std::size_t l) {
    for (std::size_t next = l + 1; next < model.layers.size(); ++next) {
        if (model.layers[next].kind == Layer::Kind::ReLU) return true;
        if (model.layers[next].kind != Layer::Kind::Flatten) return false;
    }
    return false;
}

// Whether layer l's outputs reach an Activation layer, directly or through Flatten layers: rescaled
// like those a ReLU takes, so that its comparisons are narrow.
bool feeds_activation(const Model& model, std::size_t l) {
    for (std::size_t next = l + 1; next < model.layers.size(); ++next) {
        if (model.layers[next].kind == Layer::Kind::Activation) return true;
        if (model.layers[next].kind != Layer::Kind::Flatten) return false;
    }
    return false;
}

// Divides the layer's values by 2^k (rounded) so that they fit activation_bits signed bits.
void rescale(QuantizedLayer& layer, unsigned activation_bits, double& scale) {
    const unsigned bits = sign_test_bits(hull(layer.bounds));
    if (bits <= activation_bits) return;
    layer.exact_bounds = std::move(layer.bounds);
    // Rounding up can reach the next power of two ([0, 1020] / 8 gives [0, 128]): one more bit then.
    for (unsigned k = bits - activation_bits;; ++k) {
        layer.bounds.clear();
        for (const auto& b : layer.exact_bounds) layer.bounds.push_back({rescale_value(b.lo, k), rescale_value(b.hi, k)});
        if (sign_test_bits(hull(layer.bounds)) <= activation_bits) {
            layer.rescale_bits = k;
            break;
        }
    }
    scale = std::ldexp(scale, -static_cast<int>(layer.rescale_bits));
}

// With a non-zero float input minimum, the integer inputs measure the distance from it: only a
// first Dense layer, or a first Conv2D whose windows never touch padding, can fold that offset
// into its biases.
void check_input_offset(const Model& model) {
    if (model.input_min == 0.0) return;
    std::size_t first = 0;
    while (first < model.layers.size() && model.layers[first].kind == Layer::Kind::Flatten) ++first;
    if (first == model.layers.size()) return;
    const Layer& layer = model.layers[first];
    const Window2D& w = layer.conv.window;
    const bool padded = w.pad_top || w.pad_left || w.pad_bottom || w.pad_right;
    if (layer.kind == Layer::Kind::Dense || (layer.kind == Layer::Kind::Conv2D && !padded)) return;
    throw InputError(model.name, fmt::format("layers[{}]", first),
                     "a non-zero input minimum needs a Dense first layer (or a Conv2D without padding)");
}

}  // namespace

namespace detail {

std::int64_t within_value_limit(int128 v, const std::string& model, const std::string& field) {
    if (v >= kValueLimit || v <= -kValueLimit)
        throw InputError(model, field,
                         "quantized values exceed 2^62; use fewer weight bits, a smaller input range, or rescaling "
                         "between layers (QuantizationOptions::activation_bits, e.g. 16)");
    return static_cast<std::int64_t>(v);
}

}  // namespace detail

Interval hull(std::span<const Interval> intervals) {
    if (intervals.empty()) return {0, 0};
    Interval all = intervals.front();
    for (const auto& b : intervals) all = {std::min(all.lo, b.lo), std::max(all.hi, b.hi)};
    return all;
}

Interval range_of(std::span<const std::int64_t> values) {
    Interval range{0, 0};
    for (const auto v : values) range = {std::min(range.lo, v), std::max(range.hi, v)};
    return range;
}

unsigned signed_width(std::span<const std::int64_t> values) { return sign_test_bits(range_of(values)); }

unsigned sign_test_bits(Interval values) {
    unsigned n = 1;  // [-1, 0] needs one bit
    while (values.lo < -(detail::int128(1) << (n - 1)) || values.hi >= (detail::int128(1) << (n - 1))) ++n;
    return n;  // at most 64 for int64 values
}

std::int64_t rescale_value(std::int64_t v, unsigned k) {
    if (k == 0) return v;
    // v < 2^62 and 2^(k-1) <= 2^61: no overflow; >> of a negative value rounds toward -infinity.
    return (v + (std::int64_t(1) << (k - 1))) >> k;
}

QuantizedModel quantize(const Model& model, const QuantizationOptions& options) {
    if (model.layers.empty()) throw InputError(model.name, "layers", "the model has no layers");
    const auto check = [&](const char* name, unsigned value, Interval accepted) {
        if (static_cast<std::int64_t>(value) < accepted.lo || static_cast<std::int64_t>(value) > accepted.hi)
            throw InputError(model.name, name, fmt::format("is {}, expected {} to {}", value, accepted.lo, accepted.hi));
    };
    check("input_bits", options.input_bits, QuantizationOptions::kInputBits);
    check("weight_bits", options.weight_bits, QuantizationOptions::kWeightBits);
    check("activation_bits", options.activation_bits, QuantizationOptions::kActivationBits);
    if (!(options.activation_error >= QuantizationOptions::kMinActivationError &&
          options.activation_error <= QuantizationOptions::kMaxActivationError))
        throw InputError(model.name, "activation_error", fmt::format("is {}, expected {} to {}", options.activation_error,
                                                                     QuantizationOptions::kMinActivationError,
                                                                     QuantizationOptions::kMaxActivationError));
    check_input_offset(model);
    QuantizedModel q;
    q.name = model.name;
    q.input_size = model.input_size;
    q.input_bits = options.input_bits;
    q.input_max = (std::int64_t(1) << options.input_bits) - 1;
    q.input_min_float = model.input_min;
    q.input_scale = static_cast<double>(q.input_max) / (model.input_max - model.input_min);
    if (!std::isnormal(q.input_scale))
        throw InputError(model.name, "input", fmt::format("the range [{}, {}] gives the input scale {}: outside the float range",
                                                          model.input_min, model.input_max, q.input_scale));

    double scale = q.input_scale;
    double offset = model.input_min;  // folded into the first affine layer's biases
    std::vector<Interval> bounds(model.input_size, Interval{0, q.input_max});
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        const Layer& layer = model.layers[l];
        const std::string field = fmt::format("layers[{}]", l);
        QuantizedLayer ql;
        ql.kind = layer.kind;
        switch (layer.kind) {
            case Layer::Kind::Dense:
                ql.dense = quantize_dense(layer.dense, options, scale, offset, scale, model.name, field);
                ql.bounds = dense_bounds(ql.dense, bounds, model.name, field);
                offset = 0.0;
                break;
            case Layer::Kind::Conv2D:
                ql.conv = quantize_conv(layer.conv, options, scale, offset, scale, model.name, field);
                ql.bounds = conv_bounds(ql.conv, bounds, model.name, field);
                offset = 0.0;
                break;
            case Layer::Kind::MaxPool:
            case Layer::Kind::AvgPool: {
                const bool max = layer.kind == Layer::Kind::MaxPool;
                ql.pool = layer.pool;
                ql.bounds = pool_bounds(layer.pool, max, bounds, model.name, field);
                // The integer output is the window's sum: the mean at n times the scale.
                if (!max) scale *= static_cast<double>(layer.pool.window.kernel_height * layer.pool.window.kernel_width);
                break;
            }
            case Layer::Kind::ReLU:
                for (const auto& b : bounds) ql.bounds.push_back({std::max<std::int64_t>(b.lo, 0), std::max<std::int64_t>(b.hi, 0)});
                break;
            case Layer::Kind::Flatten: ql.bounds = bounds; break;
            case Layer::Kind::Add: {
                const auto from = layer.add.from;
                const std::vector<Interval> input_bounds(from ? 0 : model.input_size, Interval{0, q.input_max});
                ql.add.from = from;
                scale = add_multipliers(ql.add, scale, from ? q.layers.at(*from).scale : q.input_scale, options,
                                        model.name, field);
                // The input's integers measure the distance from its float minimum: add it back.
                const double bias = from ? 0.0 : model.input_min * scale;
                if (!(std::abs(bias) < std::ldexp(1.0, 62)))
                    throw InputError(model.name, field, fmt::format("the input's minimum at the scale {} exceeds 2^62", scale));
                ql.add.bias = std::llround(bias);
                ql.bounds = add_bounds(ql.add, bounds, from ? q.layers[*from].bounds : input_bounds, model.name, field);
                break;
            }
            case Layer::Kind::Argmax:
                ql.bounds = {{0, static_cast<std::int64_t>(bounds.size()) - 1}};
                scale = 1.0;
                break;
            case Layer::Kind::Activation:
                ql.activation = detail::quantize_activation(layer.activation, hull(bounds), scale, options.activation_error,
                                                            scale, model.name, field);
                for (const auto& b : bounds) ql.bounds.push_back(detail::activation_bounds(ql.activation, b));
                for (const auto& b : ql.bounds) {
                    detail::within_value_limit(b.lo, model.name, field);
                    detail::within_value_limit(b.hi, model.name, field);
                }
                break;
        }
        const bool produces = layer.kind == Layer::Kind::Dense || layer.kind == Layer::Kind::Conv2D ||
                              layer.kind == Layer::Kind::AvgPool || layer.kind == Layer::Kind::Add;
        if (options.activation_bits > 0 && produces && (feeds_relu(model, l) || feeds_activation(model, l)))
            rescale(ql, options.activation_bits, scale);
        if (!std::isnormal(scale))
            throw InputError(model.name, field, fmt::format("its values' scale is {}: outside the float range", scale));
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
        // Clamped before rounding: llround of a value beyond int64 is undefined.
        const double v = std::clamp((input[i] - model.input_min_float) * model.input_scale, 0.0, static_cast<double>(model.input_max));
        q.push_back(std::llround(v));
    }
    return q;
}

std::string QuantizedModel::canonical_text() const {
    std::string text = fmt::format("zokml-quantized-model 1\ninput {} bits {} max {}\n", input_size, input_bits, input_max);
    const auto window = [](const Window2D& w) {
        return fmt::format("kernel {} {} stride {} {}", w.kernel_height, w.kernel_width, w.stride_height, w.stride_width);
    };
    for (const auto& layer : layers) {
        switch (layer.kind) {
            case Layer::Kind::Dense:
                text += fmt::format("dense {} {} shift {}\nweights {}\nbiases {}\n", layer.dense.inputs, layer.dense.outputs,
                                    layer.dense.weight_shift, fmt::join(layer.dense.weights, " "),
                                    fmt::join(layer.dense.biases, " "));
                break;
            case Layer::Kind::Conv2D: {
                const auto& c = layer.conv;
                text += fmt::format("conv2d {} {} {} filters {} {} padding {} {} {} {} shift {}\nweights {}\nbiases {}\n",
                                    c.input.channels, c.input.height, c.input.width, c.filters, window(c.window),
                                    c.window.pad_top, c.window.pad_left, c.window.pad_bottom, c.window.pad_right,
                                    c.weight_shift, fmt::join(c.weights, " "), fmt::join(c.biases, " "));
                break;
            }
            case Layer::Kind::MaxPool:
            case Layer::Kind::AvgPool:
                text += fmt::format("{} {} {} {} {}\n", layer_type_name(layer.kind), layer.pool.input.channels,
                                    layer.pool.input.height, layer.pool.input.width, window(layer.pool.window));
                break;
            case Layer::Kind::ReLU: text += "relu\n"; break;
            case Layer::Kind::Argmax: text += "argmax\n"; break;
            case Layer::Kind::Flatten: text += "flatten\n"; break;
            case Layer::Kind::Add:
                text += fmt::format("add from {} x {} skip x {} bias {}\n",
                                    layer.add.from ? std::to_string(*layer.add.from) : "input", layer.add.multiplier,
                                    layer.add.skip_multiplier, layer.add.bias);
                break;
            case Layer::Kind::Activation: {
                const auto& a = layer.activation;
                text += fmt::format("{} shift {}\nbreakpoints {}\nslopes {}\nintercepts {}\n",
                                    activation_name(a.function.function), a.shift, fmt::join(a.breakpoints, " "),
                                    fmt::join(a.slopes, " "), fmt::join(a.intercepts, " "));
                break;
            }
        }
        if (layer.rescale_bits > 0) text += fmt::format("rescale {}\n", layer.rescale_bits);
    }
    return text;
}

std::string QuantizedModel::fingerprint() const { return sha256_hex(canonical_text()); }

std::size_t QuantizedModel::classes() const {
    const bool argmax = layers.size() >= 2 && layers.back().kind == Layer::Kind::Argmax;
    return argmax ? layers[layers.size() - 2].bounds.size() : 0;
}

}  // namespace zokml
