#include "zokml/model/model.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

#include "zokml/core/files.hpp"
#include "zokml/core/json.hpp"
#include "model/window.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/model/onnx.hpp"

namespace zokml {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kFormat = "zokml-model";
constexpr int kVersion = 1;

std::string member_path(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
}
std::string index_path(const std::string& parent, std::size_t index) { return fmt::format("{}[{}]", parent, index); }

// Reads the fields of one model document; every error names the file and the field.
class Reader {
public:
    explicit Reader(const fs::path& file) : file_(file) {}

    [[noreturn]] void fail(const std::string& field, const std::string& reason) const {
        throw InputError(file_, field, reason);
    }

    const json& object(const json& value, const std::string& field) const {
        if (!value.is_object()) fail(field.empty() ? "(root)" : field, expected("an object", value));
        return value;
    }

    // Unknown members are refused: they would be dropped silently on the next save.
    void only_members(const json& object, const std::string& field, std::initializer_list<const char*> keys) const {
        for (const auto& [key, ignored] : object.items())
            if (std::none_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; }))
                fail(member_path(field, key), fmt::format("unknown member (expected {})", fmt::join(keys, ", ")));
    }

    const json& member(const json& object, const std::string& field, const char* key) const {
        const auto it = object.find(key);
        if (it == object.end()) fail(member_path(field, key), "missing");
        return *it;
    }

    std::string string(const json& value, const std::string& field) const {
        if (!value.is_string()) fail(field, expected("a string", value));
        return value.get<std::string>();
    }

    // A count of values: an integer from 1 to kMaxCount.
    std::size_t count(const json& value, const std::string& field) const { return bounded(value, field, 1); }

    // A size that may be zero (a padding): an integer from 0 to kMaxCount.
    std::size_t size(const json& value, const std::string& field) const { return bounded(value, field, 0); }

    // The product of the factors, refused (naming what it counts) beyond kMaxCount.
    std::size_t product(const std::string& field, std::initializer_list<std::size_t> factors, const char* what) const {
        std::size_t product = 1;
        for (const std::size_t f : factors) {
            if (f != 0 && product > kMaxCount / f)
                fail(field, fmt::format("gives more than {} {} (zokml's limit, 2^24)", kMaxCount, what));
            product *= f;
        }
        return product;
    }

    // An array of `n` integers, each >= 1 (positive) or >= 0.
    std::vector<std::size_t> sizes(const json& value, const std::string& field, std::size_t n, const char* size_name,
                                   bool positive) const {
        array(value, field, n, size_name);
        std::vector<std::size_t> out;
        for (std::size_t i = 0; i < n; ++i)
            out.push_back(positive ? count(value[i], index_path(field, i)) : size(value[i], index_path(field, i)));
        return out;
    }

    // Strings such as "NaN" are refused like any string; NaN and infinities can only arrive in a
    // document built in memory (JSON text cannot hold them and the parser refuses overflow).
    double number(const json& value, const std::string& field) const {
        if (!value.is_number()) fail(field, expected("a number", value));
        const double v = value.get<double>();
        if (!std::isfinite(v)) fail(field, fmt::format("is {}, expected a finite number", v));
        return v;
    }

    const json& array(const json& value, const std::string& field, std::size_t size, const char* size_name) const {
        if (!value.is_array()) fail(field, expected("an array", value));
        if (value.size() != size)
            fail(field, fmt::format("has {} entries, expected {} ({})", value.size(), size, size_name));
        return value;
    }

    std::vector<double> numbers(const json& value, const std::string& field, std::size_t size,
                                const char* size_name) const {
        array(value, field, size, size_name);
        std::vector<double> out;
        out.reserve(size);
        for (std::size_t i = 0; i < size; ++i) out.push_back(number(value[i], index_path(field, i)));
        return out;
    }

