// zokml quantize: how faithful the quantized model is on labelled data, per layer.
#include <fmt/format.h>

#include "common.hpp"
#include "subcommands.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/quantize/reference.hpp"

namespace zokml::cli {
namespace {

int quantize_model(const Args& args, const Output& out) {
    const CircuitSettings settings = settings_from(args, true);
    const CommandModelOnData on = model_on_data(args, settings);
    const Model& model = on.model;
    const LabelledData& data = on.data;
    const QuantizedModel quantized = quantize(model, settings.quantization);
    const Fidelity fidelity = measure_fidelity(model, quantized, data.batch);
    const std::vector<LayerReport> layers = layer_report(quantized);
    out.result({{"model", args.required("model")},
                {"name", model.name},
                {"fingerprint", quantized.fingerprint()},
                {"input_bits", quantized.input_bits},
                {"data", data.source},
                {"input_range", on.range_json()},
                {"fidelity",
                 {{"inputs", fidelity.inputs},
                  {"float_accuracy", fidelity.float_accuracy},
                  {"quantized_accuracy", fidelity.quantized_accuracy},
                  {"agreement", fidelity.agreement}}},
                {"layers", to_json(layers)}});
    out.text(fmt::format("model {}, fingerprint {}", model.name, quantized.fingerprint()));
    out.text(on.range_text());
    out.text(fmt::format("accuracy on {} inputs ({}): float {:.2f}%, quantized {:.2f}%, agreement {:.2f}%", fidelity.inputs,
                         data.source, 100 * fidelity.float_accuracy, 100 * fidelity.quantized_accuracy, 100 * fidelity.agreement));
    out.text(layer_table(layers));
    return kOk;
}

}  // namespace

Subcommand quantize_command() {
    return {"quantize",
            "the fidelity of the quantized model on labelled data, and each layer's quantization",
            "--model FILE [--data FILE [--labels FILE]] [--range-from-data [--range-margin P]] [--input-bits N] [--weight-bits N] "
            "[--activation-bits N]",
            "Accuracy of the float model and of the exact integer reference (bit for bit what the circuit\n"
            "computes) on your labelled data (--data; default: the 1,996 held-out MNIST digits), how often\n"
            "they agree, and per layer the weight shift, scale and widths. The input range is chosen as calibrate\n"
            "chooses it (for a model that states none, from the data when the data leaves [0, 1]).",
            options({model_options(), data_options()}),
            0,
            quantize_model};
}

}  // namespace zokml::cli
