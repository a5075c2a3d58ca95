// zokml commit: the Poseidon commitment to a model's quantized parameters.
#include <fmt/format.h>

#include "common.hpp"
#include "subcommands.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/project/split_folder.hpp"

namespace zokml::cli {
namespace {

int commit(const Args& args, const Output& out) {
    const QuantizedModel model = quantize(model_from(args), quantization_from(args));
    if (!args.has("split")) {
        if (args.has("layout") || args.has("neurons-per-part")) throw UsageError("--layout and --neurons-per-part go with --split");
        const FieldElement commitment = commit_model(model);
        out.result({{"model", args.required("model")},
                    {"name", model.name},
                    {"fingerprint", model.fingerprint()},
                    {"tensors", model_parameters(model).size()},
                    {"commitment", commitment.to_decimal()}});
        out.text(commitment.to_decimal());
        return kOk;
    }
    const auto neurons = static_cast<std::size_t>(args.integer_or("neurons-per-part", SplitOptions{}.neurons_per_part, 1, 1 << 20));
    const PublishedLayout layout = publish_layout(model, neurons);
    if (auto file = args.get("layout")) write_text(*file, dump_json(layout.to_json(), 2) + "\n");
    out.result({{"model", args.required("model")},
                {"name", model.name},
                {"fingerprint", model.fingerprint()},
                {"parts", layout.parts.size()},
                {"commitment", layout.commitment.to_decimal()},
                {"layout", args.get_or("layout", "")}});
    out.text(layout.commitment.to_decimal());
    if (auto file = args.get("layout")) out.text("layout: " + *file);
    return kOk;
}

}  // namespace

Subcommand commit_command() {
    return {"commit",
            "print the commitment to a model's parameters (the public input of private-model proofs)",
            "--model FILE [--input-bits N] [--weight-bits N] [--split [--neurons-per-part N] [--layout FILE]]",
            "Prints the commitment as a decimal field element: Poseidon over the quantized parameters packed\n"
            "many to a field element (docs/poseidon.md), the value a private-model proof makes public.\n"
            "--split: the commitment of split proofs (version 2: a chain over parts of --neurons-per-part\n"
            "neurons, docs/split-proving.md); --layout writes what to publish beside it for the party that\n"
            "sets up the split programs: the parts' layout and widths, never their values.",
            options({model_options(),
                     {{"split", "", "the commitment of split proofs (version 2)"},
                      {"neurons-per-part", "N", fmt::format("with --split: neurons of a part (default {})", SplitOptions{}.neurons_per_part)},
                      {"layout", "FILE", "with --split: write the published layout (JSON) to FILE"}}}),
            0,
            commit};
}

}  // namespace zokml::cli
