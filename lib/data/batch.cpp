#include "zokml/data/batch.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/json.hpp"
#include "zokml/data/npy.hpp"
#include "zokml/model/model.hpp"

namespace zokml {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kMaxLabel = 1 << 24;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

template <typename T>
bool parse_number(std::string_view text, T& value) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
}

FloatBatch read_csv(std::string_view text, bool labelled, const fs::path& file) {
    FloatBatch batch;
    std::size_t values = 0;
    std::size_t line_number = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const std::string_view line = trim(text.substr(0, end));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        ++line_number;
        if (line.empty()) continue;
        std::vector<std::string_view> fields;
        for (std::string_view rest = line;;) {
            const auto comma = rest.find(',');
            fields.push_back(trim(rest.substr(0, comma)));
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
        const auto where = [&](std::size_t column) { return fmt::format("line {} column {}", line_number, column + 1); };
        double number = 0;
        if (batch.inputs.empty() && line_number == 1 && !parse_number(fields[0], number)) continue;  // a header
        int label = 0;
        if (labelled && (!parse_number(fields[0], label) || label < 0 || label > kMaxLabel))
            throw InputError(file, where(0), fmt::format("expected a label from 0 to {}, got \"{}\"", kMaxLabel, fields[0]));
        const std::size_t first = labelled ? 1 : 0;
        std::vector<double> input(fields.size() - first);
        for (std::size_t i = first; i < fields.size(); ++i)
            if (!parse_number(fields[i], input[i - first]) || !std::isfinite(input[i - first]))
                throw InputError(file, where(i), fmt::format("expected a finite number, got \"{}\"", fields[i]));
        if (!batch.inputs.empty() && input.size() != batch.inputs.front().size())
            throw InputError(file, fmt::format("line {}", line_number),
                             fmt::format("{} values, the first input has {}", input.size(), batch.inputs.front().size()));
        values += input.size();
        if (values > kMaxCount) throw InputError(file, fmt::format("line {}", line_number), fmt::format("more than {} values", kMaxCount));
        batch.inputs.push_back(std::move(input));
        if (labelled) batch.labels.push_back(label);
    }
    return batch;
}

FloatBatch read_json_batch(const json& document, bool labelled, const fs::path& file) {
    if (!document.is_object() || document.value("format", json()) != "zokml-batch" || document.value("version", json()) != 1)
        throw InputError(file, "format", "expected a JSON object with \"format\": \"zokml-batch\", \"version\": 1");
    for (const auto& [key, value] : document.items())
        if (key != "format" && key != "version" && key != "inputs" && key != "labels")
            throw InputError(file, key, "unknown member (expected format, version, inputs, labels)");
    static const json kMissing;
    const json& inputs = document.contains("inputs") ? document["inputs"] : kMissing;  // no copy
    const json& labels = document.contains("labels") ? document["labels"] : kMissing;
    if (!inputs.is_array()) throw InputError(file, "inputs", "expected an array of inputs, each an array of numbers");
    if (labelled && (!labels.is_array() || labels.size() != inputs.size()))
        throw InputError(file, "labels", fmt::format("expected an array of {} labels, one per input", inputs.size()));
    FloatBatch batch;
    std::size_t values = 0;
    for (std::size_t n = 0; n < inputs.size(); ++n) {
        const json& input = inputs[n];
        if (!input.is_array()) throw InputError(file, fmt::format("inputs[{}]", n), "expected an array of numbers");
        values += input.size();
        if (values > kMaxCount) throw InputError(file, fmt::format("inputs[{}]", n), fmt::format("more than {} values", kMaxCount));
        if (n > 0 && input.size() != batch.inputs.front().size())
            throw InputError(file, fmt::format("inputs[{}]", n),
                             fmt::format("{} values, inputs[0] has {}", input.size(), batch.inputs.front().size()));
        std::vector<double> row;
        row.reserve(input.size());
        for (std::size_t i = 0; i < input.size(); ++i) {
            if (!input[i].is_number()) throw InputError(file, fmt::format("inputs[{}][{}]", n, i), "expected a number, got " + input[i].dump());
            row.push_back(input[i].get<double>());
        }
        batch.inputs.push_back(std::move(row));
        if (!labelled) continue;
        const json& label = labels[n];
        if (!label.is_number_integer() || label.get<std::int64_t>() < 0 || label.get<std::int64_t>() > kMaxLabel)
            throw InputError(file, fmt::format("labels[{}]", n), fmt::format("expected an integer from 0 to {}, got {}", kMaxLabel, label.dump()));
        batch.labels.push_back(label.get<int>());
    }
    return batch;
}

