// zokml beside its peer baseline, circom2 + snarkjs, in one run: the 784-56-10 MNIST model, a
// private input (the same held-out digit), the same pixel range checks (8 constraints a pixel),
// Groth16 on BN254. The baseline is the same circuit written in circom (bench/circom_circuit.hpp,
// bench/circom/gadgets.circom), compiled by circom2 (the WebAssembly circom compiler) and proven by
// snarkjs (tools/circom-baseline.mjs). docs/benchmarks.md#side-by-side-with-circom2--snarkjs.
//
//   circom_baseline_bench [--runs 7] [--samples 10] [--cache DIR] [--keep DIR] [--results bench/results.json]
// (--keep: the work folder, with the generated circuit.circom, its keys and proofs, stays in DIR)
//
// Cold: --runs proofs each, interleaved (zokml then circom, circom then zokml, ...), every step a
// fresh process as a command-line user runs it: zokml's a fresh prover (its zokrates-js witness
// process started, the key read, the native prover; its prove_s is the key's read and the proof),
// snarkjs' `wtns calculate` and `groth16 prove`; medians. Warm: --samples proofs of
// different digits in one long-lived process each (a zokml prover session; snarkjs in one node
// process with the witness calculator and the proving key loaded once), after one to start it.
// Every proof's class is checked against the integer reference, and a pixel of 256 must find no
// witness in the baseline. The powers of tau the baseline's setup needs is made once (single
// party) and kept in the artifact store (--cache, else zokml's default); its time is reported
// apart. Merges the rows ("784-56-10", "circom2+snarkjs") and ("784-56-10",
// "private-input/vs-circom") into the results.
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "bench_support.hpp"
#include "circom_circuit.hpp"
#include "zokml/backend/backends.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/timing.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/project/ceremony.hpp"
#include "zokml/toolchain/artifact_store.hpp"

using namespace zokml;
namespace fs = std::filesystem;

namespace {

const fs::path kTools = ZOKML_SOURCE_DIR "/tools";
const fs::path kNodeModules = kTools / "node_modules";

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double load_average() {
    double load = 0;
    std::ifstream("/proc/loadavg") >> load;
    return load;
}

// A finished process: its output (stdout and stderr), wall-clock seconds and peak memory.
struct Ran {
    std::string output;
    double seconds = 0;
    double peak_rss_mb = 0;
};

// Runs `args` in `cwd` with `input` on its stdin; throws with its output unless it exits with 0.
Ran run(const std::vector<std::string>& args, const fs::path& cwd, const std::string& input = "") {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int to_child[2], from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) throw std::runtime_error("pipe failed");
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::dup2(to_child[0], 0);
        ::dup2(from_child[1], 1);
        ::dup2(from_child[1], 2);
        ::close(to_child[0]), ::close(to_child[1]), ::close(from_child[0]), ::close(from_child[1]);
        if (::chdir(cwd.c_str()) == 0) ::execvp(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    std::thread writer([&] {
        for (std::size_t at = 0; at < input.size();) {
            const auto n = ::write(to_child[1], input.data() + at, input.size() - at);
            if (n <= 0) break;
            at += static_cast<std::size_t>(n);
        }
        ::close(to_child[1]);
    });
    Ran ran;
    char buffer[65536];
    for (ssize_t n; (n = ::read(from_child[0], buffer, sizeof buffer)) > 0;) ran.output.append(buffer, static_cast<std::size_t>(n));
    ::close(from_child[0]);
    writer.join();
    int status = 0;
    rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    ran.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ran.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error(fmt::format("failed (status {}): {}\n{}", status, fmt::join(args, " "), ran.output));
    return ran;
}

// The circom2 + snarkjs side: its commands, and the largest process it ran.
struct Baseline {
    fs::path dir;  // the circuit, its keys, each proof's files
    double peak_rss_mb = 0;

    Ran node(std::vector<std::string> args, const std::string& input = "") {
        args.insert(args.begin(), "node");
        Ran ran = run(args, dir, input);
        peak_rss_mb = std::max(peak_rss_mb, ran.peak_rss_mb);
        return ran;
    }
    // tools/circom-baseline.mjs: its last line of output is its JSON answer.
    nlohmann::json driver(std::vector<std::string> args, const std::string& input = "") {
        args.insert(args.begin(), (kTools / "circom-baseline.mjs").string());
        std::string out = node(args, input).output;
        while (!out.empty() && out.back() == '\n') out.pop_back();
        return nlohmann::json::parse(out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1));
    }
    Ran snarkjs(std::vector<std::string> args) {
        args.insert(args.begin(), (kNodeModules / "snarkjs/build/cli.cjs").string());
        return node(args);
    }
};

