// zokml inspect: a model's summary, parameter count and the bit widths of its quantized form.
#include <fmt/format.h>

#include "common.hpp"
#include "subcommands.hpp"

namespace zokml::cli {
namespace {

int inspect(const Args& args, const Output& out) {
    const Model model = model_from(args);
    const QuantizedModel quantized = quantize(model, quantization_from(args));
    const std::vector<LayerReport> layers = layer_report(quantized);
    out.result({{"model", args.required("model")},
                {"name", model.name},
                {"input_size", model.input_size},
                {"input_range", {model.input_min, model.input_max}},
                {"input_bits", quantized.input_bits},
                {"input_max", quantized.input_max},
                {"parameters", model.parameter_count()},
                {"fingerprint", quantized.fingerprint()},
                {"layers", to_json(layers)}});
    out.text(fmt::format("model        {} ({})", model.name, args.required("model")));
    out.text(fmt::format("input        {} values in [{}, {}] as integers 0..{} ({} bits)", model.input_size, model.input_min,
                         model.input_max, quantized.input_max, quantized.input_bits));
    out.text(fmt::format("parameters   {}", model.parameter_count()));
    out.text(fmt::format("fingerprint  {}", quantized.fingerprint()));
    out.text(layer_table(layers));
    return kOk;
}

}  // namespace

Subcommand inspect_command() {
    return {"inspect",
            "a model's layers, parameter count, fixed-point scales and bit widths",
            "--model FILE [--input-bits N] [--weight-bits N]",
            "Widths are those of the quantized model: each Dense layer's weights and biases (signed), and the\n"
            "sign tests its values need, from the static bounds (sign_test_bits); an activation layer besides ReLU,\n"
            "its segments and the maximum error of its approximation (--activation-error).",
            options({model_options()}),
            0,
            inspect};
}

}  // namespace zokml::cli