// A .npy array of inputs (a row each) and, when labelled, a .npy array of their labels.
FloatBatch read_npy_batch(const std::string& bytes, bool labelled, const fs::path& file, const fs::path& labels_file) {
    const NpyArray x = npy_from_bytes(bytes, file);
    FloatBatch batch;
    const std::size_t rows = x.shape.size() <= 1 ? 1 : x.shape[0];
    const std::size_t width = rows == 0 ? 0 : x.values.size() / rows;
    for (std::size_t n = 0; n < rows; ++n)
        batch.inputs.emplace_back(x.values.begin() + static_cast<std::ptrdiff_t>(n * width),
                                  x.values.begin() + static_cast<std::ptrdiff_t>((n + 1) * width));
    if (!labelled) return batch;
    if (labels_file.empty()) throw InputError(file, "labels", "a .npy array holds no labels: give them in a second .npy (--labels)");
    const NpyArray y = read_npy(labels_file);
    if (y.shape.size() != 1 || y.values.size() != rows)
        throw InputError(labels_file, "(file)", fmt::format("expected {} labels in a 1-D array, got shape ({})", rows, fmt::join(y.shape, ", ")));
    for (std::size_t n = 0; n < rows; ++n) {
        const double label = y.values[n];
        if (label != std::floor(label) || label < 0 || label > kMaxLabel)
            throw InputError(labels_file, fmt::format("labels[{}]", n), fmt::format("expected an integer from 0 to {}, got {}", kMaxLabel, label));
        batch.labels.push_back(static_cast<int>(label));
    }
    return batch;
}

}  // namespace

FloatBatch read_batch_file(const fs::path& file, Labels labels, const fs::path& labels_file) {
    const std::string text = read_input_file(file);
    const bool labelled = labels == Labels::Required;
    if (!labels_file.empty() && !looks_like_npy(text))
        throw InputError(labels_file, "(file)", "separate labels go with a .npy batch only (JSON and CSV batches hold theirs)");
    FloatBatch batch = looks_like_npy(text)        ? read_npy_batch(text, labelled, file, labels_file)
                       : file.extension() == ".csv" ? read_csv(text, labelled, file)
                                                    : read_json_batch(parse_json(text, file), labelled, file);
    // Both readers refused rows of other lengths and more than kMaxCount values as they read.
    if (batch.inputs.empty()) throw InputError(file, "inputs", "the batch has no input");
    return batch;
}

namespace {

// Why a value outside the model's input range is refused, with what a user needs to fix it: how
// many values are outside, the range the data spans, and the ways to declare a model's range.
std::string outside_range_reason(const QuantizedModel& model, const FloatBatch& batch, double value, double high) {
    std::size_t outside = 0, total = 0;
    for (const auto& input : batch.inputs)
        for (const double v : input) {
            const double scaled = (v - model.input_min_float) * model.input_scale;
            outside += !(scaled >= -0.5 && scaled < high);
            ++total;
        }
    const InputRange span = data_span(batch);
    return fmt::format("{} is outside the model's input range [{}, {}] ({} of the {} values are; the data spans [{}, {}]): "
                       "declare the range the model was trained on (--input-min/--input-max or the settings file), "
                       "or let `zokml calibrate --range-from-data` take it from the data",
                       value, model.input_min_float, model.input_min_float + static_cast<double>(model.input_max) / model.input_scale,
                       outside, total, span.min, span.max);
}

}  // namespace

InputRange data_span(const FloatBatch& batch) {
    InputRange span{INFINITY, -INFINITY};
    for (const auto& input : batch.inputs)
        for (const double v : input) span.min = std::min(span.min, v), span.max = std::max(span.max, v);
    return span;
}

