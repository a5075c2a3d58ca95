// A split statement's published layout in JSON, and the public batch quantized as it says.
#include "zokml/split/layout.hpp"

#include <fmt/format.h>

#include <cmath>

#include "part_json.hpp"
#include "project/json_fields.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/crypto/parts.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/data/mnist.hpp"

namespace zokml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kLayoutVersion = 3;  // 2: the commitment is salted; 3: the quantization settings are recorded

double number(const detail::Fields& f, const std::string& key) {
    const json& v = f.required(key);
    if (!v.is_number() || !std::isfinite(v.get<double>())) f.fail(key, "expected a finite number");
    return v.get<double>();
}

}  // namespace

json PublishedLayout::to_json() const {
    json parts_json = json::array();
    for (const auto& p : parts) parts_json.push_back(detail::part_json(p));
    return {{"format", "zokml-layout"},
            {"version", kLayoutVersion},
            {"model_name", model_name},
            {"commitment", commitment.to_decimal()},
            {"input", {{"size", input_size}, {"bits", input_bits}, {"min", input_min_float}, {"max", input_max_float}, {"scale", input_scale}}},
            {"quantization", {{"weight_bits", weight_bits}, {"activation_bits", activation_bits}}},
            {"parts", parts_json}};
}

PublishedLayout PublishedLayout::from_json(const json& document, const fs::path& file) {
    const detail::Fields f(document, file, "");
    f.only({"format", "version", "model_name", "commitment", "input", "quantization", "parts"});
    if (document.value("format", json()) != "zokml-layout") f.fail("format", "expected \"zokml-layout\"");
    if (document.value("version", json()) == 1)
        f.fail("version", "a version 1 layout publishes an unsalted commitment (an earlier zokml's): it is not hiding and no "
                          "proof takes it; commit again (zokml commit --split --salt FILE) and publish the new layout");
    if (document.value("version", json()) == 2)
        f.fail("version", "a version 2 layout (an earlier zokml's) does not record the quantization settings that split-prove takes "
                          "from it: publish it again (zokml commit --split --layout FILE with the same model, settings and salt gives "
                          "the same commitment) and set the split folder up again");
    if (document.value("version", json()) != kLayoutVersion) f.fail("version", fmt::format("expected version {}", kLayoutVersion));
    PublishedLayout layout;
    layout.model_name = f.text("model_name");
    layout.commitment = f.parsed("commitment", [](const std::string& v) { return FieldElement::from_decimal(v); });
    const detail::Fields input(f.required("input"), file, "input");
    input.only({"size", "bits", "min", "max", "scale"});
    layout.input_size = input.count("size", 0, 1, kMaxCount);
    const auto bits = QuantizationOptions::kInputBits;
    layout.input_bits = static_cast<unsigned>(input.count("bits", 0, bits.lo, bits.hi));
    layout.input_min_float = number(input, "min");
    layout.input_max_float = number(input, "max");
    if (!(layout.input_min_float < layout.input_max_float)) input.fail("max", "must be above input.min");
    layout.input_scale = number(input, "scale");
    if (!(layout.input_scale > 0)) input.fail("scale", "must be positive");
    const detail::Fields quantization(f.required("quantization"), file, "quantization");
    quantization.only({"weight_bits", "activation_bits"});
    for (const char* key : {"weight_bits", "activation_bits"}) quantization.required(key);  // no defaults
    const auto weight_bits = QuantizationOptions::kWeightBits, activation_bits = QuantizationOptions::kActivationBits;
    layout.weight_bits = static_cast<unsigned>(quantization.count("weight_bits", 0, weight_bits.lo, weight_bits.hi));
    layout.activation_bits = static_cast<unsigned>(quantization.count("activation_bits", 0, activation_bits.lo, activation_bits.hi));
    const json& parts = f.required("parts");
    if (!parts.is_array()) f.fail("parts", "expected an array");
    for (std::size_t i = 0; i < parts.size(); ++i) layout.parts.push_back(detail::part_from(detail::Fields(parts[i], file, fmt::format("parts[{}]", i))));
    return layout;
}

PublishedLayout publish_layout(const Model& float_model, const QuantizationOptions& options, std::size_t neurons_per_part,
                               const FieldElement& salt) {
    const QuantizedModel model = quantize(float_model, options);
    PublishedLayout layout;
    layout.model_name = model.name;
    layout.parts = model_parts(model, neurons_per_part);
    layout.commitment = commit_model_v2(model, neurons_per_part, salt);
    layout.input_size = model.input_size;
    layout.input_bits = model.input_bits;
    layout.input_min_float = model.input_min_float;
    layout.input_scale = model.input_scale;
    layout.input_max_float = float_model.input_max;
    layout.weight_bits = options.weight_bits;
    layout.activation_bits = options.activation_bits;
    return layout;
}

namespace {

// The layout's input quantization as a QuantizedModel without layers (what quantize_input reads).
QuantizedModel input_quantization(const PublishedLayout& layout) {
    QuantizedModel inputs;
    inputs.name = layout.model_name;
    inputs.input_size = layout.input_size;
    inputs.input_bits = layout.input_bits;
    inputs.input_max = (std::int64_t(1) << layout.input_bits) - 1;
    inputs.input_min_float = layout.input_min_float;
    inputs.input_scale = layout.input_scale;
    return inputs;
}

}  // namespace

SplitOptions split_options(const PublishedLayout& layout, SplitVariant variant) {
    SplitOptions options = SplitOptions::for_variant(variant);
    options.neurons_per_part = layout.parts.front().count;
    return options;
}

LabeledBatch split_batch(const PublishedLayout& layout, std::size_t batch_size) {
    return labeled_batch(input_quantization(layout), spread_digits(held_out_digits(), batch_size));
}

LabeledBatch split_batch(const PublishedLayout& layout, const fs::path& batch_file, Labels labels, const fs::path& labels_file) {
    return split_batch(layout, read_batch_file(batch_file, labels, labels_file), batch_file);
}

LabeledBatch split_batch(const PublishedLayout& layout, const FloatBatch& batch, const fs::path& source) {
    return quantize_batch(input_quantization(layout), batch, layout.parts.back().count, source);
}

}  // namespace zokml
