// Benchmark of the private-input proof for models with the layers beyond a plain MLP or a 2-D CNN,
// trained by examples/pytorch/train_layers.py on data Debian's python3-sklearn ships: a
// ResNet-style MLP (a skip connection; breast cancer records) and a 1-D CNN (Conv1d; 8x8 digits
// as signals). Each row proves one held-out record and, beyond the columns of the other
// benchmarks, runs the circuit on every held-out record: `circuit_equals_reference` of
// `held_out` must be all of them, and `agreement` (the float model's class) at least 0.99.
//
//   layers_bench [--rows resnet-mlp,cnn1d] [--models DIR] [--results bench/results.json]
// The models are trained into DIR (default: a folder in the temporary directory) when missing.
#include <fmt/format.h>

#include <map>

#include "bench_support.hpp"
#include "zokml/data/batch.hpp"
#include "zokml/toolchain/prover_session.hpp"
#include "zokml/circuit/private_input.hpp"

using namespace zokml;
namespace fs = std::filesystem;

namespace {

struct RowModel {
    std::string label;
    InputRange range;
};
const std::map<std::string, RowModel> kRows = {
    {"resnet-mlp", {"resnet-mlp-30-16x3-2", {-1, 1}}},  // dense 30 -> 16, ReLU, relu(h + dense(relu(dense(h)))), dense 16 -> 2
    {"cnn1d", {"cnn1d-5x4s2-10", {0, 1}}},               // conv1d 5x4 stride 2, ReLU, maxpool 2, dense 64 -> 10
};

void train_if_missing(const fs::path& models) {
    if (fs::exists(models / "cnn1d-held-out-labels.npy")) return;
    const std::string command = fmt::format("/usr/bin/python3 '{}/examples/pytorch/train_layers.py' --out '{}' >&2",
                                            ZOKML_SOURCE_DIR, models.string());
    if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
}

nlohmann::json run_one(const fs::path& models, const std::string& name, const RowModel& row) {
    const Model model = load_model(models / (name + ".onnx"), row.range);
    const QuantizedModel quantized = quantize(model, {8, 10, 16});
    const FloatBatch held_out =
        read_batch_file(models / (name + "-held-out.npy"), Labels::Required, models / (name + "-held-out-labels.npy"));
    const Fidelity fidelity = measure_fidelity(model, quantized, held_out);

    // The circuit's class on every held-out record, one witness each in one session.
    const Toolchain toolchain;
    const PrivateInputOptions options;
    const fs::path work = fs::temp_directory_path() / fmt::format("zokml-layers-bench-{}", ::getpid());
    const Circuit circuit = generate_private_input_circuit(quantized, options);
    circuit.write(work / "circuit");
    WitnessSession session(toolchain, toolchain.compile(work / "circuit" / circuit.main_file, work / "build"));
    std::size_t equal = 0;
    for (const auto& x : held_out.inputs) {
        const auto input = quantize_input(quantized, x);
        const Value output = session.compute(private_input_arguments(quantized, options, input)).output;
        equal += output.field == FieldElement::from_int(run_reference(quantized, input).predicted_class);
    }
    fs::remove_all(work);
    nlohmann::json out = bench::private_input_row(row.label, quantized, fidelity, quantize_input(quantized, held_out.inputs[0]));
    out["held_out"] = held_out.inputs.size();
    out["circuit_equals_reference"] = equal;
    out["agreement"] = fidelity.agreement;
    fmt::print(stderr, "{}: circuit == reference on {} of {} held-out records, agreement with the float model {:.2f}%\n",
               row.label, equal, held_out.inputs.size(), 100 * fidelity.agreement);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    fs::path models = fs::temp_directory_path() / "zokml-layers-models";
    return bench::benchmark_main(
        argc, argv, "usage: layers_bench [--rows resnet-mlp,cnn1d] [--models DIR] [--results bench/results.json]",
        "resnet-mlp,cnn1d", {{"--models", [&](const std::string& v) { models = v; }}},
        [&](const std::string& name) {
            const auto row = kRows.find(name);
            if (row == kRows.end()) throw std::invalid_argument("unknown model " + name + " (resnet-mlp, cnn1d)");
            train_if_missing(models);
            return run_one(models, name, row->second);
        });
}