InputRange input_range_from_data(const FloatBatch& batch, double margin, const fs::path& file) {
    const InputRange span = data_span(batch);
    if (!(span.min < span.max))
        throw InputError(file, "inputs", fmt::format("every value is {}: the data spans no range to take the model's from; "
                                                     "declare it with --input-min/--input-max", span.min));
    // Rounded outward to a hundredth of the span's order of magnitude (three significant digits of
    // the span), so that the range reads as a user would write it: [-1.34, 2.59], not
    // [-1.333705323934555, 2.582661646604538]. A tolerance keeps -1.1 from becoming -1.11 through
    // floating-point noise; the data stays inside whatever the rounding.
    const double width = span.max - span.min, pad = margin * width;
    const int digits = 2 - static_cast<int>(std::floor(std::log10(width)));
    const double unit = std::pow(10.0, std::abs(digits));
    const auto value = [&](double k) { return digits > 0 ? k / unit : k * unit; };
    const auto units = [&](double v) { return digits > 0 ? v * unit : v / unit; };
    double low = std::floor(units(span.min - pad) + 1e-6), high = std::ceil(units(span.max + pad) - 1e-6);
    if (value(low) > span.min) low -= 1;
    if (value(high) < span.max) high += 1;
    const InputRange range{value(low), value(high)};
    check_input_range(range, file, "inputs");  // a span too small or too large for doubles
    return range;
}

LabeledBatch quantize_batch(const QuantizedModel& model, const FloatBatch& batch, std::size_t classes, const fs::path& file) {
    const double high = static_cast<double>(model.input_max) + 0.5;  // what rounds to input_max
    // The readers refuse these; a batch built in memory (the Python binding's) may hold them.
    if (!batch.labels.empty() && batch.labels.size() != batch.inputs.size())
        throw InputError(file, "labels", fmt::format("{} labels for {} inputs: expected one per input", batch.labels.size(), batch.inputs.size()));
    LabeledBatch q;
    for (std::size_t n = 0; n < batch.inputs.size(); ++n) {
        const auto& input = batch.inputs[n];
        if (input.size() != model.input_size)
            throw InputError(file, fmt::format("inputs[{}]", n), fmt::format("{} values, the model takes {}", input.size(), model.input_size));
        for (std::size_t i = 0; i < input.size(); ++i) {
            if (!std::isfinite(input[i]))
                throw InputError(file, fmt::format("inputs[{}][{}]", n, i), fmt::format("not a finite number ({})", input[i]));
            const double v = (input[i] - model.input_min_float) * model.input_scale;
            if (!(v >= -0.5 && v < high))
                throw InputError(file, fmt::format("inputs[{}][{}]", n, i), outside_range_reason(model, batch, input[i], high));
        }
        q.inputs.push_back(quantize_input(model, input));
        if (batch.labels.empty()) continue;
        if (batch.labels[n] < 0 || static_cast<std::size_t>(batch.labels[n]) >= classes)
            throw InputError(file, fmt::format("labels[{}]", n), fmt::format("{} is not a class of the model (0 to {})", batch.labels[n], classes - 1));
        q.labels.push_back(batch.labels[n]);
    }
    return q;
}

json labeled_batch_to_json(const LabeledBatch& batch) {
    return {{"format", "zokml-labeled-batch"}, {"version", 1}, {"inputs", batch.inputs}, {"labels", batch.labels}};
}

LabeledBatch labeled_batch_from_json(const json& document, const fs::path& file) {
    if (!document.is_object() || document.value("format", json()) != "zokml-labeled-batch" || document.value("version", json()) != 1)
        throw InputError(file, "format", "expected \"format\": \"zokml-labeled-batch\", \"version\": 1");
    try {
        LabeledBatch batch{document.at("inputs").get<std::vector<std::vector<std::int64_t>>>(), document.at("labels").get<std::vector<int>>()};
        if (batch.inputs.empty() || batch.inputs.size() != batch.labels.size())
            throw InputError(file, "labels", "expected one label per input, and at least one input");
        return batch;
    } catch (const nlohmann::json::exception& e) {
        throw InputError(file, "inputs", std::string("expected arrays of integers: ") + e.what());
    }
}

}  // namespace zokml