std::string input_json(const std::vector<std::int64_t>& input) { return nlohmann::json{{"x", input}}.dump(); }

std::string package_version(const std::string& package) {
    return nlohmann::json::parse(std::ifstream(kNodeModules / package / "package.json"))["version"];
}

// The powers of tau of 2^power for snarkjs' Groth16 setup: zokml's own single-party file, as its
// snarkjs backend uses, made once and kept in the store (seconds: of this run, making or finding it).
struct Ptau {
    fs::path file;
    double seconds = 0;
    bool reused = false;
};
Ptau cached_ptau(const ArtifactStore& store, unsigned power) {
    double seconds = 0;
    const LocalPowersOfTau local = timed(seconds, [&] { return local_powers_of_tau(power, Snarkjs(), store); });
    return {local.ptau.file, seconds, local.outcome == ArtifactStore::Outcome::Hit};
}

nlohmann::json run(std::size_t runs, std::size_t samples, const fs::path& cache, const std::optional<fs::path>& keep) {
    const double load_start = load_average();
    const QuantizedModel model = quantize(load_model(ZOKML_SOURCE_DIR "/examples/models/mnist-784-56-10.json"));
    const auto& held_out = held_out_digits();
    const std::vector<std::int64_t> input = digit_input(model, held_out.front());
    const int expected = run_reference(model, input).predicted_class;
    TempFolder folder(keep.value_or(fs::temp_directory_path()), "zokml-circom-bench");
    const fs::path work = folder.path();
    if (keep) {
        folder.release();
        fmt::print(stderr, "work folder (kept): {}\n", work.string());
    }
    const Toolchain toolchain;
    const ArtifactStore store(cache);

    // The baseline: generate, compile (circom2 --O2: .r1cs and the .wasm witness calculator), set up.
    Baseline baseline{work / "circom"};
    make_private_dir(baseline.dir);
    write_file_atomically(baseline.dir / "circuit.circom", bench::circom_circuit(model));
    fs::copy_file(ZOKML_SOURCE_DIR "/bench/circom/gadgets.circom", baseline.dir / "gadgets.circom");
    fmt::print(stderr, "circom2: compiling ...\n");
    const double circom_compile_s =
        baseline.node({(kNodeModules / "circom2/cli.js").string(), "circuit.circom", "--r1cs", "--wasm", "--O2", "-o", "."}).seconds;
    const nlohmann::json info = baseline.driver({"info", "circuit.r1cs"});
    const unsigned power = Snarkjs().required_power(baseline.dir / "circuit.r1cs");
    const Ptau ptau = cached_ptau(store, power);
    fmt::print(stderr, "snarkjs: setup ...\n");
    const double circom_setup_s =
        baseline.driver({"setup", "circuit.r1cs", ptau.file.string(), "circuit.zkey", "verification_key.json"})["setup_s"];

    // zokml: generate, compile, set up (the default backend: native).
    fmt::print(stderr, "zokml: compiling and setting up ...\n");
    ModelProver prover(toolchain, {}, {model}, work / "zokml");
    const StepTimes setup_times = prover.circuit_prover().times();

    // Cold proofs, interleaved.
    std::vector<double> zokml_witness, zokml_prove, zokml_both, circom_witness, circom_prove, circom_both;
    Proof zokml_proof;
    const auto prove_zokml = [&] {
        // A fresh prover, as a new `zokml prove` has: its witness process started, the key read.
        const CircuitProver& set_up = prover.circuit_prover();
        ModelProver cold({}, {model}, CircuitProver(toolchain, set_up.program(), set_up.keypair(), work / "zokml-cold"));
        double total = 0;
        const ModelProof proof = timed(total, [&] { return cold.prove({.input = input}); });
        if (std::get<PrivateInputPublic>(proof.public_output).predicted_class != expected) throw std::runtime_error("zokml proved another class");
        const double prove_s = cold.circuit_prover().times().prove_s;  // the key's read included
        zokml_witness.push_back(total - prove_s);                     // the witness process's start included
        zokml_prove.push_back(prove_s);
        zokml_both.push_back(total);
        zokml_proof = proof.proof;
    };
    write_file_atomically(baseline.dir / "input.json", input_json(input));
    const auto prove_circom = [&] {
        const double w = baseline.snarkjs({"wtns", "calculate", "circuit_js/circuit.wasm", "input.json", "witness.wtns"}).seconds;
        const double p = baseline.snarkjs({"groth16", "prove", "circuit.zkey", "witness.wtns", "proof.json", "public.json"}).seconds;
        if (nlohmann::json::parse(std::ifstream(baseline.dir / "public.json")) != nlohmann::json{std::to_string(expected)})
            throw std::runtime_error("circom proved another class");
        circom_witness.push_back(w);
        circom_prove.push_back(p);
        circom_both.push_back(w + p);
    };
    for (std::size_t k = 0; k < runs; ++k) {
        fmt::print(stderr, "cold proof {} of {} ...\n", k + 1, runs);
        if (k % 2 == 0) prove_zokml(), prove_circom();
        else prove_circom(), prove_zokml();
    }
    if (!prover.verify(zokml_proof)) throw std::runtime_error("zokml's proof did not verify");
    const double zokml_verify_s = prover.circuit_prover().times().verify_s;
    const Ran circom_verify = baseline.snarkjs({"groth16", "verify", "verification_key.json", "public.json", "proof.json"});
    if (circom_verify.output.find("OK") == std::string::npos) throw std::runtime_error("circom's proof did not verify");

    // Warm proofs: the first digit to start each process, then `samples` digits of every label.
    std::vector<std::vector<std::int64_t>> inputs{input};
    for (const Digit& d : spread_digits(held_out, samples)) inputs.push_back(digit_input(model, d));
    std::vector<int> classes;
    std::string inputs_json = "[";
    for (const auto& in : inputs) {
        classes.push_back(run_reference(model, in).predicted_class);
        inputs_json += (inputs_json.size() > 1 ? "," : "") + input_json(in);
    }
    fmt::print(stderr, "warm proofs: {} in one snarkjs process ...\n", inputs.size());
    const nlohmann::json warm = baseline.driver({"prove", "circuit_js/circuit.wasm", "circuit.zkey", "verification_key.json"}, inputs_json + "]");
    std::vector<double> circom_warm_witness, circom_warm_prove, circom_warm;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        const auto& p = warm["proofs"][k];
        if (!p["verified"].get<bool>() || p["public"] != nlohmann::json{std::to_string(classes[k])})
            throw std::runtime_error(fmt::format("circom: input {} did not prove its reference class {}", k, classes[k]));
        if (k == 0) continue;
        circom_warm_witness.push_back(p["witness_s"]);
        circom_warm_prove.push_back(p["proof_s"]);
        circom_warm.push_back(p["witness_s"].get<double>() + p["proof_s"].get<double>());
    }
    // As zokml's, the baseline's range checks leave a pixel of 256 without a witness.
    std::vector<std::int64_t> out_of_range = input;
    out_of_range[0] = 256;
    bool refused = false;
    try {
        baseline.driver({"prove", "circuit_js/circuit.wasm", "circuit.zkey", "verification_key.json"}, "[" + input_json(out_of_range) + "]");
    } catch (const std::runtime_error&) {
        refused = true;
    }
    if (!refused) throw std::runtime_error("circom: a pixel of 256 was proven");

    fmt::print(stderr, "warm proofs: {} in a zokml prover session ...\n", inputs.size());
    std::vector<double> zokml_warm_witness, zokml_warm_prove, zokml_warm;
    {
        ModelProver session({}, {model}, CircuitProver(toolchain, prover.circuit_prover().program(), prover.circuit_prover().keypair(),
                                                       work / "zokml-session"));
        for (std::size_t k = 0; k < inputs.size(); ++k) {
            if (std::get<PrivateInputPublic>(session.prove({.input = inputs[k]}).public_output).predicted_class != classes[k])
                throw std::runtime_error(fmt::format("zokml: input {} did not prove its reference class {}", k, classes[k]));
            if (k == 0) continue;
            const StepTimes& t = session.circuit_prover().times();
            zokml_warm_witness.push_back(t.witness_s);
            zokml_warm_prove.push_back(t.prove_s);
            zokml_warm.push_back(t.witness_s + t.prove_s);
        }
    }

    const double load_end = load_average();
    nlohmann::json circom = {
        {"model", "784-56-10"},
        {"variant", "circom2+snarkjs"},
        {"tools", fmt::format("circom2 {} (--O2), snarkjs {}", package_version("circom2"), package_version("snarkjs"))},
        {"constraints", info["constraints"]},
        {"compile_s", circom_compile_s},
        {"ptau_power", power},
        {"ptau_s", ptau.seconds},
        {"ptau_reused", ptau.reused},
        {"setup_s", circom_setup_s},
        {"witness_s", median(circom_witness)},
        {"prove_s", median(circom_prove)},
        {"witness_prove_s", median(circom_both)},
        {"verify_s", circom_verify.seconds},
        {"warm_witness_s", median(circom_warm_witness)},
        {"warm_prove_s", median(circom_warm_prove)},
        {"warm_s", median(circom_warm)},
        {"runs", runs},
        {"samples", samples},
        {"peak_rss_mb", baseline.peak_rss_mb},
        {"load_avg", {load_start, load_end}}};
    nlohmann::json zokml = {
        {"model", "784-56-10"},
        {"variant", "private-input/vs-circom"},
        {"tools", fmt::format("{} (witnesses), the {} prover", toolchain.version(),
                              to_string(proving_backend(prover.circuit_prover().keypair())))},
        {"constraints", prover.circuit_prover().program().constraints},
        {"compile_s", setup_times.compile_s},
        {"setup_s", setup_times.setup_s},
        {"witness_s", median(zokml_witness)},
        {"prove_s", median(zokml_prove)},
        {"witness_prove_s", median(zokml_both)},
        {"verify_s", zokml_verify_s},
        {"warm_witness_s", median(zokml_warm_witness)},
        {"warm_prove_s", median(zokml_warm_prove)},
        {"warm_s", median(zokml_warm)},
        {"prove_vs_circom", median(zokml_prove) / median(circom_prove)},
        {"witness_prove_vs_circom", median(zokml_both) / median(circom_both)},
        {"warm_vs_circom", median(zokml_warm) / median(circom_warm)},
        {"runs", runs},
        {"samples", samples},
        {"load_avg", {load_start, load_end}}};
    return nlohmann::json::array({circom, zokml});
}

