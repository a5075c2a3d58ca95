// A data owner proves what a public MNIST model says about their private digit, end to end:
// quantize the model, generate the circuit, compile, set up, prove, verify.
//
//   mnist_private_input [--model FILE] [--digit N] [--claim CLASS] [--work DIR] [--scheme g16|gm17]
#include <fmt/format.h>

#include <string>

#include "example_main.hpp"
#include "zokml/core/files.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/model/model.hpp"
#include "zokml/project/model_prover.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/quantize/reference.hpp"

using namespace zokml;

namespace {

struct Arguments {
    std::string model = ZOKML_SOURCE_DIR "/examples/models/mnist-784-56-10.json";
    std::size_t digit = 0;  // position in the held-out digits
    std::optional<int> claim;
    std::string work = "work/mnist-private-input";
    Scheme scheme = Scheme::G16;
};

Arguments parse(int argc, char** argv) {
    Arguments a;
    examples::parse_flags(argc, argv,
                          "usage: mnist_private_input [--model FILE] [--digit N] [--claim CLASS] [--work DIR] [--scheme g16|gm17]",
                          {{"--model", [&](const std::string& v) { a.model = v; }},
                           {"--digit", [&](const std::string& v) { a.digit = examples::count(v); }},
                           {"--claim", [&](const std::string& v) { a.claim = static_cast<int>(examples::count(v)); }},
                           {"--work", [&](const std::string& v) { a.work = v; }},
                           {"--scheme", [&](const std::string& v) { a.scheme = scheme_from_string(v); }}});
    return a;
}

int run(const Arguments& args) {
    const Model model = load_model(args.model);
    const QuantizedModel quantized = quantize(model);
    const auto& held_out = held_out_digits();
    const Fidelity fidelity = measure_fidelity(model, quantized, held_out);
    fmt::print("model {} ({} parameters), fingerprint {}\n", model.name, model.parameter_count(), quantized.fingerprint());
    fmt::print("held-out accuracy on {} digits: float {:.2f}%, quantized {:.2f}%, agreement {:.2f}%\n", fidelity.inputs,
               100 * fidelity.float_accuracy, 100 * fidelity.quantized_accuracy, 100 * fidelity.agreement);

    if (args.digit >= held_out.size()) throw std::invalid_argument("--digit must be below " + std::to_string(held_out.size()));
    const Digit& digit = held_out[args.digit];
    const auto input = digit_input(quantized, digit);
    const int expected = run_reference(quantized, input).predicted_class;
    fmt::print("private input: held-out digit {} (label {}), reference prediction {}\n", args.digit, digit.label, expected);

    const Toolchain toolchain;
    fmt::print("toolchain: {} ({})\n", toolchain.executable().string(), toolchain.version());
    CircuitSettings settings;  // private-input: private digit, public class
    settings.private_input.claimed_class = args.claim.has_value();
    ModelProver prover(toolchain, settings, {quantized}, args.work, args.scheme);
    const CircuitProver& steps = prover.circuit_prover();
    examples::print_step("generate", steps.times().generate_s, fmt::format("{} modules", steps.circuit().files.size()));
    examples::print_step("compile", steps.times().compile_s, fmt::format("{} constraints", steps.program().constraints));
    examples::print_step("setup", steps.times().setup_s, fmt::format("{}, {}", to_string(args.scheme), to_string(steps.keypair().backend)));
    const ModelProof proof = prover.prove({.input = input, .claimed_class = args.claim});
    examples::print_step("witness", steps.times().witness_s);
    examples::print_step("prove", steps.times().prove_s);
    const bool verified = prover.verify(proof.proof);
    examples::print_step("verify", steps.times().verify_s, verified ? "PASSED" : "FAILED");
    const std::filesystem::path proof_file = std::filesystem::path(args.work) / "proof.json";
    write_file_atomically(proof_file, proof.proof.to_json().dump(2) + "\n");
    fmt::print("public output: class {} (label {}); proof in {}\n", std::get<PrivateInputPublic>(proof.public_output).predicted_class, digit.label,
               proof_file.string());
    return verified ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    return examples::guarded_main([&] { return run(parse(argc, argv)); });
}
