// zokml commit: the Poseidon commitment to a model's quantized parameters.
#include <fmt/format.h>

#include "common.hpp"
#include "subcommands.hpp"
#include "zokml/crypto/commitment.hpp"

namespace zokml::cli {
namespace {

int commit(const Args& args, const Output& out) {
    const QuantizedModel model = quantize(model_from(args), quantization_from(args));
    const auto tensors = model_parameters(model);
    const FieldElement commitment = commit_model(model);
    out.result({{"model", args.required("model")},
                {"name", model.name},
                {"fingerprint", model.fingerprint()},
                {"tensors", tensors.size()},
                {"commitment", commitment.to_decimal()}});
    out.text(commitment.to_decimal());
    return kOk;
}

}  // namespace

Subcommand commit_command() {
    return {"commit",
            "print the commitment to a model's parameters (the public input of private-model proofs)",
            "--model FILE [--input-bits N] [--weight-bits N]",
            "Prints the commitment as a decimal field element: Poseidon over the quantized parameters packed\n"
            "many to a field element (docs/poseidon.md), the value a private-model proof makes public.",
            options({model_options()}),
            0,
            commit};
}

}  // namespace zokml::cli
