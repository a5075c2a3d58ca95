// zokml calibrate: the quantization (input, weight and activation widths) that suits a model on
// the user's labelled data, written as a settings file.
#include <fmt/format.h>

#include <cstdio>
#include <stdexcept>

#include "common.hpp"
#include "subcommands.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/project/calibrate.hpp"

namespace zokml::cli {
namespace {

CalibrationGoal goal_from(const Args& args) {
    CalibrationGoal goal;
    try {
        goal = CalibrationGoal::parse(args.get_or("goal", "agreement"));
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--goal: ") + e.what());
    }
    if (!args.has("max-loss")) return goal;
    if (goal.kind == CalibrationGoal::Kind::Agreement) throw UsageError("--max-loss goes with --goal accuracy or constraints");
    goal.max_loss = number_from(args, "max-loss") / 100;
    if (goal.max_loss < 0 || goal.max_loss > 1) throw UsageError("--max-loss: expected percentage points from 0 to 100");
    return goal;
}

std::string goal_text(const CalibrationGoal& goal) {
    switch (goal.kind) {
        case CalibrationGoal::Kind::Agreement:
            return fmt::format("the smallest circuit whose class is the float model's on at least {:.2f}% of the inputs",
                               100 * goal.min_agreement);
        case CalibrationGoal::Kind::Accuracy:
            return fmt::format("the most accurate within {:.2f} points of the float accuracy", 100 * goal.max_loss);
        case CalibrationGoal::Kind::Constraints:
            return fmt::format("the smallest circuit within {:.2f} points of the float accuracy", 100 * goal.max_loss);
    }
    throw std::logic_error("unknown calibration goal");
}

// A goal that no candidate meets: the result once on stdout (with --json; its "error" as zokml's
// error documents have it), the reason (with the flag that asks for less) on stderr, exit code 3.
int goal_missed(const Output& out, nlohmann::json result, const MissedGoal& missed) {
    const std::string hint = missed.kind == MissedGoal::Kind::LossExceeded     ? ": allow a larger --max-loss"
                             : missed.kind == MissedGoal::Kind::AgreementShort ? "; ask for less with --goal agreement:P"
                                                                               : "";
    const InputError error(missed.blamed, "(file)", missed.reason + hint);
    result["error"] = {{"kind", "input"}, {"message", error.what()}, {"exit_code", kBadInput}};
    out.result(result);
    std::fputs(fmt::format("zokml calibrate: {}\n", error.what()).c_str(), stderr);
    return kBadInput;
}

int calibrate(const Args& args, const Output& out) {
    const CalibrationGoal goal = goal_from(args);
    const std::filesystem::path settings_file = args.get_or("out", "settings.json");
    const CircuitSettings settings = settings_from(args, false);
    if (settings.variant != Variant::PrivateInput && settings.variant != Variant::BothPrivate)
        throw UsageError("calibrate chooses the quantization of private-input and both-private circuits");
    const CommandModelOnData on = model_on_data(args, settings);
    const Model& model = on.model;
    const LabelledData& data = on.data;

    const QuantizationOptions& given = settings.quantization;
    const auto kept = [&](const std::string& flag, unsigned width) { return args.has(flag) ? std::optional(width) : std::nullopt; };
    const CalibrationGrid grid = CalibrationGrid::keeping(kept("input-bits", given.input_bits), kept("weight-bits", given.weight_bits),
                                                          kept("activation-bits", given.activation_bits));
    const Calibration search = calibrate_model(model, data.batch, data.source, goal, grid, given.activation_error);
    const std::vector<CalibrationCandidate>& candidates = search.candidates;
    const double float_accuracy = search.float_accuracy;
    const CalibrationChoice& choice = search.choice;
    const CalibrationCandidate* chosen = search.chosen();

    nlohmann::json rows = nlohmann::json::array();
    out.text(fmt::format("model {}, {} labelled inputs ({}): float accuracy {:.2f}%", model.name, data.batch.inputs.size(),
                         data.source, 100 * float_accuracy));
    out.text(on.range_text());
    out.text("goal: " + goal_text(goal));
    out.text(fmt::format("{:<11}{:<12}{:<16}{:>9}{:>10}{:>8}{:>13}", "input_bits", "weight_bits", "activation_bits", "accuracy",
                         "agreement", "loss", "constraints"));
    for (const auto& c : candidates) {
        rows.push_back(to_json(c));
        const std::string widths = fmt::format("{:<11}{:<12}{:<16}", c.options.input_bits, c.options.weight_bits, c.options.activation_bits);
        out.text(c.fidelity ? fmt::format("{}{:>8.2f}%{:>9.2f}%{:>7.2f}%{:>13}{}", widths, 100 * c.fidelity->quantized_accuracy,
                                          100 * c.fidelity->agreement, 100 * (float_accuracy - c.fidelity->quantized_accuracy),
                                          c.constraints, &c == chosen ? "  <- chosen" : "")
                            : fmt::format("{}refused: {}", widths, c.refused));
    }
    nlohmann::json result = {{"model", args.required("model")},
                             {"data", data.source},
                             {"inputs", data.batch.inputs.size()},
                             {"float_accuracy", float_accuracy},
                             {"input_range", on.range_json()},
                             {"goal_met", choice.goal_met},
                             {"candidates", rows}};
    result.update(to_json(goal));
    const std::optional<MissedGoal> missed = missed_goal(search, goal, args.required("model"), data.source, settings_file.string());
    if (!chosen) return goal_missed(out, result, *missed);
    nlohmann::json calibration = to_json(*chosen);
    calibration.update({{"data", data.source},
                        {"inputs", data.batch.inputs.size()},
                        {"float_accuracy", float_accuracy},
                        {"input_range", on.range_json()},
                        {"goal_met", choice.goal_met}});
    calibration.update(to_json(goal));
    write_settings_file(settings_file, calibrated_settings(settings, on.range, *chosen), calibration);
    result["chosen"] = calibration;
    result["settings"] = settings_file.string();
    out.text(fmt::format("settings: {} ({}: accuracy {:.2f}%, agreement {:.2f}%, ~{} constraints)", settings_file.string(),
                         widths_text(chosen->options), 100 * chosen->fidelity->quantized_accuracy,
                         100 * chosen->fidelity->agreement, chosen->constraints));
    if (missed) return goal_missed(out, result, *missed);  // only the agreement goal chooses a candidate that misses it
    out.result(result);
    return kOk;
}

}  // namespace

Subcommand calibrate_command() {
    return {"calibrate",
            "choose the quantization on your labelled data and write a settings file",
            "--model FILE [--data FILE [--labels FILE]] [--goal agreement[:P]|accuracy|constraints] [--max-loss P] "
            "[--range-from-data [--range-margin P]] [--out FILE]",
            "Quantizes the model with every combination of input bits (4, 6, 8), weight bits (4 to 12) and\n"
            "activation bits (0, 8, 12, 16) (a width given as a flag is kept), runs the exact integer reference\n"
            "(what the circuit computes) on the data, estimates each private-input circuit's constraints, and\n"
            "prints them all with their accuracy and their agreement (how often the class is the float model's).\n"
            "--goal agreement:P (default, P = 99.5) takes the smallest circuit that agrees with the float model\n"
            "on at least P% of the inputs; --goal accuracy the most accurate and --goal constraints the smallest\n"
            "circuit among those within --max-loss percentage points of the float accuracy (default 1).\n"
            "The model's input range is --input-min/--input-max's or the settings file's, else the model's own;\n"
            "for a model that states none (ONNX) it is [0, 1] when the data lies in it; otherwise (and with\n"
            "--range-from-data) the data's smallest and largest value widened by --range-margin percent of\n"
            "their span on each side (default 5), rounded outward. Writes the settings file (default settings.json) for\n"
            "`zokml generate` and `zokml run --settings FILE`: the widths chosen, the input range, --variant\n"
            "and the circuit options given. Exit code 3 when no candidate meets the goal (for agreement, the\n"
            "settings file then holds the one that agrees most; for accuracy and constraints none is written).",
            options({model_options(), data_options(), circuit_options(),
                     {{"goal", "G", "agreement[:P] (the smallest circuit whose class is the float model's on P% of the inputs, "
                                    "default 99.5: the default goal), accuracy (the most accurate) or constraints (the smallest circuit)"},
                      {"max-loss", "P", "accuracy and constraints goals: the accuracy a candidate may lose against the float model, in percentage points (default 1)"},
                      {"out", "FILE", "the settings file to write (default settings.json)"}}}),
            0,
            calibrate};
}

}  // namespace zokml::cli
