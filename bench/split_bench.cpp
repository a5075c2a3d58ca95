// Benchmark of split proving (docs/split-proving.md): a private model proves its accuracy on
// public held-out digits as a bundle of sub-proofs. One row per model, each in a fresh process.
//
//   split_bench [--rows 784-56-10,784-56-10/inference] [--digits 100] [--inputs 10] [--jobs 2] [--neurons 4]
//               [--slice 20] [--results bench/results.json]
// A row names a shipped model (examples/models/mnist-ROW.json or .onnx) and the variant after a
// slash (default private-model, on --digits held-out digits; inference and both-private classify
// --inputs digits, 5 a slice unless --slice). A CNN's parts are one filter each and its slices 2
// inputs unless --neurons or --slice say otherwise. Fields: images, proofs, programs,
// constraints (the largest program), compile_s (the compile phase's wall time, --jobs programs at a
// time; compile_sum_s: their compile times summed), setup_s (all programs: the native setup makes
// one powers of tau for the programs of one size),
// witness_s and prove_s (summed over the sub-proofs), wall_s (all sub-proofs, --jobs at a time),
// verify_s (the whole bundle), peak_rss_mb (the largest process), accuracy_circuit.
#include <fmt/format.h>

#include <algorithm>

#include "bench_support.hpp"
#include "zokml/core/timing.hpp"
#include "zokml/crypto/parts.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/split/prover.hpp"
#include "zokml/split/verify.hpp"

using namespace zokml;

namespace {

struct Settings {
    std::size_t digits = default_batch_size(SplitVariant::PrivateModel);  // private-model: the public labelled batch
    std::size_t inputs = 10;   // inference, both-private: the inputs classified
    bool slice_given = false;
    bool neurons_given = false;
    std::size_t jobs = 2;
    SplitOptions split;
};

nlohmann::json run_one(const std::string& row, Settings settings) {
    // "784-56-10" (private-model) or "784-56-10/inference", "784-56-10/both-private".
    const auto slash = row.find('/');
    const std::string name = row.substr(0, slash);
    settings.split.variant = slash == std::string::npos ? SplitVariant::PrivateModel : split_variant_from(row.substr(slash + 1));
    const bool labelled = settings.split.variant == SplitVariant::PrivateModel;
    if (!labelled) settings.digits = settings.inputs;
    if (!labelled && !settings.slice_given)
        settings.split.inputs_per_slice = SplitOptions::for_variant(settings.split.variant).inputs_per_slice;
    const std::string path = fmt::format("{}/examples/models/mnist-{}", ZOKML_SOURCE_DIR, name);
    const Model float_model = load_model(std::filesystem::exists(path + ".json") ? path + ".json" : path + ".onnx");
    const bool cnn = std::any_of(float_model.layers.begin(), float_model.layers.end(),
                                 [](const Layer& l) { return l.kind == Layer::Kind::Conv2D; });
    // A filter's part proof computes 144 values an image: one filter a part. The Dense layer
    // after it range checks its 5,760 weights in every slice (~65k constraints with their hash)
    // and reads 576 values an image (~22k): 2 a slice stay within 2^17, 3 (132,836) would not.
    if (cnn && !settings.slice_given) settings.split.inputs_per_slice = 2;
    if (cnn && !settings.neurons_given) settings.split.neurons_per_part = 1;
    const QuantizedModel model = quantize(float_model, {8, 8});  // 8-bit weights: see docs/commitment.md
    const LabeledBatch batch = labeled_batch(model, spread_digits(held_out_digits(), settings.digits));
    const Fidelity fidelity = measure_fidelity(float_model, model, held_out_digits());
    const auto work = std::filesystem::temp_directory_path() / fmt::format("zokml-bench-{}", ::getpid());
    const Toolchain toolchain;
    const ArtifactStore store(work / "cache");
    const SplitPlan plan = plan_split(model, batch, settings.split);
    const SplitPrograms programs = build_split_programs(toolchain, store, plan, batch, Scheme::G16, settings.jobs);
    SplitProveTimes times;
    const auto correct = static_cast<std::int64_t>(count_correct(model, batch));
    const FieldElement salt = random_salt();  // the model owner's
    const ProofBundle bundle = prove_split(toolchain, programs, plan, model, batch, salt, correct, settings.jobs,
                                           [](const Progress& p) {
                                               if (!p.running.empty())
                                                   fmt::print(stderr, "  {:>3}/{} {} ({:.0f} s, ~{:.0f} s left)\n", p.done + 1,
                                                              p.total, p.running, p.elapsed_s, p.remaining_s);
                                           },
                                           &times);
    double verify_s = 0;
    const BundleVerdict verdict =
        timed(verify_s, [&] {
            const LabeledBatch known = labelled ? batch : settings.split.variant == SplitVariant::Inference ? LabeledBatch{batch.inputs, {}}
                                                                                                          : LabeledBatch{};
            return verify_bundle(toolchain, programs, plan, bundle, known, commit_model_v2(model, settings.split.neurons_per_part, salt));
        });
    if (!verdict.verified) throw std::runtime_error("the bundle did not verify: " + verdict.problems.front());
    std::size_t largest = 0;
    for (const auto& [name, program] : programs.compiled) largest = std::max(largest, program.constraints);
    std::size_t circuit_correct = 0;  // the classes the bundle shows, against the labels
    for (std::size_t i = 0; i < bundle.classes.size(); ++i) circuit_correct += bundle.classes[i] == batch.labels[i];
    nlohmann::json result = {{"model", name},
                             {"variant", to_string(settings.split.variant)},
                             {"images", settings.digits},
                             {"proofs", bundle.proofs.size()},
                             {"programs", programs.compiled.size()},
                             {"constraints", largest},
                             {"compile_s", programs.compile_s},
                             {"compile_sum_s", programs.compile_sum_s},
                             {"setup_s", programs.setup_s},
                             {"witness_s", times.witness_s},
                             {"prove_s", times.prove_s},
                             {"wall_s", times.wall_s},
                             {"verify_s", verify_s},
                             {"jobs", settings.jobs},
                             {"peak_rss_mb", bench::peak_rss_mb()},
                             {"accuracy_float", fidelity.float_accuracy},
                             {"accuracy_circuit", static_cast<double>(labelled ? static_cast<std::size_t>(bundle.correct) : circuit_correct) /
                                                      static_cast<double>(settings.digits)}};
    std::filesystem::remove_all(work);
    return result;
}

}  // namespace

int main(int argc, char** argv) {
    Settings settings;
    return bench::benchmark_main(
        argc, argv,
        "usage: split_bench [--rows 784-56-10,784-56-10/inference] [--digits 100] [--inputs 10] [--jobs 2] [--neurons 4] [--slice 20]\n"
        "                   [--results bench/results.json]",
        "784-56-10,784-64-32-10,784-56-10/inference,784-56-10/both-private,cnn-small",
        {{"--digits", [&](const std::string& v) { settings.digits = examples::count(v); }},
         {"--inputs", [&](const std::string& v) { settings.inputs = examples::count(v); }},
         {"--jobs", [&](const std::string& v) { settings.jobs = examples::count(v); }},
         {"--neurons", [&](const std::string& v) {
              settings.split.neurons_per_part = examples::count(v);
              settings.neurons_given = true;
          }},
         {"--slice", [&](const std::string& v) {
              settings.split.inputs_per_slice = examples::count(v);
              settings.slice_given = true;
          }}},
        [&](const std::string& row) { return run_one(row, settings); });
}
