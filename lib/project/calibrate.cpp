#include "zokml/project/calibrate.hpp"

#include <fmt/format.h>

#include <optional>
#include <stdexcept>

#include "zokml/circuit/private_input.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/data/mnist.hpp"

namespace zokml {

namespace {

std::string source_name(RangeSource source, const std::string& given_by) {
    switch (source) {
        case RangeSource::Given: return given_by;
        case RangeSource::Model: return "model";
        case RangeSource::Default: return "default";
        case RangeSource::Data: return "data";
    }
    throw std::logic_error("unknown range source");
}

}  // namespace

nlohmann::json SettledRange::to_json() const {
    nlohmann::json j = {{"min", range.min}, {"max", range.max}, {"source", source_name(source, given_by)},
                        {"data_min", data_span.min}, {"data_max", data_span.max}};
    if (source == RangeSource::Data) j["margin"] = margin;
    return j;
}

SettledRange settle_input_range(Model& model, const FloatBatch& data, const RangeChoice& choice, const std::string& data_name) {
    SettledRange settled;
    settled.data_span = data_span(data);
    const bool outside = settled.data_span.min < model.input_min || settled.data_span.max > model.input_max;
    settled.given_by = choice.given_by;
    settled.source = !choice.given_by.empty()                                   ? RangeSource::Given
                     : choice.from_data                             ? RangeSource::Data
                     : model.input_range_declared                   ? RangeSource::Model
                     : outside                                      ? RangeSource::Data
                                                                    : RangeSource::Default;
    if (settled.source == RangeSource::Data) {
        settled.margin = choice.margin;
        declare_input_range(model, input_range_from_data(data, choice.margin, data_name), data_name, "inputs");
    }
    settled.range = {model.input_min, model.input_max};
    return settled;
}

ModelOnData model_on_data(Model model, std::optional<LabelledData> data, const CircuitSettings& settings,
                          const std::filesystem::path& model_file, bool from_data, double margin, const std::string& given_by) {
    if (!model.has_argmax()) throw InputError(model_file, "layers", "an accuracy needs a model with an argmax head");
    if (!data) {
        const auto& digits = held_out_digits();
        if (model.input_size != digits.at(0).pixels.size())
            throw InputError(model_file, "(file)",
                             fmt::format("takes {} inputs, not MNIST digits' {}: give your labelled data with --data", model.input_size,
                                         digits.at(0).pixels.size()));
        data = LabelledData{digits_batch(digits), "held-out MNIST digits"};
    }
    ModelOnData on{std::move(model), std::move(*data), {}};
    const RangeChoice choice{settings.input_range && !from_data ? given_by : "", from_data, margin};
    on.range = settle_input_range(on.model, on.data.batch, choice, on.data.source);
    const QuantizedModel quantized = quantize(on.model, settings.quantization);
    quantize_batch(quantized, on.data.batch, quantized.classes(), on.data.source);  // every value in range, every label a class
    return on;
}

CalibrationGrid CalibrationGrid::keeping(std::optional<unsigned> input_bits, std::optional<unsigned> weight_bits,
                                         std::optional<unsigned> activation_bits) {
    CalibrationGrid grid;
    if (input_bits) grid.input_bits = {*input_bits};
    if (weight_bits) grid.weight_bits = {*weight_bits};
    if (activation_bits) grid.activation_bits = {*activation_bits};
    return grid;
}

Calibration calibrate_model(const Model& model, const FloatBatch& data, const std::string& data_name, const CalibrationGoal& goal,
                            const CalibrationGrid& grid, double activation_error, const CalibrationProgress& progress) {
    Calibration calibration;
    const std::size_t total = grid.input_bits.size() * grid.weight_bits.size() * grid.activation_bits.size();
    bool data_checked = false;
    for (const unsigned input_bits : grid.input_bits)
        for (const unsigned weight_bits : grid.weight_bits)
            for (const unsigned activation_bits : grid.activation_bits) {
                CalibrationCandidate c;
                c.options = {input_bits, weight_bits, activation_bits, activation_error};
                std::optional<QuantizedModel> quantized;
                try {
                    quantized.emplace(quantize(model, c.options));
                    c.constraints = estimate_private_input_constraints(*quantized);
                } catch (const InputError& e) {
                    quantized.reset();
                    c.refused = e.reason();
                }
                if (quantized) {
                    // Every value in range, every label a class: the data's error, thrown, not a candidate's.
                    if (!data_checked) quantize_batch(*quantized, data, quantized->classes(), data_name);
                    data_checked = true;
                    c.fidelity = measure_fidelity(model, *quantized, data);
                    calibration.float_accuracy = c.fidelity->float_accuracy;
                }
                calibration.candidates.push_back(c);
                if (progress) progress(calibration.candidates.size(), total);
            }
    calibration.choice = choose_calibration(calibration.candidates, goal);
    return calibration;
}

std::string widths_text(const QuantizationOptions& o) {
    return fmt::format("input_bits {}, weight_bits {}, activation_bits {}", o.input_bits, o.weight_bits, o.activation_bits);
}

std::optional<MissedGoal> missed_goal(const Calibration& calibration, const CalibrationGoal& goal, const std::filesystem::path& model_file,
                                      const std::string& data_name, const std::string& kept_in) {
    const CalibrationCandidate* chosen = calibration.chosen();
    if (!chosen && goal.kind == CalibrationGoal::Kind::Agreement)
        return MissedGoal{MissedGoal::Kind::NothingQuantized, model_file, "no candidate could be quantized (each row says why)"};
    if (!chosen)
        return MissedGoal{MissedGoal::Kind::LossExceeded, data_name,
                          fmt::format("no candidate keeps the quantized accuracy within {:.2f} points of the float model's {:.2f}%",
                                      100 * goal.max_loss, 100 * calibration.float_accuracy)};
    if (calibration.choice.goal_met) return std::nullopt;
    return MissedGoal{MissedGoal::Kind::AgreementShort, data_name,
                      fmt::format("no candidate's class is the float model's on {:.2f}% of the inputs: {} the closest ({}, {:.2f}%)",
                                  100 * goal.min_agreement, kept_in.empty() ? "chosen is" : kept_in + " holds", widths_text(chosen->options),
                                  100 * chosen->fidelity->agreement)};
}

CircuitSettings calibrated_settings(CircuitSettings given, const SettledRange& range, const CalibrationCandidate& chosen) {
    given.quantization = chosen.options;
    if (range.source == RangeSource::Data) given.input_range = range.range;
    return given;
}

nlohmann::json to_json(const CalibrationCandidate& c) {
    nlohmann::json j = {{"input_bits", c.options.input_bits},
                        {"weight_bits", c.options.weight_bits},
                        {"activation_bits", c.options.activation_bits}};
    if (!c.fidelity) {
        j["refused"] = c.refused;
        return j;
    }
    j["quantized_accuracy"] = c.fidelity->quantized_accuracy;
    j["agreement"] = c.fidelity->agreement;
    j["loss"] = c.fidelity->float_accuracy - c.fidelity->quantized_accuracy;
    j["estimated_constraints"] = c.constraints;
    return j;
}

nlohmann::json to_json(const CalibrationGoal& goal) {
    nlohmann::json j = {{"goal", goal.name()}};
    if (goal.kind == CalibrationGoal::Kind::Agreement) j["min_agreement"] = goal.min_agreement;
    else j["max_loss"] = goal.max_loss;
    return j;
}

}  // namespace zokml