private:
    std::size_t bounded(const json& value, const std::string& field, std::int64_t least) const {
        const char* what = least > 0 ? "a positive integer" : "a non-negative integer";
        if (!value.is_number_integer()) fail(field, expected(what, value));
        if (value.is_number_unsigned() ? value.get<std::uint64_t>() > kMaxCount : value.get<std::int64_t>() > std::int64_t(kMaxCount))
            fail(field, fmt::format("is {}, more than zokml takes (2^24 = {})", value.dump(), kMaxCount));
        if (value.get<std::int64_t>() < least) fail(field, fmt::format("is {}, expected {}", value.dump(), what));
        return value.get<std::size_t>();
    }

    static std::string expected(const char* what, const json& value) {
        if (value.is_structured()) return fmt::format("expected {}, got an {}", what, value.type_name());
        std::string shown = value.dump();
        if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
        return fmt::format("expected {}, got {} {}", what, value.type_name(), shown);
    }
    const fs::path& file_;
};

// One parser per layer type; a new type is one function and one entry in kLayerTypes. `size` is
// the number of values entering the layer; it returns the layer.
using LayerParser = Layer (*)(const Reader&, const json& layer, const std::string& field, std::size_t size);

// `rows` rows of `columns` numbers, concatenated.
std::vector<double> matrix(const Reader& r, const json& layer, const std::string& field, const char* key,
                           std::size_t rows, const char* row_name, std::size_t columns, const char* column_name) {
    const std::string matrix_field = member_path(field, key);
    const json& value = r.array(r.member(layer, field, key), matrix_field, rows, row_name);
    std::vector<double> out;
    out.reserve(rows * columns);
    for (std::size_t o = 0; o < rows; ++o) {
        const auto row = r.numbers(value[o], index_path(matrix_field, o), columns, column_name);
        out.insert(out.end(), row.begin(), row.end());
    }
    return out;
}

Layer parse_dense(const Reader& r, const json& layer, const std::string& field, std::size_t size) {
    r.only_members(layer, field, {"type", "inputs", "outputs", "weights", "biases"});
    Layer out;
    out.kind = Layer::Kind::Dense;
    DenseLayer& d = out.dense;
    d.inputs = r.count(r.member(layer, field, "inputs"), member_path(field, "inputs"));
    d.outputs = r.count(r.member(layer, field, "outputs"), member_path(field, "outputs"));
    if (d.inputs != size)
        r.fail(member_path(field, "inputs"),
               fmt::format("is {}, but {} values enter this layer", d.inputs, size));
    r.product(member_path(field, "weights"), {d.outputs, d.inputs}, "weights");
    d.weights = matrix(r, layer, field, "weights", d.outputs, "one row per output", d.inputs, "one weight per input");
    d.biases = r.numbers(r.member(layer, field, "biases"), member_path(field, "biases"), d.outputs, "one per output");
    return out;
}

// "input": [channels, height, width], matching the values that enter the layer.
Shape3 parse_shape(const Reader& r, const json& layer, const std::string& field, std::size_t size) {
    const std::string shape_field = member_path(field, "input");
    const auto dims = r.sizes(r.member(layer, field, "input"), shape_field, 3, "channels, height, width", true);
    const Shape3 shape{dims[0], dims[1], dims[2]};
    r.product(shape_field, {dims[0], dims[1], dims[2]}, "values");
    if (shape.size() != size)
        r.fail(shape_field, fmt::format("is {} x {} x {} = {} values, but {} values enter this layer", shape.channels,
                                        shape.height, shape.width, shape.size(), size));
    return shape;
}

