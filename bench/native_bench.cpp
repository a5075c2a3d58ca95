// Benchmark of the native Groth16 prover (lib/prover/, 2 threads here):
//   msm-g1-65536 / native: one multi-scalar multiplication of 2^16 G1 points (msm_ms, median of
//     3, and points_per_s);
//   784-56-10 / private-input/native: the prove step alone for one digit in a cold process, the
//     key read included (prove_s: the process' wall time; key_read_s and prove_only_s inside it;
//     medians of 5), from the .zkey of the native setup and the digit's .wtns, with
//     snarkjs' own prover on the same files in the same run beside it (snarkjs_prove_s, `snarkjs
//     groth16 prove`, alternating with ours). load_1min: the machine's load as the row ends.
//     first_proof_s (without --keys, or a --keys folder without keys yet): from nothing in a
//     fresh cache, generate, compile, the native setup (powers of tau included) and a proof.
//   setup-65536 / native: the native single-party setup (prover::setup_groth16: the powers of tau
//     of power 16 and the final .zkey, both written) of a generated program of 65,531 constraints
//     (x <- x * x + b, 65,530 times: domain 2^16), setup_s; the key then passes snarkjs' zkey
//     verify (verify_s, not part of setup_s), or the row fails. setup_rss_mb: this process' peak
//     (the setup's; peak_rss_mb also counts the children: the compile and the verifier).
//
//   native_bench [--threads 2] [--keys FOLDER] [--results bench/results.json] [--only setup]
//     --keys: the circuit folder to prove with, generated and set up there when it has no keys
//     yet and kept (a temporary one by default).
//   native_bench --prove KEY.zkey WITNESS.wtns   (the cold process: prints its JSON)
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <random>

#include "bench_support.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/timing.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/project/circuit_folder.hpp"
#include "zokml/project/folder_proof.hpp"
#include "zokml/prover/groth16.hpp"
#include "zokml/prover/msm_timing.hpp"
#include "zokml/prover/setup.hpp"
#include "zokml/toolchain/snarkjs.hpp"

using namespace zokml;
namespace fs = std::filesystem;

