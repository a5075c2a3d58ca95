// A split statement's published layout: what the model owner publishes (the model commitment v2
// and the parts it binds, with the quantization settings it was made with), and the public batch
// quantized as the layout says (docs/split-proving.md).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/core/field.hpp"
#include "zokml/crypto/parts.hpp"
#include "zokml/data/batch.hpp"
#include "zokml/model/model.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/split/plan.hpp"

namespace zokml {

// What the model owner publishes: the model commitment v2 (salted, hiding) and the layout it binds
// (no values, no part commitment). JSON "zokml-layout" version 3; version 1 (unsalted) and 2 (no
// quantization settings) are refused, saying what to do.
struct PublishedLayout {
    std::string model_name;
    std::vector<PartRange> parts;
    FieldElement commitment;
    // How float inputs become the integers the model takes (QuantizedModel's input fields): for
    // the public batch.
    std::size_t input_size = 0;
    unsigned input_bits = 8;
    double input_min_float = 0;
    double input_scale = 1;
    // The rest of the settings the commitment was made with: the model owner proves with the
    // model quantized as the layout says (quantization(), input_range()), never with settings
    // repeated on a command line.
    double input_max_float = 1;
    unsigned weight_bits = QuantizationOptions{}.weight_bits;
    unsigned activation_bits = 0;

    QuantizationOptions quantization() const { return {input_bits, weight_bits, activation_bits}; }
    InputRange input_range() const { return {input_min_float, input_max_float}; }

    nlohmann::json to_json() const;
    static PublishedLayout from_json(const nlohmann::json& json, const std::filesystem::path& file);  // InputError
};
// The float `model` quantized with `options` and committed in parts of neurons_per_part neurons.
// `salt`: the model owner's secret salt (salt_file.hpp), of which each part's salt derives (part_salts).
PublishedLayout publish_layout(const Model& model, const QuantizationOptions& options, std::size_t neurons_per_part,
                               const FieldElement& salt);

// The options of a split folder for the layout: the variant's defaults, with the first layer's
// parts as the layout split it.
SplitOptions split_options(const PublishedLayout& layout, SplitVariant variant);

// The public batch of a split folder, as the integers the layout's input quantization gives:
// batch_size held-out MNIST digits (spread_digits), or the inputs and labels of a batch file
// (read_batch_file, quantize_batch: InputError for a value outside the input range or a label
// that is not a class).
LabeledBatch split_batch(const PublishedLayout& layout, std::size_t batch_size);
LabeledBatch split_batch(const PublishedLayout& layout, const std::filesystem::path& batch_file, Labels labels = Labels::Required,
                         const std::filesystem::path& labels_file = {});
// The same of float inputs (and labels) held in memory, a binding's arrays: `source` names them in errors.
LabeledBatch split_batch(const PublishedLayout& layout, const FloatBatch& batch, const std::filesystem::path& source);

}  // namespace zokml