// "kernel": [height, width], "stride": [height, width] and, with padding, "padding": [top, left,
// bottom, right]; the window must fit the (padded) input at least once.
Window2D parse_window(const Reader& r, const json& layer, const std::string& field, const Shape3& input, bool padding) {
    const auto kernel = r.sizes(r.member(layer, field, "kernel"), member_path(field, "kernel"), 2, "height, width", true);
    const auto stride = r.sizes(r.member(layer, field, "stride"), member_path(field, "stride"), 2, "height, width", true);
    Window2D w{kernel[0], kernel[1], stride[0], stride[1]};
    if (padding) {
        const auto pads = r.sizes(r.member(layer, field, "padding"), member_path(field, "padding"), 4,
                                  "top, left, bottom, right", false);
        w.pad_top = pads[0], w.pad_left = pads[1], w.pad_bottom = pads[2], w.pad_right = pads[3];
    }
    const Shape3 out = window_output(input, w, 1);
    if (out.height == 0 || out.width == 0)
        r.fail(member_path(field, "kernel"), fmt::format("is {} x {}, larger than the {}input ({} x {})", w.kernel_height,
                                                         w.kernel_width, padding ? "padded " : "",
                                                         input.height + w.pad_top + w.pad_bottom,
                                                         input.width + w.pad_left + w.pad_right));
    return w;
}

Layer parse_conv2d(const Reader& r, const json& layer, const std::string& field, std::size_t size) {
    r.only_members(layer, field, {"type", "input", "filters", "kernel", "stride", "padding", "weights", "biases"});
    Layer out;
    out.kind = Layer::Kind::Conv2D;
    Conv2DLayer& c = out.conv;
    c.input = parse_shape(r, layer, field, size);
    c.filters = r.count(r.member(layer, field, "filters"), member_path(field, "filters"));
    c.window = parse_window(r, layer, field, c.input, true);
    r.product(member_path(field, "weights"), {c.filters, c.input.channels, c.window.kernel_height, c.window.kernel_width},
              "weights");
    r.product(member_path(field, "filters"), {c.filters, c.output().height, c.output().width}, "output values");
    c.weights = matrix(r, layer, field, "weights", c.filters, "one row per filter", c.weights_per_filter(),
                       "channels x kernel height x kernel width");
    c.biases = r.numbers(r.member(layer, field, "biases"), member_path(field, "biases"), c.filters, "one per filter");
    return out;
}

template <Layer::Kind kind>
Layer parse_pool(const Reader& r, const json& layer, const std::string& field, std::size_t size) {
    r.only_members(layer, field, {"type", "input", "kernel", "stride"});
    Layer out;
    out.kind = kind;
    out.pool.input = parse_shape(r, layer, field, size);
    out.pool.window = parse_window(r, layer, field, out.pool.input, false);
    return out;
}

template <Layer::Kind kind>
Layer parse_bare(const Reader& r, const json& layer, const std::string& field, std::size_t) {
    r.only_members(layer, field, {"type"});
    Layer out;
    out.kind = kind;
    return out;
}

// "from": the index of an earlier layer, or "input"; model_from_json checks that it is earlier and
// that its values are as many as those entering the layer.
Layer parse_add(const Reader& r, const json& layer, const std::string& field, std::size_t) {
    r.only_members(layer, field, {"type", "from"});
    Layer out;
    out.kind = Layer::Kind::Add;
    const json& from = r.member(layer, field, "from");
    if (from != "input") {
        if (!from.is_number_integer())
            r.fail(member_path(field, "from"), fmt::format("is {}, expected the index of an earlier layer or \"input\"", from.dump()));
        out.add.from = r.size(from, member_path(field, "from"));
    }
    return out;
}

// {"type": "sigmoid"} and the like; HardSigmoid takes "alpha" (positive) and "beta", Clip "min" < "max".
template <ActivationLayer::Function function>
Layer parse_activation(const Reader& r, const json& layer, const std::string& field, std::size_t) {
    using F = ActivationLayer::Function;
    Layer out;
    out.kind = Layer::Kind::Activation;
    ActivationLayer& a = out.activation;
    a.function = function;
    if (function == F::HardSigmoid) {
        r.only_members(layer, field, {"type", "alpha", "beta"});
        a.alpha = r.number(r.member(layer, field, "alpha"), member_path(field, "alpha"));
        a.beta = r.number(r.member(layer, field, "beta"), member_path(field, "beta"));
        if (!(a.alpha > 0)) r.fail(member_path(field, "alpha"), fmt::format("is {}, expected a positive slope", a.alpha));
    } else if (function == F::Clip) {
        r.only_members(layer, field, {"type", "min", "max"});
        a.min = r.number(r.member(layer, field, "min"), member_path(field, "min"));
        a.max = r.number(r.member(layer, field, "max"), member_path(field, "max"));
        if (!(a.min < a.max)) r.fail(member_path(field, "max"), fmt::format("is {}, not above min ({})", a.max, a.min));
    } else {
        r.only_members(layer, field, {"type"});
    }
    return out;
}

