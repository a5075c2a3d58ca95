// zokml quantize: how faithful the quantized model is on the held-out MNIST digits, per layer.
#include <fmt/format.h>

#include "common.hpp"
#include "subcommands.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/quantize/reference.hpp"

namespace zokml::cli {
namespace {

int quantize_model(const Args& args, const Output& out) {
    const Model model = model_from(args);
    const QuantizedModel quantized = quantize(model, quantization_from(args));
    const auto& digits = held_out_digits();
    if (model.input_size != digits.at(0).pixels.size() || !model.has_argmax())
        throw InputError(args.required("model"), "(file)",
                         fmt::format("the fidelity report needs an MNIST classifier ({} inputs, an argmax head)",
                                     digits.at(0).pixels.size()));
    const Fidelity fidelity = measure_fidelity(model, quantized, digits);
    const nlohmann::json layers = layer_rows(quantized);
    out.result({{"model", args.required("model")},
                {"name", model.name},
                {"fingerprint", quantized.fingerprint()},
                {"input_bits", quantized.input_bits},
                {"fidelity",
                 {{"digits", fidelity.digits},
                  {"float_accuracy", fidelity.float_accuracy},
                  {"quantized_accuracy", fidelity.quantized_accuracy},
                  {"agreement", fidelity.agreement}}},
                {"layers", layers}});
    out.text(fmt::format("model {}, fingerprint {}", model.name, quantized.fingerprint()));
    out.text(fmt::format("held-out accuracy on {} digits: float {:.2f}%, quantized {:.2f}%, agreement {:.2f}%", fidelity.digits,
                         100 * fidelity.float_accuracy, 100 * fidelity.quantized_accuracy, 100 * fidelity.agreement));
    out.text(layer_table(layers));
    return kOk;
}

}  // namespace

Subcommand quantize_command() {
    return {"quantize",
            "the fidelity of the quantized model on the held-out MNIST digits, and each layer's quantization",
            "--model FILE [--input-bits N] [--weight-bits N]",
            "Accuracy of the float model and of the exact integer reference (bit for bit what the circuit\n"
            "computes) on the 1,996 held-out digits, how often they agree, and per layer the weight shift,\n"
            "scale and widths.",
            options({model_options()}),
            0,
            quantize_model};
}

}  // namespace zokml::cli