namespace {

// The machine's load over the last minute (/proc/loadavg): the figures are wall-clock times on
// cores that others may share.
double load_average() {
    double load = 0;
    std::ifstream("/proc/loadavg") >> load;
    return load;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

nlohmann::json msm_row(unsigned threads) {
    const std::size_t count = std::size_t{1} << 16;
    std::vector<double> runs;
    for (int i = 0; i < 3; ++i) runs.push_back(prover::time_g1_msm(count, threads, 1 + i));
    const double ms = median(runs) * 1000;
    return {{"model", "msm-g1-65536"}, {"variant", "native"}, {"points", count}, {"threads", threads},
            {"msm_ms", ms}, {"points_per_s", static_cast<double>(count) / (ms / 1000)}, {"load_1min", load_average()}};
}

// The prove step in this (fresh) process: key and witness read, proof made.
nlohmann::json prove_once(const fs::path& key_file, const fs::path& witness_file, unsigned threads) {
    double read_s = 0, prove_s = 0;
    const prover::Groth16ProvingKey key = timed(read_s, [&] { return prover::Groth16ProvingKey(key_file); });
    const prover::Groth16Proof proof = timed(prove_s, [&] { return prover::prove(key, prover::Groth16Witness(witness_file), threads); });
    return {{"key_read_s", read_s}, {"prove_only_s", prove_s}, {"domain_size", key.domain_size()}, {"proof", proof.to_json()}};
}

// keys: the circuit folder, kept; it is generated and set up when it has no keys yet.
nlohmann::json prove_row(const char* self, unsigned threads, const fs::path& keys) {
    const TempFolder work(fs::temp_directory_path(), "zokml-native-bench");
    const Toolchain toolchain;
    const ArtifactStore store(work.path() / "cache");  // a fresh cache: the first proof pays compile and setup
    CircuitSpec spec;
    spec.name = "mnist-784-56-10";
    spec.model = ZOKML_SOURCE_DIR "/examples/models/mnist-784-56-10.json";
    spec.output = keys.empty() ? work.path() / "circuit" : keys;
    std::optional<double> first_proof_s;  // from nothing: generate, compile, the native setup, a proof of digit 0
    if (!fs::exists(keys_folder(spec.output) / "proving.key")) {
        first_proof_s = 0;
        timed(*first_proof_s, [&] {
            write_generated(spec, generate_circuit(spec));
            setup_folder(spec.output, Scheme::G16, toolchain, store, Backend::Native);
            ProofRequest digit_0;
            digit_0.input = HeldOutDigit{0};
            return prove_folder(spec.output, digit_0, toolchain, store);
        });
    }
    const FolderArtifacts artifacts = folder_artifacts(spec.output, toolchain, store);
    const std::size_t constraints = artifacts.program.constraints;
    const QuantizedModel model = quantize(spec.float_model(), spec.settings.quantization);
    const fs::path witness = work.path() / "digit.wtns";
    const Snarkjs snarkjs;
    snarkjs.write_witness(artifacts.program, private_input_arguments(model, {}, digit_input(model, held_out_digits().front())), witness);

    // Cold processes, alternating, five of each: the median.
    std::vector<double> native, reference, key_read, prove_only;
    nlohmann::json inside;
    const fs::path snarkjs_cli = Toolchain::bundled().parent_path() / "node_modules/snarkjs/build/cli.cjs";
    for (int i = 0; i < 5; ++i) {
        double s = 0;
        inside = timed(s, [&] {
            return bench::run_row(fmt::format("'{}' --prove '{}' '{}' --threads {}", self, artifacts.keypair.proving_key.string(),
                                              witness.string(), threads));
        });
        native.push_back(s);
        key_read.push_back(inside["key_read_s"].get<double>());
        prove_only.push_back(inside["prove_only_s"].get<double>());
        timed(s, [&] {
            const std::string command = fmt::format("cd '{}' && node '{}' groth16 prove '{}' '{}' proof.json public.json >/dev/null", work.path().string(),
                                                    snarkjs_cli.string(), artifacts.keypair.proving_key.string(), witness.string());
            if (std::system(command.c_str()) != 0) throw std::runtime_error("snarkjs groth16 prove failed");
            return 0;
        });
        reference.push_back(s);
    }
    // The proof passes the verifier, or the figure means nothing.
    const Keypair keypair = verification_keypair(keys_folder(spec.output) / "verification.key");
    if (!toolchain.verify(keypair, Proof::from_json(inside["proof"]), work.path()))
        throw std::runtime_error("the native proof did not verify");
    fs::remove(witness);
    nlohmann::json row = {{"model", "784-56-10"},
            {"variant", "private-input/native"},
            {"constraints", constraints},
            {"domain_size", inside["domain_size"]},
            {"threads", threads},
            {"prove_s", median(native)},
            {"key_read_s", median(key_read)},
            {"prove_only_s", median(prove_only)},
            {"snarkjs_prove_s", median(reference)},
            {"vs_snarkjs", median(native) / median(reference)},
            {"load_1min", load_average()},
            {"peak_rss_mb", bench::peak_rss_mb()}};
    if (first_proof_s) row["first_proof_s"] = *first_proof_s;
    return row;
}

nlohmann::json setup_row(unsigned threads) {
    constexpr unsigned kRounds = 65530;
    const TempFolder work(fs::temp_directory_path(), "zokml-setup-bench");
    write_file_atomically(work / "main.zok", fmt::format("def main(private field a, field b) -> field {{\n    field mut x = a;\n"
                                                        "    for u32 i in 0..{} {{\n        x = x * x + b;\n    }}\n    return x;\n}}\n",
                                                        kRounds));
    const CompiledProgram program = Toolchain().compile(work / "main.zok", work / "out", /*with_r1cs=*/true);
    double setup_s = 0, verify_s = 0;
    const prover::SetupRecord record =
        timed(setup_s, [&] { return prover::setup_groth16(program.r1cs, work / "setup.ptau", work / "setup.zkey", threads); });
    const double load = load_average();
    rusage self{};
    getrusage(RUSAGE_SELF, &self);  // this process: the setup (the compile and the verifier are children)
    const SetupTranscript verdict = timed(verify_s, [&] { return Snarkjs().verify_setup(program.r1cs, work / "setup.ptau", work / "setup.zkey"); });
    if (!verdict.valid) throw std::runtime_error("the native setup's key failed snarkjs' zkey verify: " + verdict.reason);
    return {{"model", "setup-65536"},
            {"variant", "native"},
            {"program", fmt::format("x <- x * x + b, {} times", kRounds)},
            {"constraints", program.constraints},
            {"power", record.power},
            {"threads", threads},
            {"setup_s", setup_s},
            {"verify_s", verify_s},
            {"ptau_mb", static_cast<double>(fs::file_size(work / "setup.ptau")) / (1 << 20)},
            {"zkey_mb", static_cast<double>(fs::file_size(work / "setup.zkey")) / (1 << 20)},
            {"load_1min", load},
            {"setup_rss_mb", static_cast<double>(self.ru_maxrss) / 1024.0},
            {"peak_rss_mb", bench::peak_rss_mb()}};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 4 && std::string(argv[1]) == "--prove") {  // the cold process
        const unsigned threads = argc >= 6 ? static_cast<unsigned>(std::stoul(argv[5])) : 2;
        fmt::print("{}\n", prove_once(argv[2], argv[3], threads).dump());
        return 0;
    }
    return examples::guarded_main([&] {
        unsigned threads = 2;
        fs::path keys;
        fs::path results = ZOKML_SOURCE_DIR "/bench/results.json";
        bool setup_only = false;
        examples::parse_flags(argc, argv, "usage: native_bench [--threads 2] [--keys FOLDER] [--results FILE] [--only setup]",
                              {{"--threads", [&](const std::string& v) { threads = static_cast<unsigned>(examples::count(v)); }},
                               {"--keys", [&](const std::string& v) { keys = v; }},
                               {"--results", [&](const std::string& v) { results = v; }},
                               {"--only", [&](const std::string& v) {
                                    if (v != "setup") throw std::invalid_argument("--only takes 'setup' (the setup row alone)");
                                    setup_only = true;
                                }}});
        const nlohmann::json setup = setup_row(threads);
        fmt::print("setup-65536 native: setup_s {:.2f} (power {}, {} constraints, ptau {:.0f} MB, zkey {:.0f} MB, load {:.2f}); snarkjs' zkey verify "
                   "accepts it ({:.1f} s)\n",
                   setup["setup_s"].get<double>(), setup["power"].get<unsigned>(), setup["constraints"].get<std::size_t>(),
                   setup["ptau_mb"].get<double>(), setup["zkey_mb"].get<double>(), setup["load_1min"].get<double>(), setup["verify_s"].get<double>());
        if (setup_only) {
            bench::merge_results(results, {setup});
            fmt::print("rows written to {}\n", results.string());
            return 0;
        }
        const nlohmann::json msm = msm_row(threads);
        fmt::print("msm-g1-65536 native: {:.1f} ms on {} threads, {:.0f} points/s\n", msm["msm_ms"].get<double>(), threads,
                   msm["points_per_s"].get<double>());
        const nlohmann::json prove = prove_row(argv[0], threads, keys);
        fmt::print("784-56-10 private-input/native: prove_s {:.3f} (key read {:.3f}, prove {:.3f}) vs snarkjs {:.3f} s\n",
                   prove["prove_s"].get<double>(), prove["key_read_s"].get<double>(), prove["prove_only_s"].get<double>(),
                   prove["snarkjs_prove_s"].get<double>());
        bench::merge_results(results, {msm, prove, setup});
        fmt::print("rows written to {}\n", results.string());
        return 0;
    });
}
