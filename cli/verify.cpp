// zokml verify: PASSED (exit code 0) or FAILED (exit code 1) for a proof and a verification key.
#include <fmt/format.h>

#include "common.hpp"
#include "steps.hpp"
#include "subcommands.hpp"
#include "zokml/split/folder.hpp"

namespace zokml::cli {
namespace {

// A split bundle against a split folder's keys and published commitment.
int verify_bundle_file(const Args& args, const Output& out, const std::filesystem::path& folder) {
    if (args.has("proof") || args.has("vk")) throw UsageError("--bundle takes no --proof or --vk: the split folder has the keys");
    const std::filesystem::path file = *args.get("bundle");
    const ProofBundle bundle = ProofBundle::from_json(read_json(file), file);
    double seconds = 0;
    // An inference folder's bundle is checked against the verifier's public inputs (the folder,
    // not the bundle, says which statement it checks).
    const SplitFolder split = read_split_folder(folder, false);
    if (split.options.variant == SplitVariant::Inference && !args.has("inputs"))
        throw UsageError("an inference folder verifies a bundle against its public inputs: give --inputs FILE");
    const LabeledBatch inputs = args.has("inputs") ? split_batch(split.layout, *args.get("inputs"), Labels::None) : LabeledBatch{};
    const BundleVerdict verdict =
        timed("verify", false, seconds, [&] { return verify_split_folder(folder, bundle, toolchain_from(args), inputs); });
    out.text(fmt::format("verify     {:7.2f} s  ({}, {} proofs)", seconds, verdict.verified ? "PASSED" : "FAILED", bundle.proofs.size()));
    for (const auto& problem : verdict.problems) out.text("  " + problem);
    const nlohmann::json revealed = bundle.statement();
    if (verdict.verified) out.text("public: " + dump_json(revealed));
    out.result({{"verified", verdict.verified}, {"bundle", file.string()}, {"problems", verdict.problems}, {"seconds", seconds},
                {"public", revealed}});
    return verdict.verified ? kOk : kVerificationFailed;
}

int verify(const Args& args, const Output& out) {
    const auto folder = folder_from(args);
    if (args.has("bundle")) return verify_bundle_file(args, out, folder);
    std::optional<Backend> backend;
    if (args.has("backend")) backend = setup_choice_from(args).backend;
    const StepResult step = verify_step(verification_key_from(args, folder), args.get_or("proof", (folder / "proof.json").string()),
                                        toolchain_from(args), folder, backend, store_from(args));
    step.print(out);
    if (step.details.contains("setup")) out.text("setup: " + step.details["setup"].get<std::string>());
    if (step.details.contains("public") && !step.details["public"].empty())
        out.text("public: " + dump_json(step.details["public"]));
    return step.details["verified"].get<bool>() ? kOk : kVerificationFailed;
}

}  // namespace

Subcommand verify_command() {
    return {"verify",
            "verify a proof: exit code 0 when it PASSED, 1 when it FAILED",
            "[--dir DIR] [--proof FILE] [--vk FILE] | [--dir DIR] --bundle FILE [--inputs FILE]",
            "Needs only the proof and the verification key (by default DIR/proof.json and\n"
            "DIR/keys/verification.key); with a circuit folder, also decodes the public values. The proof is\n"
            "first checked to be canonical for the key (coordinates below q, points in G1 and G2, the key's\n"
            "number of public inputs): exit code 3 naming the field otherwise (docs/security.md).\n"
            "--bundle: a split proof's bundle (zokml split-prove), checked with the split folder DIR's keys\n"
            "against its published commitment: every sub-proof and every link between them; an inference\n"
            "bundle against the public inputs it classifies (--inputs, docs/batch-format.md).",
            options({folder_option("the circuit or split folder (default: the current folder)"),
                     {{"proof", "FILE", "the proof (default: DIR/proof.json)"},
                      {"bundle", "FILE", "a split proof's bundle, verified with the split folder DIR"},
                      {"inputs", "FILE", "with --bundle of an inference folder: the public inputs (JSON or CSV, no labels)"}},
                     vk_option(),
                     {{"backend", "B", "who verifies: zokrates or snarkjs (default: the folder's setup's, else zokrates; native keys: zokrates)"}},
                     cache_option(), zokrates_option()}),
            0,
            verify};
}

}  // namespace zokml::cli
