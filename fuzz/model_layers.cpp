// Models built layer by layer from the fuzzer's bytes, written as JSON text and then read like
// model_json reads its inputs (parse_json, model_from_json, quantize, the private-input circuit).
// Mutating JSON text rarely yields a model whose array lengths all match its shapes; this harness
// always does, and reaches what a hostile but well-formed model file can ask of the pipeline:
// shapes whose products pass 2^64, windows larger than any input, huge paddings, weights that are
// denormal, huge, or all zero.
//
// Every input is a JSON model: with ZOKML_FUZZ_PRINT_MODEL=1 in the environment the harness prints
// the JSON it built, so a finding here becomes a reproducer for model_json.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "model_pipeline.hpp"
#include "zokml/core/json.hpp"

namespace {

using namespace zokml;

// Values the generator favours: small, at a boundary, or anything.
std::size_t dimension(FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange(0, 7)) {
        case 0: return in.ConsumeIntegral<std::size_t>();                       // anything
        case 1: return std::size_t(1) << in.ConsumeIntegralInRange(31, 63);      // a power of two
        case 2: return std::numeric_limits<std::size_t>::max() - in.ConsumeIntegralInRange(0, 3);
        case 3: return in.ConsumeIntegralInRange<std::size_t>(0, 2048);          // large, still quick to generate
        default: return in.ConsumeIntegralInRange<std::size_t>(1, 6);            // small
    }
}

double weight(FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange(0, 7)) {
        case 0: return 0.0;
        case 1: return std::numeric_limits<double>::denorm_min() * in.ConsumeIntegralInRange(1, 1 << 20);
        case 2: return std::numeric_limits<double>::max() / in.ConsumeIntegralInRange(1, 1 << 20);
        case 3: return std::ldexp(1.0, in.ConsumeIntegralInRange(-1074, 1023)) * (in.ConsumeBool() ? -1 : 1);
        case 4: {  // any finite double
            const double v = in.ConsumeFloatingPoint<double>();
            return std::isfinite(v) ? v : 1.0;
        }
        default: return in.ConsumeFloatingPointInRange(-2.0, 2.0);
    }
}

// c * h * w == size modulo 2^64 with h and w odd and large: the product of the shape wraps around.
Shape3 wrapping_shape(FuzzedDataProvider& in, std::size_t size) {
    const std::size_t h = in.ConsumeIntegral<std::size_t>() | (std::size_t(1) << 40) | 1;
    const std::size_t w = in.ConsumeIntegralInRange<std::size_t>(1, 1 << 20) | 1;
    std::size_t inverse = h * w;  // Newton's iteration for the inverse of an odd number modulo 2^64
    for (int i = 0; i < 6; ++i) inverse *= 2 - h * w * inverse;
    return {size * inverse, h, w};
}

// The shape entering a window layer: one that holds `size` values, or a hostile one.
Shape3 image_shape(FuzzedDataProvider& in, std::size_t size) {
    switch (in.ConsumeIntegralInRange(0, 5)) {
        case 0: return wrapping_shape(in, size);
        case 1: return {dimension(in), dimension(in), dimension(in)};
        default: {  // channels x height x width == size, height a divisor of size / channels
            std::size_t channels = in.ConsumeIntegralInRange<std::size_t>(1, 4);
            if (size % channels) channels = 1;
            std::size_t height = in.ConsumeIntegralInRange<std::size_t>(1, 8);
            while ((size / channels) % height) --height;
            return {channels, height, size / channels / height};
        }
    }
}

Window2D window(FuzzedDataProvider& in, bool padding) {
    Window2D w;
    w.kernel_height = in.ConsumeBool() ? in.ConsumeIntegralInRange<std::size_t>(1, 3) : dimension(in);
    w.kernel_width = in.ConsumeBool() ? in.ConsumeIntegralInRange<std::size_t>(1, 3) : dimension(in);
    w.stride_height = in.ConsumeBool() ? 1 : dimension(in);
    w.stride_width = in.ConsumeBool() ? 1 : dimension(in);
    if (padding && in.ConsumeBool()) {
        w.pad_top = dimension(in);
        w.pad_left = dimension(in);
        w.pad_bottom = dimension(in);
        w.pad_right = dimension(in);
    }
    return w;
}