struct LayerType {
    Layer::Kind kind;
    const char* name;
    LayerParser parse;
};
constexpr LayerType kLayerTypes[] = {
    {Layer::Kind::Dense, "dense", parse_dense},
    {Layer::Kind::ReLU, "relu", parse_bare<Layer::Kind::ReLU>},
    {Layer::Kind::Argmax, "argmax", parse_bare<Layer::Kind::Argmax>},
    {Layer::Kind::Conv2D, "conv2d", parse_conv2d},
    {Layer::Kind::MaxPool, "maxpool", parse_pool<Layer::Kind::MaxPool>},
    {Layer::Kind::AvgPool, "avgpool", parse_pool<Layer::Kind::AvgPool>},
    {Layer::Kind::Flatten, "flatten", parse_bare<Layer::Kind::Flatten>},
    {Layer::Kind::Add, "add", parse_add},
    {Layer::Kind::Activation, "sigmoid", parse_activation<ActivationLayer::Function::Sigmoid>},
    {Layer::Kind::Activation, "tanh", parse_activation<ActivationLayer::Function::Tanh>},
    {Layer::Kind::Activation, "silu", parse_activation<ActivationLayer::Function::SiLU>},
    {Layer::Kind::Activation, "gelu", parse_activation<ActivationLayer::Function::GELU>},
    {Layer::Kind::Activation, "hardsigmoid", parse_activation<ActivationLayer::Function::HardSigmoid>},
    {Layer::Kind::Activation, "clip", parse_activation<ActivationLayer::Function::Clip>},
};

std::string supported_types() {
    std::vector<std::string> names;
    for (const auto& t : kLayerTypes) names.emplace_back(t.name);
    return fmt::format("{}", fmt::join(names, ", "));
}

// Writes JSON for people reading a model: one member a line, arrays of numbers (a weight row,
// the biases) on one line, members in a reading order rather than alphabetical.
class Layout {
public:
    std::string write(const json& document) {
        write_value(document, 0);
        out_ += '\n';
        return std::move(out_);
    }

private:
    static bool is_container(const json& v) { return v.is_object() || v.is_array(); }
    static bool is_flat(const json& v) { return std::none_of(v.begin(), v.end(), is_container); }

    static std::vector<std::string> ordered_keys(const json& object) {
        static constexpr const char* kOrder[] = {"format", "version", "name", "type",   "input",   "size", "min",
                                                 "max",    "alpha",   "beta",    "inputs",  "outputs", "filters", "kernel", "stride",
                                                 "padding", "from", "biases", "weights", "layers"};
        const auto rank = [](const std::string& key) {
            return std::find(std::begin(kOrder), std::end(kOrder), key) - std::begin(kOrder);
        };
        std::vector<std::string> keys;
        for (const auto& [key, ignored] : object.items()) keys.push_back(key);
        std::stable_sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
        return keys;
    }

    void write_value(const json& v, int indent) {
        if (v.is_object()) return write_object(v, indent);
        if (v.is_array()) return write_array(v, indent);
        if (v.is_number_float()) return write_double(v.get<double>());
        out_ += dump_json(v);
    }

    static std::string line_break(int indent) {
        std::string text(static_cast<std::size_t>(indent) + 1, ' ');
        text[0] = '\n';
        return text;
    }

