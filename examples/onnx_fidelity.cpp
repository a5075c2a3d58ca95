// How faithful the circuit is to an ONNX model: float vs quantized vs circuit agreement on the
// held-out digits, each layer's largest error (float vs integer / scale) and the chosen widths.
//
//   onnx_fidelity [--model FILE.onnx|FILE.json] [--activation-bits N] [--weight-bits N]
//                 [--circuit-digits N] [--work DIR]
// The circuit is compiled (no setup) and run through compute-witness on the first
// --circuit-digits held-out digits (default 10; 0 skips the toolchain).
#include <fmt/format.h>

#include <chrono>
#include <string>

#include "example_main.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/model/onnx.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/toolchain/public_values.hpp"
#include "zokml/toolchain/toolchain.hpp"

using namespace zokml;

namespace {

struct Arguments {
    std::string model = ZOKML_SOURCE_DIR "/examples/models/mnist-cnn.onnx";
    QuantizationOptions quantization{8, 10, 16};
    std::size_t circuit_digits = 10;
    std::string work = "work/onnx-fidelity";
};

Arguments parse(int argc, char** argv) {
    Arguments a;
    examples::parse_flags(
        argc, argv,
        "usage: onnx_fidelity [--model FILE.onnx|FILE.json] [--activation-bits N] [--weight-bits N] [--circuit-digits N] [--work DIR]",
        {{"--model", [&](const std::string& v) { a.model = v; }},
         {"--activation-bits", [&](const std::string& v) { a.quantization.activation_bits = static_cast<unsigned>(examples::count(v)); }},
         {"--weight-bits", [&](const std::string& v) { a.quantization.weight_bits = static_cast<unsigned>(examples::count(v)); }},
         {"--circuit-digits", [&](const std::string& v) { a.circuit_digits = examples::count(v); }},
         {"--work", [&](const std::string& v) { a.work = v; }}});
    return a;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void print_layers(const FidelityReport& report) {
    fmt::print("{:<6}{:<9}{:>7}{:>8}{:>9}{:>13}{:>12}{:>16}{:>14}\n", "layer", "kind", "shift", "w bits", "rescale",
               "scale", "value bits", "max |error|", "max |float|");
    for (const auto& l : report.layers) {
        const bool weights = l.kind == Layer::Kind::Dense || l.kind == Layer::Kind::Conv2D;
        fmt::print("{:<6}{:<9}{:>7}{:>8}{:>9}{:>13.6g}{:>12}{:>16.6g}{:>14.6g}\n", l.layer, layer_type_name(l.kind),
                   weights ? fmt::format("2^{}", l.weight_shift) : "-", weights ? std::to_string(l.weight_bits) : "-",
                   l.rescale_bits ? fmt::format("2^-{}", l.rescale_bits) : "-", l.scale, l.value_bits, l.max_abs_error,
                   l.max_abs_float);
    }
}

int run(const Arguments& args) {
    const bool onnx = std::filesystem::path(args.model).extension() == ".onnx";
    const Model model = onnx ? load_onnx(args.model) : load_model(args.model);
    const QuantizedModel quantized = quantize(model, args.quantization);
    const auto& held_out = held_out_digits();
    fmt::print("model {} ({} parameters) from {}\n", model.name, model.parameter_count(), args.model);
    fmt::print("quantization: {}-bit inputs, {}-bit weights, {}; fingerprint {}\n", args.quantization.input_bits,
               args.quantization.weight_bits,
               args.quantization.activation_bits
                   ? fmt::format("values before a ReLU rescaled to {} bits", args.quantization.activation_bits)
                   : std::string("no rescaling"),
               quantized.fingerprint());

    CircuitClassifier circuit;
    std::optional<Toolchain> toolchain;
    CompiledProgram program;
    if (args.circuit_digits > 0) {
        const auto start = std::chrono::steady_clock::now();
        const Circuit generated = generate_private_input_circuit(quantized);
        generated.write(std::filesystem::path(args.work) / "circuit");
        toolchain.emplace();
        program = toolchain->compile(std::filesystem::path(args.work) / "circuit" / generated.main_file,
                                     std::filesystem::path(args.work) / "build");
        fmt::print("circuit: {} modules, {} constraints, generated and compiled in {:.1f} s\n", generated.files.size(),
                   program.constraints, seconds_since(start));
        circuit = [&](const std::vector<std::int64_t>& input) {
            const auto arguments = private_input_arguments(quantized, {}, input);
            const Witness witness = toolchain->compute_witness(program, arguments, std::filesystem::path(args.work) / "witness");
            return decode_private_input_public(program.abi, PublicValues::of_witness(program.abi, arguments, witness.output))
                .predicted_class;
        };
    }
    const auto start = std::chrono::steady_clock::now();
    const FidelityReport report = fidelity_report(model, quantized, held_out, circuit, args.circuit_digits);
    fmt::print("\n");
    print_layers(report);
    const Fidelity& f = report.fidelity;
    fmt::print("\nheld-out digits: {}: float {:.2f}%, quantized {:.2f}%, float/quantized agreement {:.2f}%\n", f.inputs,
               100 * f.float_accuracy, 100 * f.quantized_accuracy, 100 * f.agreement);
    if (report.circuit_digits > 0)
        fmt::print("circuit on the first {} digits: {} equal to the integer reference, {} to the float model, {} correct "
                   "({:.1f} s)\n",
                   report.circuit_digits, report.circuit_matches_reference, report.circuit_matches_float,
                   report.circuit_correct, seconds_since(start));
    return report.circuit_matches_reference == report.circuit_digits ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    return examples::guarded_main([&] { return run(parse(argc, argv)); });
}
