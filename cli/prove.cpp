// zokml prove: a proof for a private input (or a private model) with a circuit folder's keys; or
// proofs of many private inputs, through prover sessions.
#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "common.hpp"
#include "steps.hpp"
#include "subcommands.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/timing.hpp"
#include "zokml/project/salt_file.hpp"

namespace zokml::cli {
namespace {

// --inputs FILE: one proof per input, DIR/proofs/proof-K.json, a line each and a summary. The
// proofs of an earlier batch are kept aside with their folder (DIR/proofs-N) when the first new one is written.
int prove_many(const Args& args, const Output& out) {
    const auto folder = folder_from(args);
    const std::filesystem::path file = args.required("inputs");
    const auto jobs = static_cast<std::size_t>(args.integer_or("jobs", 1, 1, 64));
    const FloatBatch inputs = read_batch_file(file, Labels::None);
    std::optional<FieldElement> salt;  // both-private: the model owner's
    if (auto salt_file = args.get("salt")) salt = read_salt_file(*salt_file);
    const std::filesystem::path proofs_dir = folder / "proofs";  // write_text creates it with the first proof
    nlohmann::json rows = nlohmann::json::array();
    std::optional<std::filesystem::path> previous;
    std::vector<double> seconds_each;
    double seconds = 0;
    zokml::timed(seconds, [&] {
        return prove_folder_batch(folder, inputs, file, salt, jobs, toolchain_from(args), store_from(args),
                                  [&](std::size_t k, const ModelProof& proof, double s) {
                                      if (seconds_each.empty()) previous = keep_previous(proofs_dir);
                                      const auto path = proofs_dir / fmt::format("proof-{}.json", k);
                                      write_text(path, dump_json(proof.proof.to_json(), 2) + "\n");
                                      seconds_each.push_back(s);
                                      rows.push_back({{"index", k}, {"proof", path.string()}, {"public", to_json(proof.public_output)},
                                                      {"seconds", s}});
                                      out.text(fmt::format("proof {:<5} {:6.2f} s  ({})  {}/{}", k, s,
                                                           describe(proof.public_output), seconds_each.size(),
                                                           inputs.inputs.size()));
                                  });
    });
    const BatchPace pace = batch_pace(seconds_each, seconds);
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a["index"] < b["index"]; });
    nlohmann::json result = {{"folder", folder.string()},
                             {"proofs", rows},
                             {"seconds", seconds},
                             {"jobs", jobs},
                             {"proofs_per_min", pace.per_minute},
                             {"median_s", pace.median_seconds}};
    if (previous) result["previous_proofs"] = previous->string();
    out.result(result);
    out.text(fmt::format("prove      {:7.2f} s  ({} proofs, {} session{}: {:.1f} proofs a minute, median {:.2f} s a proof)  [{}]",
                         seconds, seconds_each.size(), jobs, jobs == 1 ? "" : "s", pace.per_minute, pace.median_seconds, folder.string()));
    out.text("proofs: " + proofs_dir.string() + (previous ? fmt::format(" (the previous batch's kept in {})", previous->string()) : ""));
    return kOk;
}

int prove(const Args& args, const Output& out) {
    if (args.has("inputs")) {
        for (const char* other : {"input", "digit", "claim", "threshold", "model", "proof", "index"})
            if (args.has(other)) throw UsageError(fmt::format("--inputs and --{} exclude each other", other));
        return prove_many(args, out);
    }
    if (args.has("jobs")) throw UsageError("--jobs goes with --inputs");
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
            "prove what the circuit says about a private input (or a private model); or about many inputs",
            "[--dir DIR] [--input FILE | --input - | --digit N] [--claim C] [--model FILE] [--salt FILE] [--threshold T] | --inputs FILE [--jobs N]",
            "private-input: --input (and --claim with --claimed-class); private-model: --salt [--model] [--threshold];\n"
            "both-private: --input --salt [--model]. --salt names the model owner's salt file (`zokml commit\n"
            "--salt FILE` wrote it): the proof shows the commitment made with it. The private input never goes\n"
            "on the command line: --input reads a JSON array of integers (the model's inputs, e.g. 784 pixels\n"
            "0..255) from a file or, with -, from stdin, or float inputs from a .npy, CSV or JSON batch file\n"
            "(--index K picks one); --digit picks a held-out MNIST digit. The witness is deleted after the\n"
            "proof; the proof goes to DIR/proof.json (or --proof FILE). No proof destroys another: a proof\n"
            "already there is kept as DIR/proof-N.json (N one more than the highest), and a line says so.\n"
            "--inputs FILE proves every input of a batch file (private-input, both-private), each proof in\n"
            "DIR/proofs/proof-K.json, through --jobs prover sessions side by side (default 1): each loads the\n"
            "program and proving key once and takes the inputs through a pipe. An earlier batch's proofs\n"
            "are kept in DIR/proofs-N.",
            options({folder_option("the circuit folder (default: the current folder)"), prove_options(),
                     {{"model", "FILE", "private-model, both-private: the private model (default: the one the circuit was generated from)"},
                      {"inputs", "FILE", "many private inputs: a .npy, CSV or JSON batch file of float inputs, one proof each"},
                      {"jobs", "N", "with --inputs: prover sessions side by side (default 1)"}},
                     cache_option(), zokrates_option()}),
            0,
            prove};
}

}  // namespace zokml::cli