    void write_object(const json& v, int indent) {
        const bool flat = is_flat(v);
        const std::string inner = flat ? "" : line_break(indent + 2);
        out_ += '{';
        const char* separator = "";
        for (const auto& key : ordered_keys(v)) {
            out_ += separator + inner + dump_json(key) + ": ";
            write_value(v[key], indent + 2);
            separator = flat ? ", " : ",";
        }
        out_ += (flat ? "" : line_break(indent)) + '}';
    }

    void write_array(const json& v, int indent) {
        const bool flat = is_flat(v);  // numbers packed without spaces: rows are long
        const std::string inner = flat ? "" : line_break(indent + 2);
        out_ += '[';
        const char* separator = "";
        for (const auto& element : v) {
            out_ += separator + inner;
            write_value(element, indent + 2);
            separator = ",";
        }
        out_ += (flat ? "" : line_break(indent)) + ']';
    }

    // The shortest decimal that parses back to the same double (nlohmann's dump gives up to
    // 17 digits for about 1 number in 700); ".0" keeps whole numbers visibly floats.
    void write_double(double v) {
        char text[32];
        const std::string_view shortest(text, std::to_chars(text, text + sizeof text, v).ptr - text);
        out_ += shortest;
        if (shortest.find_first_of(".e") == std::string_view::npos) out_ += ".0";
    }

    std::string out_;
};

}  // namespace

Shape3 window_output(const Shape3& input, const Window2D& w, std::size_t channels) {
    const auto along = [](std::size_t size, std::size_t before, std::size_t after, std::size_t kernel, std::size_t stride) {
        if (std::max({size, before, after, kernel}) > kMaxCount) return std::size_t(0);  // no sum can wrap
        const std::size_t padded = size + before + after;
        return padded < kernel || stride == 0 ? 0 : (padded - kernel) / stride + 1;
    };
    return {channels, along(input.height, w.pad_top, w.pad_bottom, w.kernel_height, w.stride_height),
            along(input.width, w.pad_left, w.pad_right, w.kernel_width, w.stride_width)};
}

const char* layer_type_name(Layer::Kind kind) {
    if (kind == Layer::Kind::Activation) return "activation";
    for (const auto& t : kLayerTypes)
        if (t.kind == kind) return t.name;
    throw std::logic_error("layer kind without a name");
}

const char* activation_name(ActivationLayer::Function function) {
    static constexpr const char* kNames[] = {"sigmoid", "tanh", "silu", "gelu", "hardsigmoid", "clip"};
    return kNames[static_cast<int>(function)];
}

double activation_function(const ActivationLayer& a, double v) {
    const auto sigmoid = [](double u) { return 1.0 / (1.0 + std::exp(-u)); };
    switch (a.function) {
        case ActivationLayer::Function::Sigmoid: return sigmoid(v);
        case ActivationLayer::Function::Tanh: return std::tanh(v);
        case ActivationLayer::Function::SiLU: return v * sigmoid(v);
        case ActivationLayer::Function::GELU: return 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0)));
        case ActivationLayer::Function::HardSigmoid: return std::clamp(a.alpha * v + a.beta, 0.0, 1.0);
        case ActivationLayer::Function::Clip: return std::clamp(v, a.min, a.max);
    }
    throw std::logic_error("unknown activation");
}

std::vector<std::size_t> Model::layer_output_sizes() const {
    std::vector<std::size_t> sizes;
    std::size_t size = input_size;
    for (const auto& layer : layers) {
        switch (layer.kind) {
            case Layer::Kind::Dense: size = layer.dense.outputs; break;
            case Layer::Kind::Argmax: size = 1; break;
            case Layer::Kind::Conv2D: size = layer.conv.output().size(); break;
            case Layer::Kind::MaxPool:
            case Layer::Kind::AvgPool: size = layer.pool.output().size(); break;
            case Layer::Kind::ReLU:
            case Layer::Kind::Flatten:
            case Layer::Kind::Add: break;
            case Layer::Kind::Activation: break;
        }
        sizes.push_back(size);
    }
    return sizes;
}