void print(const nlohmann::json& rows) {
    fmt::print("{:<24} {:>11} {:>9} {:>8} {:>7} {:>9} {:>8} {:>8} {:>7} {:>6}\n", "variant (784-56-10)", "constraints",
               "compile_s", "setup_s", "ptau_s", "witness_s", "prove_s", "verify_s", "warm_s", "ratio");
    for (const auto& r : rows)
        fmt::print("{:<24} {:>11} {:>9.2f} {:>8.2f} {:>7} {:>9.2f} {:>8.2f} {:>8.2f} {:>7.2f} {:>6}\n",
                   r["variant"].get<std::string>(), r["constraints"].get<std::size_t>(), r["compile_s"].get<double>(),
                   r["setup_s"].get<double>(), r.contains("ptau_s") ? fmt::format("{:.1f}", r["ptau_s"].get<double>()) : "-",
                   r["witness_s"].get<double>(), r["prove_s"].get<double>(), r["verify_s"].get<double>(),
                   r["warm_s"].get<double>(),
                   r.contains("prove_vs_circom") ? fmt::format("{:.2f}", r["prove_vs_circom"].get<double>()) : "-");
}

}  // namespace

int main(int argc, char** argv) {
    return examples::guarded_main([&] {
        std::size_t runs = 7, samples = 10;
        fs::path cache = ArtifactStore::default_root();
        std::optional<fs::path> keep;
        fs::path results = ZOKML_SOURCE_DIR "/bench/results.json";
        examples::parse_flags(argc, argv,
                              "usage: circom_baseline_bench [--runs 7] [--samples 10] [--cache DIR] [--keep DIR] [--results FILE]",
                              {{"--runs", [&](const std::string& v) { runs = std::max<std::size_t>(examples::count(v), 1); }},
                               {"--samples", [&](const std::string& v) { samples = std::max<std::size_t>(examples::count(v), 1); }},
                               {"--cache", [&](const std::string& v) { cache = v; }},
                               {"--keep", [&](const std::string& v) { keep = v; }},
                               {"--results", [&](const std::string& v) { results = v; }}});
        std::signal(SIGPIPE, SIG_IGN);  // a node process that ends before reading its stdin
        const nlohmann::json rows = run(runs, samples, cache, keep);
        print(rows);
        fmt::print("ratio: zokml's prove / circom's; warm: witness + proof in one long-lived process each\n");
        bench::merge_results(results, {rows[0], rows[1]});
        fmt::print("rows written to {}\n", results.string());
        return 0;
    });
}
