// A data owner proves what a public MNIST model says about their private digit, end to end:
// quantize the model, generate the circuit, compile, set up, prove, verify.
//
//   mnist_private_input [--model FILE] [--digit N] [--claim CLASS] [--work DIR] [--scheme g16|gm17]
#include <fmt/format.h>

#include <cstring>
#include <string>

#include "example_main.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/model/model.hpp"
#include "zokml/project/provers.hpp"
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
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            fmt::print("usage: mnist_private_input [--model FILE] [--digit N] [--claim CLASS] [--work DIR] [--scheme g16|gm17]\n");
            std::exit(0);
        }
        if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
        const std::string value = argv[++i];
        if (flag == "--model") a.model = value;
        else if (flag == "--digit") a.digit = std::stoul(value);
        else if (flag == "--claim") a.claim = std::stoi(value);
        else if (flag == "--work") a.work = value;
        else if (flag == "--scheme") a.scheme = scheme_from_string(value);
        else throw std::invalid_argument("unknown option " + flag);
    }
    return a;
}

int run(const Arguments& args) {
    const Model model = load_model(args.model);
    const QuantizedModel quantized = quantize(model);
    const auto& held_out = held_out_digits();
    const Fidelity fidelity = measure_fidelity(model, quantized, held_out);
    fmt::print("model {} ({} parameters), fingerprint {}\n", model.name, model.parameter_count(), quantized.fingerprint());
    fmt::print("held-out accuracy on {} digits: float {:.2f}%, quantized {:.2f}%, agreement {:.2f}%\n", fidelity.digits,
               100 * fidelity.float_accuracy, 100 * fidelity.quantized_accuracy, 100 * fidelity.agreement);

    if (args.digit >= held_out.size()) throw std::invalid_argument("--digit must be below " + std::to_string(held_out.size()));
    const Digit& digit = held_out[args.digit];
    const auto input = digit_input(quantized, digit);
    const int expected = run_reference(quantized, input).predicted_class;
    fmt::print("private input: held-out digit {} (label {}), reference prediction {}\n", args.digit, digit.label, expected);

    const Toolchain toolchain;
    fmt::print("toolchain: {} ({})\n", toolchain.executable().string(), toolchain.version());
    PrivateInputOptions options;
    options.claimed_class = args.claim.has_value();
    PrivateInputProver prover(toolchain, quantized, args.work, options, args.scheme);
    fmt::print("generate  {:7.2f} s  ({} modules)\n", prover.times().generate_s, prover.circuit().files.size());
    fmt::print("compile   {:7.2f} s  ({} constraints)\n", prover.times().compile_s, prover.program().constraints);
    fmt::print("setup     {:7.2f} s  ({})\n", prover.times().setup_s, to_string(args.scheme));
    const PrivateInputProof proof = prover.prove(input, args.claim);
    fmt::print("witness   {:7.2f} s\n", prover.times().witness_s);
    fmt::print("prove     {:7.2f} s\n", prover.times().prove_s);
    const bool verified = prover.verify(proof.proof);
    fmt::print("verify    {:7.2f} s  ({})\n", prover.times().verify_s, verified ? "PASSED" : "FAILED");
    fmt::print("public output: class {} (label {}); proof in {}/proof/proof.json\n", proof.output.predicted_class, digit.label,
               args.work);
    if (!verified || proof.output.predicted_class != expected) {
        fmt::print(stderr, "error: the proof {}\n", verified ? "disagrees with the reference" : "did not verify");
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return examples::guarded_main([&] { return run(parse(argc, argv)); });
}