std::size_t Model::parameter_count() const {
    std::size_t count = 0;
    for (const auto& layer : layers) {
        if (layer.kind == Layer::Kind::Dense) count += layer.dense.weights.size() + layer.dense.biases.size();
        if (layer.kind == Layer::Kind::Conv2D) count += layer.conv.weights.size() + layer.conv.biases.size();
    }
    return count;
}

Model model_from_json(const json& document, const fs::path& file) {
    const Reader r(file);
    r.object(document, "");
    r.only_members(document, "", {"format", "version", "name", "input", "layers"});
    const std::string format = r.string(r.member(document, "", "format"), "format");
    if (format != kFormat) r.fail("format", fmt::format("is \"{}\", expected \"{}\"", format, kFormat));
    const json& version = r.member(document, "", "version");
    if (version != kVersion)
        r.fail("version", fmt::format("is {}, but this zokml reads version {}", version.dump(), kVersion));

    Model model;
    model.name = r.string(r.member(document, "", "name"), "name");
    // The name reaches generated sources and reports: one line of printable text.
    if (std::any_of(model.name.begin(), model.name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
        r.fail("name", "contains a control character (a line break?): a name is one line of text");
    const json& input = r.object(r.member(document, "", "input"), "input");
    r.only_members(input, "input", {"size", "min", "max"});
    model.input_size = r.count(r.member(input, "input", "size"), "input.size");
    model.input_min = r.number(r.member(input, "input", "min"), "input.min");
    model.input_max = r.number(r.member(input, "input", "max"), "input.max");
    if (!(model.input_min < model.input_max))
        r.fail("input.max", fmt::format("is {}, not above input.min ({})", model.input_max, model.input_min));

    const json& layers = r.member(document, "", "layers");
    if (!layers.is_array()) r.fail("layers", fmt::format("expected an array, got {}", layers.type_name()));
    if (layers.empty()) r.fail("layers", "is empty; a model needs at least one layer");
    if (layers.size() > kMaxLayers)
        r.fail("layers", fmt::format("has {} layers, more than zokml takes ({})", layers.size(), kMaxLayers));
    std::size_t size = model.input_size;
    std::size_t total_values = 0;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const std::string field = index_path("layers", i);
        const json& layer = r.object(layers[i], field);
        const std::string type = r.string(r.member(layer, field, "type"), field + ".type");
        const auto known = std::find_if(std::begin(kLayerTypes), std::end(kLayerTypes),
                                        [&](const LayerType& t) { return type == t.name; });
        if (known == std::end(kLayerTypes))
            r.fail(field + ".type", fmt::format("unknown layer type \"{}\" (supported: {})", type, supported_types()));
        if (!model.layers.empty() && model.layers.back().kind == Layer::Kind::Argmax)
            r.fail(index_path("layers", i - 1) + ".type",
                   fmt::format("argmax must be the last layer, but {} follows it", field));
        model.layers.push_back(known->parse(r, layer, field, size));
        if (const Layer& added = model.layers.back(); added.kind == Layer::Kind::Add) {
            const auto from = added.add.from;
            if (from && *from >= i)
                r.fail(field + ".from", fmt::format("is {}, not an earlier layer (this is layer {})", *from, i));
            const std::size_t added_size = from ? model.layer_output_sizes()[*from] : model.input_size;
            if (added_size != size)
                r.fail(field + ".from", fmt::format("{} outputs {} values, but {} values enter this layer",
                                                    from ? index_path("layers", *from) : "the input", added_size, size));
        }
        size = model.layer_output_sizes().back();
        // Every later step (bounds, reference, circuit) walks each layer's values and windows:
        // the limits keep that within seconds and its bounds within memory.
        total_values = r.product(field, {total_values + size}, "values in all layers");
        const Layer& added = model.layers.back();
        if (added.kind == Layer::Kind::Conv2D)
            r.product(field, {added.conv.output().size(), added.conv.weights_per_filter()}, "multiplications");
        if (added.kind == Layer::Kind::MaxPool || added.kind == Layer::Kind::AvgPool)
            r.product(field, {added.pool.output().size(), added.pool.window.kernel_height * added.pool.window.kernel_width},
                      "window steps");
    }
    return model;
}

Model load_model(const fs::path& file) {
    const std::string bytes = read_input_file(file);
    const auto first = bytes.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && bytes[first] == '{') return model_from_json(parse_json(bytes, file), file);
    try {
        Model model = model_from_onnx(bytes, file);
        model.input_range_declared = false;
        return model;
    } catch (const InputError& e) {
        if (e.reason().starts_with("not an ONNX model"))
            throw InputError(file, "(file)", "neither a zokml JSON model (it does not start with '{') nor " + e.reason().substr(4));
        throw;
    }
}

