// zokml prove: a proof for a private input (or a private model) with a circuit folder's keys.
#include "common.hpp"
#include "steps.hpp"
#include "subcommands.hpp"

namespace zokml::cli {
namespace {

int prove(const Args& args, const Output& out) {
    ProofRequest request = proof_request_from(args);
    if (auto model = args.get("model")) request.model = *model;
    const auto folder = folder_from(args);
    prove_step(folder, request, args.get_or("proof", (folder / "proof.json").string()), toolchain_from(args), store_from(args))
        .print(out, "proof");
    return kOk;
}

}  // namespace

Subcommand prove_command() {
    return {"prove",
            "prove what the circuit says about a private input (or a private model)",
            "[--dir DIR] [--input FILE | --input - | --digit N] [--claim C] [--model FILE] [--threshold T]",
            "private-input: --input (and --claim with --claimed-class); private-model: [--model] [--threshold];\n"
            "both-private: --input [--model]. The private input never goes on the command line: --input reads\n"
            "a JSON array of integers (the model's inputs, e.g. 784 pixels 0..255) from a file or, with -,\n"
            "from stdin; --digit picks a held-out MNIST digit. The witness is deleted after the proof; the\n"
            "proof goes to DIR/proof.json.",
            options({folder_option("the circuit folder (default: the current folder)"), prove_options(),
                     {{"model", "FILE", "private-model, both-private: the private model (default: the one the circuit was generated from)"}},
                     cache_option(), zokrates_option()}),
            0,
            prove};
}

}  // namespace zokml::cli
