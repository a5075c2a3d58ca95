// A public labelled batch that users give (their own data rather than MNIST digits), and the
// integer batch a split folder keeps (docs/batch-format.md).
//
// A batch file holds the inputs as the float model takes them, one class label each:
//   JSON  {"format": "zokml-batch", "version": 1, "inputs": [[0.0, 0.5, ...], ...], "labels": [7, ...]}
//   CSV   one input a line: its label, then its values ("7,0.0,0.5,..."); a first line whose first
//         field is not a number is a header; empty lines are skipped.
//   .npy  (told apart by content) a NumPy array of the inputs, one per row of its first dimension
//         (a 1-D array is one input); the labels, when needed, in a second .npy of integers.
// Inputs to classify (Labels::None) are the same without labels: JSON without "labels" (ignored
// when given), CSV lines of values only, a .npy alone.
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/model/model.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/quantize/reference.hpp"

namespace zokml {

struct FloatBatch {
    std::vector<std::vector<double>> inputs;
    std::vector<int> labels;
};

enum class Labels { Required, None };

// Reads a .npy file (by content) as NumPy, a .csv file as CSV and anything else as JSON; the
// labels of a .npy batch come from `labels_file` (a .npy of integers, one per input). Throws
// InputError naming the file, the field ("inputs[3][17]", "line 5 column 3", "labels[4]") and the
// reason: not a number or not finite, rows of different lengths, a label that is not an integer
// from 0 to 2^24, no input, more than 2^24 values, labels missing or of another count.
FloatBatch read_batch_file(const std::filesystem::path& file, Labels labels = Labels::Required,
                           const std::filesystem::path& labels_file = {});

// The smallest and the largest value of the batch's inputs (equal when every value is the same).
InputRange data_span(const FloatBatch& batch);
// An input range for a model that states none (an ONNX file), from its data: data_span widened by
// `margin` (a fraction of the span, from 0 to 1) on each side and rounded outward to three
// significant digits of the span ([-1.16, 2.40] with margin 0.05 gives [-1.34, 2.59]). Throws
// InputError(file, "inputs") when every value is the same (no span to take a range from).
InputRange input_range_from_data(const FloatBatch& batch, double margin, const std::filesystem::path& file);

// The integers the model's input quantization gives (quantize_input). Throws InputError naming
// the file and field for an input of the wrong size, a value outside the model's input range
// (data is refused, never clamped) or a label that is not one of `classes` (a batch without
// labels gives one without labels).
LabeledBatch quantize_batch(const QuantizedModel& model, const FloatBatch& batch, std::size_t classes,
                            const std::filesystem::path& file);

// The integer batch as JSON ({"format": "zokml-labeled-batch", ...}) and back (InputError).
nlohmann::json labeled_batch_to_json(const LabeledBatch& batch);
LabeledBatch labeled_batch_from_json(const nlohmann::json& json, const std::filesystem::path& file);

}  // namespace zokml
