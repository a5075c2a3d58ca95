// Benchmark of the committed private-model circuits on MNIST MLPs: the private model proving
// its accuracy on 100 public held-out digits, and the both-private circuit (private input and
// committed private model). One row per variant and model, each in a fresh process.
//
//   private_model_bench [--rows private-model:16,private-model:56,both-private:16] [--digits 100]
//                       [--results bench/results.json]
#include <fmt/format.h>

#include <sstream>

#include "bench_support.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/project/provers.hpp"
#include "zokml/circuit/private_model.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/quantize/reference.hpp"

using namespace zokml;

namespace {

nlohmann::json run_one(const std::string& variant, const std::string& hidden, std::size_t digit_count) {
    const auto file = fmt::format("{}/examples/models/mnist-784-{}-10.json", ZOKML_SOURCE_DIR, hidden);
    const Model float_model = load_model(file);
    const QuantizedModel model = quantize(float_model, {8, 8});  // 8-bit weights: see docs/commitment.md
    const auto& held_out = held_out_digits();
    const Fidelity fidelity = measure_fidelity(float_model, model, held_out);
    const FieldElement commitment = commit_model(model);
    const auto work = std::filesystem::temp_directory_path() / fmt::format("zokml-bench-{}", ::getpid());
    const Toolchain toolchain;

    std::vector<Value> arguments;
    Circuit circuit;
    if (variant == "private-model") {
        const LabeledBatch batch = labeled_batch(model, spread_digits(held_out, digit_count));
        circuit = generate_private_model_circuit(model, batch);
        arguments = private_model_arguments(model, commitment, static_cast<std::int64_t>(count_correct(model, batch)));
    } else if (variant == "both-private") {
        circuit = generate_both_private_circuit(model);
        arguments = both_private_arguments(model, digit_input(model, held_out.front()), commitment);
    } else {
        throw std::invalid_argument("unknown variant " + variant);
    }
    CircuitProver prover(toolchain, std::move(circuit), work);
    const Proof proof = prover.prove(arguments);
    if (!prover.verify(proof)) throw std::runtime_error("the proof did not verify");
    nlohmann::json row = bench::row_of(fmt::format("784-{}-10", hidden), variant, prover.program(), prover.times(), fidelity);
    if (variant == "private-model") row["images"] = digit_count;
    std::filesystem::remove_all(work);
    return row;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        std::string rows_spec = "private-model:16,private-model:56,both-private:16,both-private:56";
        std::size_t digits = 100;
        std::filesystem::path results = ZOKML_SOURCE_DIR "/bench/results.json";
        for (int i = 1; i + 1 < argc; i += 2) {
            const std::string flag = argv[i];
            if (flag == "--row" && i + 2 < argc) {
                fmt::print("{}\n", run_one(argv[i + 1], argv[i + 2], std::stoul(argc > i + 3 ? argv[i + 3] : "100")).dump());
                return 0;
            }
            if (flag == "--rows") rows_spec = argv[i + 1];
            else if (flag == "--digits") digits = std::stoul(argv[i + 1]);
            else if (flag == "--results") results = argv[i + 1];
            else throw std::invalid_argument("unknown option " + flag);
        }
        std::vector<nlohmann::json> rows;
        std::stringstream specs(rows_spec);
        for (std::string spec; std::getline(specs, spec, ',');) {
            const auto colon = spec.find(':');
            const std::string variant = spec.substr(0, colon), hidden = spec.substr(colon + 1);
            fmt::print(stderr, "running {} 784-{}-10 ...\n", variant, hidden);
            try {
                rows.push_back(bench::run_row(fmt::format("'{}' --row {} {} {}", argv[0], variant, hidden, digits)));
            } catch (const std::exception& e) {
                fmt::print(stderr, "{} 784-{}-10 failed: {}\n", variant, hidden, e.what());
            }
        }
        bench::print_table(rows);
        bench::merge_results(results, rows);
        fmt::print("rows written to {}\n", results.string());
        return 0;
    } catch (const std::exception& e) {
        fmt::print(stderr, "error: {}\n", e.what());
        return 1;
    }
}