void check_input_range(const InputRange& range, const fs::path& file, const std::string& field) {
    if (!std::isfinite(range.min) || !std::isfinite(range.max) || !(range.min < range.max))
        throw InputError(file, field, fmt::format("[{}, {}] is not a range of finite numbers with min < max", range.min, range.max));
}

void declare_input_range(Model& model, const InputRange& range, const fs::path& file, const std::string& field) {
    check_input_range(range, file, field);
    model.input_min = range.min;
    model.input_max = range.max;
    model.input_range_declared = true;
}

Model load_model(const fs::path& file, const std::optional<InputRange>& input_range) {
    Model model = load_model(file);
    if (input_range) declare_input_range(model, *input_range, file, "input_range");
    return model;
}

namespace {

json rows_of(const std::vector<double>& values, std::size_t rows, std::size_t columns) {
    json out = json::array();
    for (std::size_t o = 0; o < rows; ++o)
        out.push_back(std::vector<double>(values.begin() + o * columns, values.begin() + (o + 1) * columns));
    return out;
}

json shape_json(const Shape3& s) { return {s.channels, s.height, s.width}; }

void window_json(json& j, const Window2D& w, bool padding) {
    j["kernel"] = {w.kernel_height, w.kernel_width};
    j["stride"] = {w.stride_height, w.stride_width};
    if (padding) j["padding"] = {w.pad_top, w.pad_left, w.pad_bottom, w.pad_right};
}

}  // namespace

json model_to_json(const Model& model) {
    json layers = json::array();
    for (const auto& layer : model.layers) {
        json j = {{"type", layer_type_name(layer.kind)}};
        if (layer.kind == Layer::Kind::Dense) {
            const DenseLayer& d = layer.dense;
            j["inputs"] = d.inputs;
            j["outputs"] = d.outputs;
            j["weights"] = rows_of(d.weights, d.outputs, d.inputs);
            j["biases"] = d.biases;
        } else if (layer.kind == Layer::Kind::Conv2D) {
            const Conv2DLayer& c = layer.conv;
            j["input"] = shape_json(c.input);
            j["filters"] = c.filters;
            window_json(j, c.window, true);
            j["weights"] = rows_of(c.weights, c.filters, c.weights_per_filter());
            j["biases"] = c.biases;
        } else if (layer.kind == Layer::Kind::MaxPool || layer.kind == Layer::Kind::AvgPool) {
            j["input"] = shape_json(layer.pool.input);
            window_json(j, layer.pool.window, false);
        } else if (layer.kind == Layer::Kind::Add) {
            j["from"] = layer.add.from ? json(*layer.add.from) : json("input");
        } else if (layer.kind == Layer::Kind::Activation) {
            const ActivationLayer& a = layer.activation;
            j["type"] = activation_name(a.function);
            if (a.function == ActivationLayer::Function::HardSigmoid) j.update({{"alpha", a.alpha}, {"beta", a.beta}});
            if (a.function == ActivationLayer::Function::Clip) j.update({{"min", a.min}, {"max", a.max}});
        }
        layers.push_back(std::move(j));
    }
    return {{"format", kFormat},
            {"version", kVersion},
            {"name", model.name},
            {"input", {{"size", model.input_size}, {"min", model.input_min}, {"max", model.input_max}}},
            {"layers", std::move(layers)}};
}