// `count` weights when the model file could hold them (at most 4096 numbers), else none.
std::optional<std::vector<double>> weights(FuzzedDataProvider& in, std::size_t rows, std::size_t columns) {
    if (rows == 0 || columns == 0 || rows > 4096 || columns > 4096 || rows * columns > 4096) return std::nullopt;
    std::vector<double> out;
    const int style = in.ConsumeIntegralInRange(0, 2);  // one value repeated, or each its own
    const double repeated = weight(in);
    for (std::size_t i = 0; i < rows * columns; ++i) out.push_back(style == 0 ? repeated : weight(in));
    return out;
}

std::optional<Model> generate(FuzzedDataProvider& in) {
    Model model;
    model.name = "layers";
    // Mostly a size whose values fit in memory: the later layers' shapes are where the variety is.
    model.input_size = in.ConsumeIntegralInRange(0, 7) ? in.ConsumeIntegralInRange<std::size_t>(1, 64) : dimension(in);
    if (in.ConsumeBool()) {
        model.input_min = weight(in);
        model.input_max = weight(in);
        if (!(model.input_min < model.input_max)) std::swap(model.input_min, model.input_max);
        if (!(model.input_min < model.input_max)) model.input_max = model.input_min + 1;
        if (!std::isfinite(model.input_max)) return std::nullopt;
    }
    std::size_t size = model.input_size;
    const int layers = in.ConsumeIntegralInRange(1, 7);
    for (int l = 0; l < layers; ++l) {
        Layer layer;
        layer.kind = static_cast<Layer::Kind>(in.ConsumeIntegralInRange(0, 7));
        switch (layer.kind) {
            case Layer::Kind::Dense: {
                DenseLayer& d = layer.dense;
                d.inputs = size;
                d.outputs = in.ConsumeBool() ? in.ConsumeIntegralInRange<std::size_t>(1, 12) : dimension(in);
                auto w = weights(in, d.outputs, d.inputs);
                auto b = weights(in, 1, d.outputs);
                if (!w || !b) return std::nullopt;
                d.weights = std::move(*w);
                d.biases = std::move(*b);
                break;
            }
            case Layer::Kind::Conv2D: {
                Conv2DLayer& c = layer.conv;
                c.input = image_shape(in, size);
                c.filters = in.ConsumeBool() ? in.ConsumeIntegralInRange<std::size_t>(1, 4) : dimension(in);
                c.window = window(in, true);
                auto w = weights(in, c.filters, c.weights_per_filter());
                auto b = weights(in, 1, c.filters);
                if (!w || !b) return std::nullopt;
                c.weights = std::move(*w);
                c.biases = std::move(*b);
                break;
            }
            case Layer::Kind::MaxPool:
            case Layer::Kind::AvgPool:
                layer.pool.input = image_shape(in, size);
                layer.pool.window = window(in, false);
                break;
            case Layer::Kind::Add:  // an earlier layer, itself or a later one (refused), or the input
                if (in.ConsumeBool()) layer.add.from = in.ConsumeIntegralInRange<std::size_t>(0, model.layers.size());
                break;
            default: break;
        }
        model.layers.push_back(std::move(layer));
        size = model.layer_output_sizes().back();
    }
    if (in.ConsumeBool() && model.layers.back().kind != Layer::Kind::Argmax) {
        Layer argmax;
        argmax.kind = Layer::Kind::Argmax;
        model.layers.push_back(argmax);
    }
    return model;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const std::optional<Model> generated = generate(in);
    if (!generated) return 0;
    const std::string text = model_to_json(*generated).dump();
    static const bool print = std::getenv("ZOKML_FUZZ_PRINT_MODEL") != nullptr;
    if (print) {
        std::printf("%s\n", text.c_str());
        std::fflush(stdout);  // before a crash below
    }

    std::optional<Model> model;
    fuzz::run_expecting(fuzz::kInputError, [&] { model = model_from_json(parse_json(text, "model.json"), "model.json"); });
    if (model) fuzz::quantize_and_generate(*model);
    return 0;
}
