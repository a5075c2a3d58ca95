// zokml commit: the Poseidon commitment to a model's quantized parameters, salted with the model
// owner's secret salt (drawn into --salt FILE the first time).
#include <fmt/format.h>

#include "common.hpp"
#include "subcommands.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/project/salt_file.hpp"
#include "zokml/split/folder.hpp"

namespace zokml::cli {
namespace {

int commit(const Args& args, const Output& out) {
    if (!args.has("split") && (args.has("layout") || args.has("neurons-per-part")))
        throw UsageError("--layout and --neurons-per-part go with --split");
    const std::filesystem::path salt_file = args.required("salt");
    const Model float_model = model_from(args);
    const QuantizedModel model = quantize(float_model, quantization_from(args));
    const OwnerSalt salt = read_or_create_salt_file(salt_file);
    const std::string salt_line =
        fmt::format("salt: {} ({})", salt_file.string(),
                    salt.created ? "new: keep it private, the proofs need it" : "the one it holds");
    if (!args.has("split")) {
        const FieldElement commitment = commit_model(model, salt.salt);
        out.result({{"model", args.required("model")},
                    {"name", model.name},
                    {"fingerprint", model.fingerprint()},
                    {"tensors", model_parameters(model).size()},
                    {"commitment", commitment.to_decimal()},
                    {"salt_file", salt_file.string()},
                    {"salt_created", salt.created}});
        out.text(commitment.to_decimal());
        out.text(salt_line);
        return kOk;
    }
    const auto neurons = static_cast<std::size_t>(args.integer_or("neurons-per-part", SplitOptions{}.neurons_per_part, 1, 1 << 20));
    const PublishedLayout layout = publish_layout(float_model, quantization_from(args), neurons, salt.salt);
    if (auto file = args.get("layout")) write_text(*file, dump_json(layout.to_json(), 2) + "\n");
    out.result({{"model", args.required("model")},
                {"name", model.name},
                {"fingerprint", model.fingerprint()},
                {"parts", layout.parts.size()},
                {"commitment", layout.commitment.to_decimal()},
                {"layout", args.get_or("layout", "")},
                {"salt_file", salt_file.string()},
                {"salt_created", salt.created}});
    out.text(layout.commitment.to_decimal());
    if (auto file = args.get("layout")) out.text("layout: " + *file);
    out.text(salt_line);
    return kOk;
}

}  // namespace

Subcommand commit_command() {
    return {"commit",
            "print the commitment to a model's parameters (the public input of private-model proofs)",
            "--model FILE --salt FILE [--input-bits N] [--weight-bits N] [--split [--neurons-per-part N] [--layout FILE]]",
            "Prints the commitment as a decimal field element: Poseidon over a secret salt and the quantized\n"
            "parameters packed many to a field element (docs/commitment.md), the value a private-model proof\n"
            "makes public. The salt makes it hiding: without it no guess of the parameters can be checked.\n"
            "--salt FILE: the model owner's salt file; when FILE does not exist, a fresh salt (248 random bits)\n"
            "is drawn into it (mode 0600). Keep it private and keep it: prove, run and split-prove need it to\n"
            "prove about this commitment.\n"
            "--split: the commitment of split proofs (version 2: a chain over parts of --neurons-per-part\n"
            "neurons, each salted, docs/split-proving.md); --layout writes what to publish beside it for the\n"
            "party that sets up the split programs: the parts' layout and widths, never their values.",
            options({model_options(),
                     {{"salt", "FILE", "the model owner's salt file (drawn into FILE when it does not exist)"},
                      {"split", "", "the commitment of split proofs (version 2)"},
                      {"neurons-per-part", "N", fmt::format("with --split: neurons of a part (default {})", SplitOptions{}.neurons_per_part)},
                      {"layout", "FILE", "with --split: write the published layout (JSON) to FILE"}}}),
            0,
            commit};
}

}  // namespace zokml::cli
