// Benchmark of proving many private inputs through prover sessions (784-56-10, private input):
// the first proof from nothing (generate, compile, setup, prove), a proof in a warm session
// (witness + proof, median of --samples), and a batch of --batch held-out digits proven by --jobs
// sessions side by side (proofs a minute, peak memory of any one process). --backend: who sets up
// and proves: native (the default: zokml's native setup and prover, witnesses from a zokrates-js
// witness session), zokrates (zokrates-js' prove-session) or snarkjs (its multi-threaded WASM
// prover after a single-party ceremony; the powers of tau it needs are made first and timed apart,
// ptau_s, as a fresh machine pays them once; the first proof and the batch use the keys' own
// prover, the native one, as zokml does).
//
//   session_bench [--backend native|zokrates|snarkjs] [--samples 50] [--batch 500] [--jobs 2] [--results bench/results.json]
// Runs in a fresh process and merges its row ("784-56-10", "private-input/session" for zokrates,
// "private-input/session/snarkjs" or "private-input/session/native") into the results.
#include <fmt/format.h>

#include <algorithm>

#include "bench_support.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/timing.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/project/ceremony.hpp"
#include "zokml/project/circuit_folder.hpp"
#include "zokml/project/folder_proof.hpp"
#include "zokml/backend/backends.hpp"
#include "zokml/project/provers.hpp"

using namespace zokml;

namespace {

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

nlohmann::json run(Backend backend, std::size_t samples, std::size_t batch_size, std::size_t jobs) {
    const TempFolder work(std::filesystem::temp_directory_path(), "zokml-session-bench");
    const Toolchain toolchain;
    const ArtifactStore store(work.path() / "cache");  // a fresh cache: the first proof pays compile and setup
    CircuitSpec spec;
    spec.name = "mnist-784-56-10";
    spec.model = ZOKML_SOURCE_DIR "/examples/models/mnist-784-56-10.json";
    spec.output = work.path() / "circuit";
    const auto& digits = held_out_digits();
    FloatBatch first;
    first.inputs.push_back(digits.front().as_floats());

    double ptau_s = 0;
    if (backend == Backend::Snarkjs) {  // 2^13 covers 784-56-10's 8,023 constraints and its public values
        const Snarkjs snarkjs;
        timed(ptau_s, [&] { return local_powers_of_tau(13, snarkjs, store); });
    }
    double first_proof_s = 0;
    std::size_t constraints = 0;
    timed(first_proof_s, [&] {
        write_generated(spec, generate_circuit(spec));
        constraints = compile_folder(spec.output, toolchain, store).program.constraints;
        if (backend == Backend::Snarkjs)
            setup_folder_single_party(spec.output, std::nullopt, toolchain, store);
        else
            setup_folder(spec.output, Scheme::G16, toolchain, store, backend);
        return prove_folder_batch(spec.output, first, "digit 0", std::nullopt, 1, toolchain, store);
    });

    // A warm session: one proof to start it, then `samples` proofs of different digits.
    const FolderArtifacts artifacts = folder_artifacts(spec.output, toolchain, store);
    const QuantizedModel model = quantize(spec.float_model(), spec.settings.quantization);
    std::vector<double> each;
    {
        CircuitProver session(toolchain, artifacts.program, artifacts.keypair, work.path() / "session");
        session.prove_with(backend);
        session.use_session();
        for (std::size_t k = 0; k <= samples; ++k) {
            const auto input = digit_input(model, digits[(k * 37) % digits.size()]);
            double s = 0;
            timed(s, [&] { return session.prove(private_input_arguments(model, {}, input)); });
            if (k > 0) each.push_back(s);
        }
    }

    FloatBatch batch;
    for (std::size_t k = 0; k < batch_size; ++k) batch.inputs.push_back(digits[k % digits.size()].as_floats());
    double batch_s = 0;
    timed(batch_s, [&] { return prove_folder_batch(spec.output, batch, "held-out digits", std::nullopt, jobs, toolchain, store); });

    nlohmann::json row = {{"model", "784-56-10"},
            {"variant", backend == Backend::Zokrates ? "private-input/session" : "private-input/session/" + to_string(backend)},
            {"constraints", constraints},
            {"first_proof_s", first_proof_s},
            {"session_prove_s", median(each)},
            {"session_samples", each.size()},
            {"batch", batch_size},
            {"jobs", jobs},
            {"batch_s", batch_s},
            {"batch_prover", to_string(proving_backend(artifacts.keypair))},  // the keys' own: snarkjs' keys prove natively
            {"proofs_per_min", 60.0 * static_cast<double>(batch_size) / batch_s},
            {"peak_rss_mb", bench::peak_rss_mb()}};
    if (backend == Backend::Snarkjs) row["ptau_s"] = ptau_s;
    return row;
}

}  // namespace

int main(int argc, char** argv) {
    return examples::guarded_main([&] {
        std::size_t samples = 50, batch = 500, jobs = 2;
        Backend backend = Backend::Native;
        std::filesystem::path results = ZOKML_SOURCE_DIR "/bench/results.json";
        examples::parse_flags(argc, argv, "usage: session_bench [--backend native|zokrates|snarkjs] [--samples 50] [--batch 500] [--jobs 2] [--results FILE]",
                              {{"--backend", [&](const std::string& v) { backend = backend_from_string(v); }},
                               {"--samples", [&](const std::string& v) { samples = examples::count(v); }},
                               {"--batch", [&](const std::string& v) { batch = examples::count(v); }},
                               {"--jobs", [&](const std::string& v) { jobs = examples::count(v); }},
                               {"--results", [&](const std::string& v) { results = v; }}});
        const nlohmann::json row = run(backend, std::max<std::size_t>(samples, 1), std::max<std::size_t>(batch, 1), std::max<std::size_t>(jobs, 1));
        fmt::print("{:<10} {:>11} {:>13} {:>15} {:>6} {:>5} {:>9} {:>14} {:>11}\n", "model", "constraints", "first_proof_s",
                   "session_prove_s", "batch", "jobs", "batch_s", "proofs_per_min", "peak_rss_mb");
        fmt::print("{:<10} {:>11} {:>13.2f} {:>15.3f} {:>6} {:>5} {:>9.1f} {:>14.1f} {:>11.0f}\n", row["model"].get<std::string>(),
                   row["constraints"].get<std::size_t>(), row["first_proof_s"].get<double>(),
                   row["session_prove_s"].get<double>(), row["batch"].get<std::size_t>(), row["jobs"].get<std::size_t>(),
                   row["batch_s"].get<double>(), row["proofs_per_min"].get<double>(), row["peak_rss_mb"].get<double>());
        bench::merge_results(results, {row});
        fmt::print("row written to {}\n", results.string());
        return 0;
    });
}
