// Benchmark of the private-input proof for the shipped ONNX CNNs: one row per model with the
// constraint count, each step's seconds, peak memory and held-out accuracies.
//
//   cnn_bench [--rows cnn-small,cnn,cnn-99] [--activation-bits 16] [--results bench/results.json]
// Each row runs in a fresh process, so that its peak memory is its own.
#include <fmt/format.h>

#include <map>

#include "bench_support.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/model/onnx.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/quantize/reference.hpp"

using namespace zokml;

namespace {

// The shipped models (examples/models/mnist-{name}.onnx) and their rows' labels.
const std::map<std::string, std::string> kLabels = {
    {"cnn-small", "cnn-5x5x4s2-10"},     // conv 5x5x4 stride 2, ReLU, dense 576 -> 10
    {"cnn", "cnn-lenet-6-12-32"},        // conv 5x5x6 + avgpool, ReLU, conv 5x5x12 + avgpool, ReLU, dense 32, dense 10
    {"cnn-99", "cnn-99"},                // conv 5x5x6 + avgpool, ReLU, conv 5x5x16 + avgpool, ReLU, dense 64, dense 10
};

nlohmann::json run_one(const std::filesystem::path& model_file, const std::string& label, unsigned activation_bits) {
    const Model model = load_onnx(model_file);
    const QuantizedModel quantized = quantize(model, {8, 10, activation_bits});
    const auto& held_out = held_out_digits();
    const Fidelity fidelity = measure_fidelity(model, quantized, held_out);

    return bench::private_input_row(label, quantized, fidelity, digit_input(quantized, held_out.front()));
}

}  // namespace

int main(int argc, char** argv) {
    unsigned activation_bits = 16;
    return bench::benchmark_main(
        argc, argv, "usage: cnn_bench [--rows cnn-small,cnn,cnn-99] [--activation-bits 16] [--results bench/results.json]",
        "cnn-small,cnn,cnn-99",
        {{"--activation-bits", [&](const std::string& v) { activation_bits = static_cast<unsigned>(examples::count(v)); }}},
        [&](const std::string& name) {
            const auto label = kLabels.find(name);
            if (label == kLabels.end()) throw std::invalid_argument("unknown model " + name + " (cnn-small, cnn, cnn-99)");
            return run_one(fmt::format("{}/examples/models/mnist-{}.onnx", ZOKML_SOURCE_DIR, name), label->second,
                           activation_bits);
        });
}
