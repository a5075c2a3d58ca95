// Benchmark of the private-input proof for 784-H-10 MNIST MLPs: one row per model with the
// constraint count, each step's seconds, peak memory and held-out accuracies.
//
//   private_input_bench [--hidden 16,56,128] [--results bench/results.json]
// Each row runs in a fresh process (`--row MODEL_FILE`) so that its peak memory is its own.
#include <fmt/format.h>

#include <sstream>

#include "bench_support.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/project/provers.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/quantize/reference.hpp"

using namespace zokml;

namespace {

nlohmann::json run_one(const std::filesystem::path& model_file) {
    const Model model = load_model(model_file);
    const QuantizedModel quantized = quantize(model);
    const auto& held_out = held_out_digits();
    const Fidelity fidelity = measure_fidelity(model, quantized, held_out);

    std::string label = model_file.stem().string();  // mnist-784-56-10 -> 784-56-10
    if (label.starts_with("mnist-")) label = label.substr(6);
    return bench::private_input_row(label, quantized, fidelity, digit_input(quantized, held_out.front()));
}

}  // namespace

int main(int argc, char** argv) {
    try {
        std::string hidden = "16,56,128";
        std::filesystem::path results = ZOKML_SOURCE_DIR "/bench/results.json";
        for (int i = 1; i + 1 < argc; i += 2) {
            const std::string flag = argv[i];
            if (flag == "--row") {
                fmt::print("{}\n", run_one(argv[i + 1]).dump());
                return 0;
            }
            if (flag == "--hidden") hidden = argv[i + 1];
            else if (flag == "--results") results = argv[i + 1];
            else throw std::invalid_argument("unknown option " + flag);
        }
        std::vector<nlohmann::json> rows;
        std::stringstream sizes(hidden);
        for (std::string h; std::getline(sizes, h, ',');) {
            const auto model = fmt::format("{}/examples/models/mnist-784-{}-10.json", ZOKML_SOURCE_DIR, h);
            fmt::print(stderr, "running 784-{}-10 ...\n", h);
            rows.push_back(bench::run_row(fmt::format("'{}' --row '{}'", argv[0], model)));
        }
        bench::report(rows, results);
        return 0;
    } catch (const std::exception& e) {
        fmt::print(stderr, "error: {}\n", e.what());
        return 1;
    }
}
