// Benchmark of the private-input proof for 784-H-10 MNIST MLPs: one row per model with the
// constraint count, each step's seconds, peak memory and held-out accuracies.
//
//   private_input_bench [--rows 16,56,128] [--results bench/results.json]
// A row H is the shipped 784-H-10 model; each row runs in a fresh process.
#include <fmt/format.h>


#include "bench_support.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/quantize/reference.hpp"

using namespace zokml;

namespace {

// Row "H": the shipped 784-H-10 model.
nlohmann::json run_one(const std::string& hidden) {
    const Model model = load_model(fmt::format("{}/examples/models/mnist-784-{}-10.json", ZOKML_SOURCE_DIR, hidden));
    const QuantizedModel quantized = quantize(model);
    const auto& held_out = held_out_digits();
    const Fidelity fidelity = measure_fidelity(model, quantized, held_out);
    return bench::private_input_row(fmt::format("784-{}-10", hidden), quantized, fidelity, digit_input(quantized, held_out.front()));
}

}  // namespace

int main(int argc, char** argv) {
    return bench::benchmark_main(argc, argv, "usage: private_input_bench [--rows 16,56,128] [--results bench/results.json]",
                                 "16,56,128", {}, run_one);
}
