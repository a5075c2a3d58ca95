// Calibration (zokml calibrate, zokml.calibrate in Python): the model's input range settled
// against labelled data, then every quantization of a grid measured on it, and the one that
// suits the goal chosen (choose_calibration).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/data/batch.hpp"
#include "zokml/data/calibration.hpp"
#include "zokml/model/model.hpp"
#include "zokml/project/settings.hpp"

namespace zokml {

// Where the model's input range comes from.
enum class RangeSource {
    Given,    // the caller's (the command's --input-min/--input-max or a settings file)
    Model,    // the model file's own
    Default,  // a model that states none (ONNX): [0, 1], which holds the data
    Data,     // the data's span, widened by a margin
};

// How to settle the range: `given_by` names who fixed it when the caller did (the model carries it
// already; the command's "flags" or "settings"), else the model's own; for a model that states
// none, [0, 1] when the data lies in it and the data's otherwise. `from_data` takes the data's in
// every case but a given one.
struct RangeChoice {
    std::string given_by;  // empty: not given
    bool from_data = false;
    double margin = 0.05;  // a fraction of the data's span added on each side (data only)
};

struct SettledRange {
    InputRange range;
    RangeSource source = RangeSource::Model;
    std::string given_by;   // Given only
    InputRange data_span;   // the data's smallest and largest value
    double margin = 0;      // Data only
    // {"min", "max", "source" (given_by for a given range), "data_min", "data_max"} and "margin" for data
    nlohmann::json to_json() const;
};

// Settles `model`'s input range (set in it, declared) for its labelled `data`; InputError naming
// `data_name` when a range cannot be taken from the data (every value equal).
SettledRange settle_input_range(Model& model, const FloatBatch& data, const RangeChoice& choice, const std::string& data_name);

// Labelled float inputs an accuracy is measured on.
struct LabelledData {
    FloatBatch batch;
    std::string source;  // the file, or "held-out MNIST digits"
};

// A model on its labelled data, its input range settled: the settings' range when they have one
// and `from_data` is not asked (given by `given_by`: "settings", or the command's "flags"), else
// as settle_input_range settles it (the data's widened by `margin` on each side, a fraction of its
// span). Without data, the held-out MNIST digits (InputError naming model_file when the model
// does not take them). InputError naming model_file without an argmax head (an accuracy needs a
// class), and naming the data when its values or labels do not suit the model quantized with
// settings.quantization.
struct ModelOnData {
    Model model;
    LabelledData data;
    SettledRange range;
};
ModelOnData model_on_data(Model model, std::optional<LabelledData> data, const CircuitSettings& settings,
                          const std::filesystem::path& model_file, bool from_data, double margin = RangeChoice{}.margin,
                          const std::string& given_by = "settings");

// The widths tried: fewer bits make smaller circuits (each input costs input_bits + 1
// constraints, each open sign test its width) until rounding costs accuracy.
struct CalibrationGrid {
    std::vector<unsigned> input_bits = {4, 6, 8};
    std::vector<unsigned> weight_bits = {4, 6, 8, 10, 12};
    std::vector<unsigned> activation_bits = {0, 8, 12, 16};

    // The grid with each width given kept as its only value (the command's --input-bits etc.).
    static CalibrationGrid keeping(std::optional<unsigned> input_bits, std::optional<unsigned> weight_bits,
                                   std::optional<unsigned> activation_bits);
};

struct Calibration {
    std::vector<CalibrationCandidate> candidates;  // in grid order
    double float_accuracy = 0;
    CalibrationChoice choice;
    const CalibrationCandidate* chosen() const { return choice.chosen ? &candidates[*choice.chosen] : nullptr; }
};

// Called after each candidate is measured.
using CalibrationProgress = std::function<void(std::size_t done, std::size_t total)>;

// Quantizes the model with every combination of the grid (and `activation_error`), runs the
// integer reference on the labelled data, estimates each private-input circuit's constraints and
// chooses by `goal`. A candidate the model cannot be quantized to is kept with its reason. The
// data's values and labels must suit the model (quantize_batch's InputError naming `data_name`).
Calibration calibrate_model(const Model& model, const FloatBatch& data, const std::string& data_name, const CalibrationGoal& goal,
                            const CalibrationGrid& grid = {}, double activation_error = QuantizationOptions{}.activation_error,
                            const CalibrationProgress& progress = {});

// "input_bits 8, weight_bits 6, activation_bits 0": the widths a candidate tries.
std::string widths_text(const QuantizationOptions& options);

// Why a calibration meets no goal, and what is to blame: the model when no candidate could be
// quantized; the data when none keeps the accuracy within the loss, or none agrees enough (the
// agreement goal then chooses the closest anyway, `kept_in` names where it is kept).
struct MissedGoal {
    enum class Kind { NothingQuantized, LossExceeded, AgreementShort };
    Kind kind;
    std::filesystem::path blamed;  // the model file or the data
    std::string reason;
};
std::optional<MissedGoal> missed_goal(const Calibration& calibration, const CalibrationGoal& goal, const std::filesystem::path& model_file,
                                      const std::string& data_name, const std::string& kept_in = "");

// The settings calibration chose (what zokml calibrate writes): `given` with the chosen candidate's
// widths and, for a range taken from the data, that range.
CircuitSettings calibrated_settings(CircuitSettings given, const SettledRange& range, const CalibrationCandidate& chosen);

// {"input_bits", "weight_bits", "activation_bits"} and either "refused" or "quantized_accuracy",
// "agreement", "loss", "estimated_constraints".
nlohmann::json to_json(const CalibrationCandidate& candidate);
// {"goal": name} and "min_agreement" (agreement) or "max_loss".
nlohmann::json to_json(const CalibrationGoal& goal);

}  // namespace zokml
