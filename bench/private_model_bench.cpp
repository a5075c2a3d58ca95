// Benchmark of the committed private-model circuits on MNIST MLPs: the private model proving
// its accuracy on 100 public held-out digits, and the both-private circuit (private input and
// committed private model). One row per variant and model, each in a fresh process.
//
//   private_model_bench [--rows private-model:16,private-model:56,both-private:16] [--digits 100]
//                       [--results bench/results.json]
#include <fmt/format.h>


#include "bench_support.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/project/model_prover.hpp"
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
    const std::string label = fmt::format("784-{}-10", hidden);
    const auto work = std::filesystem::temp_directory_path() / fmt::format("zokml-bench-{}", ::getpid());
    const Toolchain toolchain;

    CircuitSettings settings;
    settings.variant = variant_from_string(variant);
    ProvenModel proven{model, random_salt()};
    ProofInputs inputs;  // private-model: the threshold is the model's correct count
    if (settings.variant == Variant::PrivateModel) proven.batch = labeled_batch(model, spread_digits(held_out, digit_count));
    else if (settings.variant == Variant::BothPrivate) inputs.input = digit_input(model, held_out.front());
    else throw std::invalid_argument("unknown variant " + variant);
    ModelProver prover(toolchain, settings, std::move(proven), work);
    const ModelProof proof = prover.prove(inputs);
    if (!prover.verify(proof.proof)) throw std::runtime_error("the proof did not verify");
    nlohmann::json row = bench::row_of(label, variant, prover.circuit_prover().program(), prover.circuit_prover().times(), fidelity);
    if (settings.variant == Variant::PrivateModel) row["images"] = digit_count;
    std::filesystem::remove_all(work);
    return row;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t digits = 100;
    return bench::benchmark_main(
        argc, argv, "usage: private_model_bench [--rows private-model:16,both-private:16] [--digits 100] [--results bench/results.json]",
        "private-model:16,private-model:56,both-private:16,both-private:56",
        {{"--digits", [&](const std::string& v) { digits = examples::count(v); }}}, [&](const std::string& row) {
            const auto colon = row.find(':');
            if (colon == std::string::npos) throw std::invalid_argument("a row is VARIANT:HIDDEN, not " + row);
            return run_one(row.substr(0, colon), row.substr(colon + 1), digits);
        });
}
