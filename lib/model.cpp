#include "zokml/model.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

#include "files.hpp"
#include "zokml/errors.hpp"

namespace zokml {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kFormat = "zokml-model";
constexpr int kVersion = 1;
// The field named by errors about the document as a whole (unreadable, not JSON).
constexpr const char* kWholeFile = "(file)";

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

    // A count of values: an integer >= 1.
    std::size_t count(const json& value, const std::string& field) const {
        if (!value.is_number_integer()) fail(field, expected("a positive integer", value));
        if (value.get<std::int64_t>() >= 1) return value.get<std::size_t>();
        fail(field, fmt::format("is {}, expected a positive integer", value.dump()));
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
    static std::string expected(const char* what, const json& value) {
        if (value.is_structured()) return fmt::format("expected {}, got an {}", what, value.type_name());
        std::string shown = value.dump();
        if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
        return fmt::format("expected {}, got {} {}", what, value.type_name(), shown);
    }
    const fs::path& file_;
};

// One parser per layer type; a new type (conv2d, maxpool...) is one function and one entry in
// kLayerTypes. `size` is the number of values entering the layer; it returns the layer.
using LayerParser = Layer (*)(const Reader&, const json& layer, const std::string& field, std::size_t size);

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
    const std::string weights_field = member_path(field, "weights");
    const json& rows = r.array(r.member(layer, field, "weights"), weights_field, d.outputs, "one row per output");
    d.weights.reserve(d.outputs * d.inputs);
    for (std::size_t o = 0; o < d.outputs; ++o) {
        const auto row = r.numbers(rows[o], index_path(weights_field, o), d.inputs, "one weight per input");
        d.weights.insert(d.weights.end(), row.begin(), row.end());
    }
    d.biases = r.numbers(r.member(layer, field, "biases"), member_path(field, "biases"), d.outputs, "one per output");
    return out;
}

Layer parse_relu(const Reader& r, const json& layer, const std::string& field, std::size_t) {
    r.only_members(layer, field, {"type"});
    return Layer{Layer::Kind::ReLU, {}};
}

Layer parse_argmax(const Reader& r, const json& layer, const std::string& field, std::size_t) {
    r.only_members(layer, field, {"type"});
    return Layer{Layer::Kind::Argmax, {}};
}

struct LayerType {
    Layer::Kind kind;
    const char* name;
    LayerParser parse;
};
constexpr LayerType kLayerTypes[] = {
    {Layer::Kind::Dense, "dense", parse_dense},
    {Layer::Kind::ReLU, "relu", parse_relu},
    {Layer::Kind::Argmax, "argmax", parse_argmax},
};

const char* type_name(Layer::Kind kind) {
    for (const auto& t : kLayerTypes)
        if (t.kind == kind) return t.name;
    throw std::logic_error("layer kind without a name");
}

std::string supported_types() {
    std::vector<std::string> names;
    for (const auto& t : kLayerTypes) names.emplace_back(t.name);
    return fmt::format("{}", fmt::join(names, ", "));
}

