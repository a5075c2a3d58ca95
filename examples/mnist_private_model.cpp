// A model owner keeps the weights private, publishes a commitment to them, and proves that the
// committed model classifies a public batch of held-out MNIST digits with at least a threshold
// accuracy.
//
//   mnist_private_model [--model FILE] [--digits N] [--threshold PERCENT] [--work DIR]
#include <fmt/format.h>

#include <cmath>
#include <string>

#include "example_main.hpp"
#include "zokml/project/provers.hpp"
#include "zokml/circuit/private_model.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/quantize/reference.hpp"

using namespace zokml;

namespace {

struct Arguments {
    std::string model = ZOKML_SOURCE_DIR "/examples/models/mnist-784-20-10.json";
    std::size_t digits = 100;
    double threshold_percent = 90;
    std::string work = "work/mnist-private-model";
};

Arguments parse(int argc, char** argv) {
    Arguments a;
    examples::parse_flags(argc, argv, "usage: mnist_private_model [--model FILE] [--digits N] [--threshold PERCENT] [--work DIR]",
                          {{"--model", [&](const std::string& v) { a.model = v; }},
                           {"--digits", [&](const std::string& v) { a.digits = examples::count(v); }},
                           {"--threshold", [&](const std::string& v) { a.threshold_percent = std::stod(v); }},
                           {"--work", [&](const std::string& v) { a.work = v; }}});
    return a;
}

int run(const Arguments& args) {
    // 8-bit weights: no accuracy lost on the shipped models, and fewer constraints per weight.
    const QuantizedModel model = quantize(load_model(args.model), {8, 8});
    const LabeledBatch batch = labeled_batch(model, spread_digits(held_out_digits(), args.digits));
    const auto threshold = static_cast<std::int64_t>(std::ceil(args.threshold_percent / 100.0 * static_cast<double>(args.digits)));
    const Toolchain toolchain;
    PrivateModelProver prover(toolchain, model, batch, args.work);
    fmt::print("model {}: published commitment {}\n", model.name, prover.commitment().to_decimal());
    fmt::print("public batch: {} held-out digits, SHA-256 {}\n", args.digits, batch.fingerprint());
    fmt::print("reference: {} of {} correct ({:.1f}%), threshold {} ({}%)\n", prover.correct(), args.digits,
               100.0 * static_cast<double>(prover.correct()) / static_cast<double>(args.digits), threshold,
               args.threshold_percent);
    const CircuitProver& steps = prover.circuit_prover();
    examples::print_step("compile", steps.times().compile_s, fmt::format("{} constraints", steps.program().constraints));
    examples::print_step("setup", steps.times().setup_s);
    const PrivateModelProof proof = prover.prove(threshold);  // InputError when the model falls short: no proof exists
    examples::print_step("witness", steps.times().witness_s);
    examples::print_step("prove", steps.times().prove_s);
    const bool verified = prover.verify(proof.proof);
    examples::print_step("verify", steps.times().verify_s, verified ? "PASSED" : "FAILED");
    fmt::print("public: commitment, threshold {}, correct {}\n", proof.public_output.threshold, proof.public_output.correct);
    return verified ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    return examples::guarded_main([&] { return run(parse(argc, argv)); });
}
