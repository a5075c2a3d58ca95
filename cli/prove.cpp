// zokml prove: a proof for a private input (or a private model) with a circuit folder's keys.
#include "common.hpp"
#include "steps.hpp"
#include "subcommands.hpp"

namespace zokml::cli {
namespace {

int prove(const Args& args, const Output& out) {
    ProveRequest request = prove_request_from(args);
    if (auto model = args.get("model")) request.model = *model;
    prove_step(folder_from(args), request, toolchain_from(args), store_from(args)).print(out, "proof");
    return kOk;
}

}  // namespace

Subcommand prove_command() {
    return {"prove",
            "prove what the circuit says about a private input (or a private model)",
            "[--dir DIR] (--input FILE | --input - | --digit N) [--claim C] | [--model FILE] [--threshold T]",
            "The private input never goes on the command line: --input reads a JSON array of integers (the\n"
            "model's inputs, e.g. 784 pixels 0..255) from a file or, with -, from stdin; --digit picks a\n"
            "held-out MNIST digit. The witness is deleted after the proof; the proof goes to DIR/proof.json.",
            options({folder_option("the circuit folder (default: the current folder)"), prove_options(),
                     {{"model", "FILE", "private-model: the private model (default: the one the circuit was generated from)"}},
                     cache_option(), zokrates_option()}),
            0,
            prove};
}

}  // namespace zokml::cli
