// A model owner keeps the weights private, publishes a commitment to them, and proves that the
// committed model classifies a public batch of held-out MNIST digits with at least a threshold
// accuracy. The statement is proven in parts (split proving, docs/split-proving.md): each
// sub-proof fits the bundled toolchain, however large the model.
//
//   mnist_private_model [--model FILE] [--digits N] [--threshold PERCENT] [--jobs N] [--cache DIR]
#include <fmt/format.h>

#include <cmath>
#include <string>

#include "example_main.hpp"
#include "zokml/core/timing.hpp"
#include "zokml/crypto/parts.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/split/prover.hpp"
#include "zokml/split/verify.hpp"

using namespace zokml;

namespace {

struct Arguments {
    std::string model = ZOKML_SOURCE_DIR "/examples/models/mnist-784-56-10.json";
    std::size_t digits = 100;
    double threshold_percent = 95;
    std::size_t jobs = 2;
    std::string cache = "work/mnist-private-model/cache";
};

Arguments parse(int argc, char** argv) {
    Arguments a;
    examples::parse_flags(
        argc, argv, "usage: mnist_private_model [--model FILE] [--digits N] [--threshold PERCENT] [--jobs N] [--cache DIR]",
        {{"--model", [&](const std::string& v) { a.model = v; }},
         {"--digits", [&](const std::string& v) { a.digits = examples::count(v); }},
         {"--threshold", [&](const std::string& v) { a.threshold_percent = std::stod(v); }},
         {"--jobs", [&](const std::string& v) { a.jobs = examples::count(v); }},
         {"--cache", [&](const std::string& v) { a.cache = v; }}});
    return a;
}

int run(const Arguments& args) {
    // 8-bit weights: no accuracy lost on the shipped models, and fewer constraints per weight.
    const QuantizedModel model = quantize(load_model(args.model), {8, 8});
    const LabeledBatch batch = labeled_batch(model, spread_digits(held_out_digits(), args.digits));
    const SplitPlan plan = plan_split(model, batch);
    const FieldElement salt = random_salt();  // the owner's secret: it makes the commitment hiding
    const FieldElement commitment = commit_model_v2(model, plan.options.neurons_per_part, salt);
    const std::size_t correct = count_correct(model, batch);
    const auto threshold = static_cast<std::int64_t>(std::ceil(args.threshold_percent / 100.0 * static_cast<double>(args.digits)));
    fmt::print("model {}: published commitment {}\n", model.name, commitment.to_decimal());
    fmt::print("public batch: {} held-out digits, SHA-256 {}\n", args.digits, batch.fingerprint());
    fmt::print("reference: {} of {} correct ({:.1f}%), threshold {} ({}%)\n", correct, args.digits,
               100.0 * static_cast<double>(correct) / static_cast<double>(args.digits), threshold, args.threshold_percent);

    const Toolchain toolchain;
    const ArtifactStore store(args.cache);
    const SplitPrograms programs = build_split_programs(toolchain, store, plan, batch);
    examples::print_step("compile", programs.compile_s, fmt::format("{} programs", programs.compiled.size()));
    examples::print_step("setup", programs.setup_s);
    SplitProveTimes times;
    const ProofBundle bundle = prove_split(toolchain, programs, plan, model, batch, salt, threshold, args.jobs,
                                           [](const Progress& p) {
                                               if (!p.running.empty())
                                                   fmt::print("  {:>3}/{} {} ({:.0f} s elapsed, ~{:.0f} s left)\n", p.done + 1,
                                                              p.total, p.running, p.elapsed_s, p.remaining_s);
                                           },
                                           &times);
    examples::print_step("prove", times.wall_s,
                         fmt::format("{} sub-proofs, {:.1f} s of proving, {} at a time", bundle.proofs.size(), times.prove_s, args.jobs));
    double verify_s = 0;
    const BundleVerdict verdict = timed(verify_s, [&] { return verify_bundle(toolchain, programs, plan, bundle, batch, commitment); });
    examples::print_step("verify", verify_s, verdict.verified ? "PASSED" : "FAILED: " + verdict.problems.front());
    fmt::print("public: commitment, threshold {}, correct {}\n", bundle.threshold, bundle.correct);
    return verdict.verified ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    return examples::guarded_main([&] { return run(parse(argc, argv)); });
}