// The byte where parsing stopped, for errors that nlohmann reports without one (a number that
// overflows a double is refused as out_of_range, not as a parse_error).
std::size_t failing_byte(const std::string& text) {
    struct Locator : json::json_sax_t {
        std::size_t position = 0;
        bool null() override { return true; }
        bool boolean(bool) override { return true; }
        bool number_integer(number_integer_t) override { return true; }
        bool number_unsigned(number_unsigned_t) override { return true; }
        bool number_float(number_float_t, const string_t&) override { return true; }
        bool string(string_t&) override { return true; }
        bool binary(binary_t&) override { return true; }
        bool start_object(std::size_t) override { return true; }
        bool key(string_t&) override { return true; }
        bool end_object() override { return true; }
        bool start_array(std::size_t) override { return true; }
        bool end_array() override { return true; }
        bool parse_error(std::size_t at, const std::string&, const json::exception&) override {
            position = at;
            return false;
        }
    } locator;
    json::sax_parse(text, &locator);
    return locator.position;
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
                                                 "max",    "inputs",  "outputs", "biases", "weights", "layers"};
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
        out_ += v.dump();
    }

    void write_object(const json& v, int indent) {
        const bool flat = is_flat(v);
        const std::string inner = flat ? "" : "\n" + std::string(indent + 2, ' ');
        out_ += '{';
        const char* separator = "";
        for (const auto& key : ordered_keys(v)) {
            out_ += separator + inner + json(key).dump() + ": ";
            write_value(v[key], indent + 2);
            separator = flat ? ", " : ",";
        }
        out_ += (flat ? "" : "\n" + std::string(indent, ' ')) + '}';
    }

    void write_array(const json& v, int indent) {
        const bool flat = is_flat(v);  // numbers packed without spaces: rows are long
        const std::string inner = flat ? "" : "\n" + std::string(indent + 2, ' ');
        out_ += '[';
        const char* separator = "";
        for (const auto& element : v) {
            out_ += separator + inner;
            write_value(element, indent + 2);
            separator = ",";
        }
        out_ += (flat ? "" : "\n" + std::string(indent, ' ')) + ']';
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

std::vector<std::size_t> Model::layer_output_sizes() const {
    std::vector<std::size_t> sizes;
    std::size_t size = input_size;
    for (const auto& layer : layers) {
        if (layer.kind == Layer::Kind::Dense) size = layer.dense.outputs;
        if (layer.kind == Layer::Kind::Argmax) size = 1;
        sizes.push_back(size);
    }
    return sizes;
}

std::size_t Model::parameter_count() const {
    std::size_t count = 0;
    for (const auto& layer : layers)
        if (layer.kind == Layer::Kind::Dense) count += layer.dense.weights.size() + layer.dense.biases.size();
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
    std::size_t size = model.input_size;
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
        size = model.layer_output_sizes().back();
    }
    return model;
}

Model load_model(const fs::path& file) {
    if (!fs::is_regular_file(file))
        throw InputError(file, kWholeFile, fs::exists(file) ? "is not a regular file" : "does not exist");
    std::string text;
    try {
        text = detail::read_file(file);
    } catch (const std::runtime_error&) {
        throw InputError(file, kWholeFile, "cannot be read");
    }
    json document;
    try {
        document = json::parse(text);
    } catch (const json::exception& e) {
        throw InputError(file, kWholeFile, fmt::format("not valid JSON at byte {}: {}", failing_byte(text), e.what()));
    }
    return model_from_json(document, file);
}

json model_to_json(const Model& model) {
    json layers = json::array();
    for (const auto& layer : model.layers) {
        json j = {{"type", type_name(layer.kind)}};
        if (layer.kind == Layer::Kind::Dense) {
            const DenseLayer& d = layer.dense;
            json rows = json::array();
            for (std::size_t o = 0; o < d.outputs; ++o)
                rows.push_back(std::vector<double>(d.weights.begin() + o * d.inputs,
                                                   d.weights.begin() + (o + 1) * d.inputs));
            j["inputs"] = d.inputs;
            j["outputs"] = d.outputs;
            j["weights"] = std::move(rows);
            j["biases"] = d.biases;
        }
        layers.push_back(std::move(j));
    }
    return {{"format", kFormat},
            {"version", kVersion},
            {"name", model.name},
            {"input", {{"size", model.input_size}, {"min", model.input_min}, {"max", model.input_max}}},
            {"layers", std::move(layers)}};
}

void save_model(const Model& model, const fs::path& file) {
    const json document = model_to_json(model);
    model_from_json(document, file);  // never write a file that would not load
    detail::write_file_atomically(file, Layout().write(document));
}

std::vector<double> run_float(const Model& model, const std::vector<double>& input) {
    if (input.size() != model.input_size)
        throw std::invalid_argument(
            fmt::format("model {} takes {} inputs, got {}", model.name, model.input_size, input.size()));
    std::vector<double> values = input;
    for (const auto& layer : model.layers) {
        switch (layer.kind) {
            case Layer::Kind::Dense: {
                const DenseLayer& d = layer.dense;
                std::vector<double> out(d.biases);
                for (std::size_t o = 0; o < d.outputs; ++o)
                    for (std::size_t i = 0; i < d.inputs; ++i) out[o] += d.weights[o * d.inputs + i] * values[i];
                values = std::move(out);
                break;
            }
            case Layer::Kind::ReLU:
                for (double& v : values) v = std::max(v, 0.0);
                break;
            case Layer::Kind::Argmax:  // max_element returns the first of equal maxima
                values = {static_cast<double>(std::max_element(values.begin(), values.end()) - values.begin())};
                break;
        }
    }
    return values;
}

}  // namespace zokml
