// zokml calibrate: the quantization (input, weight and activation widths) that suits a model on
// the user's labelled data, written as a settings file.
#include <fmt/format.h>

#include <optional>

#include "common.hpp"
#include "subcommands.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/data/fidelity.hpp"

namespace zokml::cli {
namespace {

// The widths tried: fewer bits make smaller circuits (each input costs input_bits + 1 constraints,
// each open sign test its width) until rounding costs accuracy. A width given as a flag is kept.
std::vector<unsigned> widths(const Args& args, const std::string& flag, std::vector<unsigned> tried, unsigned given) {
    return args.has(flag) ? std::vector<unsigned>{given} : tried;
}

struct Candidate {
    QuantizationOptions options;
    std::optional<Fidelity> fidelity;  // none when the model cannot be quantized so
    std::size_t constraints = 0;
    std::string refused;  // why not, when fidelity is empty
    double loss(double float_accuracy) const { return float_accuracy - fidelity->quantized_accuracy; }
};

enum class Goal { Accuracy, Constraints };

Goal goal_from(const Args& args) {
    const std::string goal = args.get_or("goal", "accuracy");
    if (goal == "accuracy") return Goal::Accuracy;
    if (goal == "constraints") return Goal::Constraints;
    throw UsageError("--goal: expected accuracy or constraints, got '" + goal + "'");
}

// Whether a is the better choice for the goal (both within the loss allowed).
bool better(const Candidate& a, const Candidate& b, Goal goal) {
    const double accuracy_a = a.fidelity->quantized_accuracy, accuracy_b = b.fidelity->quantized_accuracy;
    if (goal == Goal::Accuracy && accuracy_a != accuracy_b) return accuracy_a > accuracy_b;
    if (a.constraints != b.constraints) return a.constraints < b.constraints;
    return accuracy_a > accuracy_b;
}

nlohmann::json candidate_json(const Candidate& c, double float_accuracy) {
    nlohmann::json j = {{"input_bits", c.options.input_bits},
                        {"weight_bits", c.options.weight_bits},
                        {"activation_bits", c.options.activation_bits}};
    if (!c.fidelity) {
        j["refused"] = c.refused;
        return j;
    }
    j["quantized_accuracy"] = c.fidelity->quantized_accuracy;
    j["agreement"] = c.fidelity->agreement;
    j["loss"] = c.loss(float_accuracy);
    j["estimated_constraints"] = c.constraints;
    return j;
}

int calibrate(const Args& args, const Output& out) {
    const Goal goal = goal_from(args);
    const double max_loss = args.has("max-loss") ? number_from(args, "max-loss") / 100 : 0.01;
    if (max_loss < 0 || max_loss > 1) throw UsageError("--max-loss: expected percentage points from 0 to 100");
    const std::filesystem::path settings_file = args.get_or("out", "settings.json");
    CircuitSettings settings = settings_from(args, false);
    if (settings.variant != Variant::PrivateInput && settings.variant != Variant::BothPrivate)
        throw UsageError("calibrate chooses the quantization of private-input and both-private circuits");
    const Model model = load_model(args.required("model"), settings.input_range);
    const LabelledData data = labelled_data_from(args, model, quantize(model, settings.quantization));

    std::vector<Candidate> candidates;
    double float_accuracy = 0;
    const QuantizationOptions& given = settings.quantization;
    for (const unsigned input_bits : widths(args, "input-bits", {4, 6, 8}, given.input_bits))
        for (const unsigned weight_bits : widths(args, "weight-bits", {4, 6, 8, 10, 12}, given.weight_bits))
            for (const unsigned activation_bits : widths(args, "activation-bits", {0, 8, 12, 16}, given.activation_bits)) {
                Candidate c;
                c.options = {input_bits, weight_bits, activation_bits, given.activation_error};
                try {
                    const QuantizedModel quantized = quantize(model, c.options);
                    c.constraints = estimate_private_input_constraints(quantized);
                    c.fidelity = measure_fidelity(model, quantized, data.batch);
                    float_accuracy = c.fidelity->float_accuracy;
                } catch (const InputError& e) {
                    c.refused = e.reason();
                }
                candidates.push_back(c);
            }

    const Candidate* chosen = nullptr;
    for (const auto& c : candidates)
        if (c.fidelity && c.loss(float_accuracy) <= max_loss + 1e-12 && (!chosen || better(c, *chosen, goal))) chosen = &c;

    nlohmann::json rows = nlohmann::json::array();
    out.text(fmt::format("model {}, {} labelled inputs ({}): float accuracy {:.2f}%", model.name, data.batch.inputs.size(),
                         data.source, 100 * float_accuracy));
    out.text(fmt::format("{:<11}{:<12}{:<16}{:>9}{:>8}{:>13}", "input_bits", "weight_bits", "activation_bits", "accuracy",
                         "loss", "constraints"));
    for (const auto& c : candidates) {
        rows.push_back(candidate_json(c, float_accuracy));
        const std::string widths = fmt::format("{:<11}{:<12}{:<16}", c.options.input_bits, c.options.weight_bits, c.options.activation_bits);
        out.text(c.fidelity ? fmt::format("{}{:>8.2f}%{:>7.2f}%{:>13}{}", widths, 100 * c.fidelity->quantized_accuracy,
                                          100 * c.loss(float_accuracy), c.constraints, &c == chosen ? "  <- chosen" : "")
                            : fmt::format("{}refused: {}", widths, c.refused));
    }
    nlohmann::json result = {{"model", args.required("model")},
                             {"data", data.source},
                             {"inputs", data.batch.inputs.size()},
                             {"float_accuracy", float_accuracy},
                             {"goal", goal == Goal::Accuracy ? "accuracy" : "constraints"},
                             {"max_loss", max_loss},
                             {"candidates", rows}};
    if (!chosen) {
        out.result(result);
        throw InputError(data.source, "(file)",
                         fmt::format("no candidate keeps the quantized accuracy within {:.2f} points of the float model's "
                                     "{:.2f}%: allow a larger --max-loss",
                                     100 * max_loss, 100 * float_accuracy));
    }
    settings.quantization = chosen->options;
    nlohmann::json calibration = candidate_json(*chosen, float_accuracy);
    calibration.update({{"data", data.source},
                        {"inputs", data.batch.inputs.size()},
                        {"float_accuracy", float_accuracy},
                        {"goal", result["goal"]},
                        {"max_loss", max_loss}});
    write_settings_file(settings_file, settings, calibration);
    result["chosen"] = calibration;
    result["settings"] = settings_file.string();
    out.result(result);
    out.text(fmt::format("settings: {} (input_bits {}, weight_bits {}, activation_bits {}: {:.2f}%, ~{} constraints)",
                         settings_file.string(), chosen->options.input_bits, chosen->options.weight_bits,
                         chosen->options.activation_bits, 100 * chosen->fidelity->quantized_accuracy, chosen->constraints));
    return kOk;
}

}  // namespace

Subcommand calibrate_command() {
    return {"calibrate",
            "choose the quantization on your labelled data and write a settings file",
            "--model FILE [--data FILE [--labels FILE]] [--goal accuracy|constraints] [--max-loss P] [--out FILE]",
            "Quantizes the model with every combination of input bits (4, 6, 8), weight bits (4 to 12) and\n"
            "activation bits (0, 8, 12, 16) (a width given as a flag is kept), runs the exact integer reference\n"
            "(what the circuit computes) on the data, estimates each private-input circuit's constraints, and\n"
            "prints them all. Among the candidates whose accuracy is within --max-loss percentage points of the\n"
            "float model's (default 1), --goal accuracy (default) takes the most accurate, --goal constraints the\n"
            "smallest circuit. Writes the settings file (default settings.json) for `zokml generate` and\n"
            "`zokml run --settings FILE`; --variant, --input-min/--input-max and the circuit options given\n"
            "go into it too. Exit code 3 when no candidate keeps the accuracy.",
            options({model_options(), data_options(), circuit_options(),
                     {{"goal", "G", "accuracy (the most accurate candidate) or constraints (the smallest circuit)"},
                      {"max-loss", "P", "the accuracy a candidate may lose against the float model, in percentage points (default 1)"},
                      {"out", "FILE", "the settings file to write (default settings.json)"}}}),
            0,
            calibrate};
}

}  // namespace zokml::cli
