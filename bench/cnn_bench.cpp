// Benchmark of the private-input proof for the shipped ONNX CNNs: one row per model with the
// constraint count, each step's seconds, peak memory and held-out accuracies.
//
//   cnn_bench [--models cnn-small,cnn] [--activation-bits 16] [--results bench/results.json]
// Each row runs in a fresh process (`--row MODEL_FILE`) so that its peak memory is its own.
#include <fmt/format.h>

#include <map>
#include <sstream>

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
    try {
        std::string models = "cnn-small,cnn";
        unsigned activation_bits = 16;
        std::filesystem::path results = ZOKML_SOURCE_DIR "/bench/results.json";
        for (int i = 1; i + 1 < argc; i += 2) {
            const std::string flag = argv[i];
            if (flag == "--row") {
                if (i + 3 >= argc) throw std::invalid_argument("--row takes MODEL_FILE LABEL BITS");
                fmt::print("{}\n", run_one(argv[i + 1], argv[i + 2], std::stoul(argv[i + 3])).dump());
                return 0;
            }
            if (flag == "--models") models = argv[i + 1];
            else if (flag == "--activation-bits") activation_bits = std::stoul(argv[i + 1]);
            else if (flag == "--results") results = argv[i + 1];
            else throw std::invalid_argument("unknown option " + flag);
        }
        std::vector<nlohmann::json> rows;
        std::stringstream names(models);
        for (std::string name; std::getline(names, name, ',');) {
            const auto label = kLabels.find(name);
            if (label == kLabels.end()) throw std::invalid_argument("unknown model " + name + " (cnn-small, cnn)");
            const auto file = fmt::format("{}/examples/models/mnist-{}.onnx", ZOKML_SOURCE_DIR, name);
            fmt::print(stderr, "running {} ...\n", label->second);
            rows.push_back(bench::run_row(fmt::format("'{}' --row '{}' '{}' {}", argv[0], file, label->second, activation_bits)));
        }
        bench::report(rows, results);
        return 0;
    } catch (const std::exception& e) {
        fmt::print(stderr, "error: {}\n", e.what());
        return 1;
    }
}
