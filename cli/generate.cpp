// zokml generate: a model's circuit, written as .zok modules into a circuit folder.
#include "common.hpp"
#include "steps.hpp"
#include "subcommands.hpp"

namespace zokml::cli {
namespace {

int generate(const Args& args, const Output& out) {
    generate_step(spec_from(args, args.required("dir"))).print(out, "sources");
    return kOk;
}

}  // namespace

Subcommand generate_command() {
    return {"generate",
            "write a model's circuit (.zok modules) and its settings into a circuit folder",
            "--model FILE --dir DIR [--variant private-input|private-model|both-private] [options]",
            "Writes DIR/circuit/ (main.zok and its modules) and DIR/zokml.lock.json: the settings and the\n"
            "fingerprints of the model and sources. Regenerating unchanged sources keeps the folder's keys.\n"
            "private-input: the input is private, the model public; the proof reveals the class.\n"
            "private-model: the weights are private, bound to a public commitment; the proof reveals how\n"
            "many of a public batch of held-out digits the model classifies correctly.\n"
            "both-private: the input and the committed weights are private; the proof reveals the class.",
            options({model_options(), circuit_options(), batch_options(), folder_option("the circuit folder to write (required)")}),
            0,
            generate};
}

}  // namespace zokml::cli
