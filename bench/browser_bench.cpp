// Benchmark of proving in the browser (784-56-10, private input): the circuit folder is generated,
// compiled and set up (a fresh cache), written as a site by export_web, and tools/browser-prove.mjs
// proves a drawn digit on it in headless Chromium, --runs times (a fresh browser each). Reports the
// median time from the click on Prove to a downloadable proof.json (browser_prove_s) with the
// median witness and proof parts, and the median time the page takes to load the prover
// (browser_load_s: zokrates-js, the program and the proving key). Each proof is verified.
//
//   browser_bench [--runs 3] [--results bench/results.json]
// Merges its row ("784-56-10", "private-input/browser") into the results.
#include <fmt/format.h>

#include <algorithm>

#include "bench_support.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/json.hpp"
#include "zokml/project/circuit_folder.hpp"
#include "zokml/project/web_export.hpp"

using namespace zokml;

namespace {

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

nlohmann::json run(std::size_t runs) {
    const TempFolder work(std::filesystem::temp_directory_path(), "zokml-browser-bench");
    const Toolchain toolchain;
    const ArtifactStore store(work.path() / "cache");
    CircuitSpec spec;
    spec.name = "mnist-784-56-10";
    spec.model = ZOKML_SOURCE_DIR "/examples/models/mnist-784-56-10.json";
    spec.output = work.path() / "circuit";
    write_generated(spec, generate_circuit(spec));
    const std::size_t constraints = compile_folder(spec.output, toolchain, store).program.constraints;
    setup_folder(spec.output, Scheme::G16, toolchain, store, Backend::Zokrates);
    const WebExport site = export_web(spec.output, work.path() / "site", toolchain, store);
    const Keypair keys = verification_keypair(keys_folder(spec.output) / "verification.key");

    const std::filesystem::path script = Toolchain::bundled().parent_path() / "browser-prove.mjs";
    const std::filesystem::path proof_file = work.path() / "proof.json";
    std::vector<double> prove, witness, proof, load;
    for (std::size_t k = 0; k < runs; ++k) {
        const nlohmann::json page = bench::run_row(
            fmt::format("node '{}' --site '{}' --proof '{}'", script.string(), site.site.string(), proof_file.string()));
        if (!toolchain.verify(keys, Proof::from_json(read_json_file(proof_file)), work.path()))
            throw std::runtime_error("the browser's proof did not verify");
        prove.push_back(page.at("prove_s").get<double>());
        witness.push_back(page.at("witness_s").get<double>());
        proof.push_back(page.at("proof_s").get<double>());
        load.push_back(page.at("load_s").get<double>());
        fmt::print(stderr, "run {}: prove {:.2f} s (witness {:.2f} s, proof {:.2f} s), load {:.2f} s\n", k + 1, prove.back(),
                   witness.back(), proof.back(), load.back());
    }
    return {{"model", "784-56-10"},
            {"variant", "private-input/browser"},
            {"constraints", constraints},
            {"browser_prove_s", median(prove)},
            {"browser_witness_s", median(witness)},
            {"browser_proof_s", median(proof)},
            {"browser_load_s", median(load)},
            {"runs", runs},
            {"site_mb", static_cast<double>(site.bytes) / 1e6},
            {"browser", "headless Chromium (Debian), zokrates-js in a Web Worker"}};
}

}  // namespace

int main(int argc, char** argv) {
    return examples::guarded_main([&] {
        std::size_t runs = 3;
        std::filesystem::path results = ZOKML_SOURCE_DIR "/bench/results.json";
        examples::parse_flags(argc, argv, "usage: browser_bench [--runs 3] [--results FILE]",
                              {{"--runs", [&](const std::string& v) { runs = examples::count(v); }},
                               {"--results", [&](const std::string& v) { results = v; }}});
        const nlohmann::json row = run(std::max<std::size_t>(runs, 1));
        fmt::print("{}\n", row.dump(2));
        bench::merge_results(results, {row});
        fmt::print("row written to {}\n", results.string());
        return 0;
    });
}