void check_model(const Model& model, const fs::path& file) { model_from_json(model_to_json(model), file); }

void save_model(const Model& model, const fs::path& file) {
    const json document = model_to_json(model);
    model_from_json(document, file);  // never write a file that would not load (check_model)
    write_file_atomically(file, Layout().write(document));
}

namespace {

// `added`: an Add layer's other operand (the output of the layer it names, or the input).
std::vector<double> float_layer(const Layer& layer, const std::vector<double>& values, const std::vector<double>* added) {
    switch (layer.kind) {
        case Layer::Kind::Dense: {
            const DenseLayer& d = layer.dense;
            std::vector<double> out(d.biases);
            for (std::size_t o = 0; o < d.outputs; ++o)
                for (std::size_t i = 0; i < d.inputs; ++i) out[o] += d.weights[o * d.inputs + i] * values[i];
            return out;
        }
        case Layer::Kind::Conv2D: {
            const Conv2DLayer& c = layer.conv;
            std::vector<double> out;
            out.reserve(c.output().size());
            detail::for_each_conv_output(c.input, c.window, c.filters, [&](std::size_t o, auto&& taps) {
                double sum = c.biases[o];
                taps([&](std::size_t i, std::size_t k) { sum += c.weights[k] * values[i]; });
                out.push_back(sum);
            });
            return out;
        }
        case Layer::Kind::MaxPool:
        case Layer::Kind::AvgPool: {
            const Pool2DLayer& p = layer.pool;
            const bool max = layer.kind == Layer::Kind::MaxPool;
            const double n = static_cast<double>(p.window.kernel_height * p.window.kernel_width);
            std::vector<double> out;
            out.reserve(p.output().size());
            detail::for_each_pool_output(p.input, p.window, [&](auto&& taps) {
                double acc = max ? -std::numeric_limits<double>::infinity() : 0.0;
                taps([&](std::size_t i) { acc = max ? std::max(acc, values[i]) : acc + values[i]; });
                out.push_back(max ? acc : acc / n);
            });
            return out;
        }
        case Layer::Kind::ReLU: {
            std::vector<double> out(values);
            for (double& v : out) v = std::max(v, 0.0);
            return out;
        }
        case Layer::Kind::Argmax:  // max_element returns the first of equal maxima
            return {static_cast<double>(std::max_element(values.begin(), values.end()) - values.begin())};
        case Layer::Kind::Flatten: return values;
        case Layer::Kind::Add: {
            std::vector<double> out(values);
            for (std::size_t i = 0; i < out.size(); ++i) out[i] += added->at(i);
            return out;
        }
        case Layer::Kind::Activation: {
            std::vector<double> out(values);
            for (double& v : out) v = activation_function(layer.activation, v);
            return out;
        }
    }
    throw std::logic_error("unknown layer kind");
}

}  // namespace

std::vector<std::vector<double>> run_float_layers(const Model& model, const std::vector<double>& input) {
    if (input.size() != model.input_size)
        throw std::invalid_argument(
            fmt::format("model {} takes {} inputs, got {}", model.name, model.input_size, input.size()));
    std::vector<std::vector<double>> outputs;
    outputs.reserve(model.layers.size());
    for (const auto& layer : model.layers) {
        const std::vector<double>* added = layer.kind != Layer::Kind::Add ? nullptr
                                           : layer.add.from              ? &outputs.at(*layer.add.from)
                                                                         : &input;
        outputs.push_back(float_layer(layer, outputs.empty() ? input : outputs.back(), added));
    }
    return outputs;
}

std::vector<double> run_float(const Model& model, const std::vector<double>& input) {
    return run_float_layers(model, input).back();
}

}  // namespace zokml
