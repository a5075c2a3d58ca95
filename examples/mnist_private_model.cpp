// A model owner keeps the weights private, publishes a commitment to them, and proves that the
// committed model classifies a public batch of held-out MNIST digits with at least a threshold
// accuracy.
//
//   mnist_private_model [--model FILE] [--digits N] [--threshold PERCENT] [--work DIR]
#include <fmt/format.h>

#include <cmath>
#include <string>

#include "example_main.hpp"
#include "zokml/crypto/commitment.hpp"
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
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            fmt::print("usage: mnist_private_model [--model FILE] [--digits N] [--threshold PERCENT] [--work DIR]\n");
            std::exit(0);
        }
        if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
        const std::string value = argv[++i];
        if (flag == "--model") a.model = value;
        else if (flag == "--digits") a.digits = std::stoul(value);
        else if (flag == "--threshold") a.threshold_percent = std::stod(value);
        else if (flag == "--work") a.work = value;
        else throw std::invalid_argument("unknown option " + flag);
    }
    return a;
}

int run(const Arguments& args) {
    // 8-bit weights: no accuracy lost on the shipped models, and fewer constraints per weight.
    const QuantizedModel model = quantize(load_model(args.model), {8, 8});
    const LabeledBatch batch = labeled_batch(model, spread_digits(held_out_digits(), args.digits));
    const FieldElement commitment = commit_model(model);
    const std::size_t correct = count_correct(model, batch);
    const auto threshold = static_cast<std::int64_t>(std::ceil(args.threshold_percent / 100.0 * static_cast<double>(args.digits)));
    fmt::print("model {}: published commitment {}\n", model.name, commitment.to_decimal());
    fmt::print("public batch: {} held-out digits, SHA-256 {}\n", args.digits, batch.fingerprint());
    fmt::print("reference: {} of {} correct ({:.1f}%), threshold {} ({}%)\n", correct, args.digits,
               100.0 * static_cast<double>(correct) / static_cast<double>(args.digits), threshold, args.threshold_percent);

    if (correct < static_cast<std::size_t>(threshold))
        fmt::print("below the threshold: the witness will fail, no proof of a false claim exists\n");
    const Toolchain toolchain;
    CircuitProver prover(toolchain, generate_private_model_circuit(model, batch), args.work);
    fmt::print("compile   {:7.2f} s  ({} constraints)\n", prover.times().compile_s, prover.program().constraints);
    fmt::print("setup     {:7.2f} s\n", prover.times().setup_s);
    const Proof proof = prover.prove(private_model_arguments(model, commitment, threshold));
    fmt::print("witness   {:7.2f} s\n", prover.times().witness_s);
    fmt::print("prove     {:7.2f} s\n", prover.times().prove_s);
    const bool verified = prover.verify(proof);
    fmt::print("verify    {:7.2f} s  ({})\n", prover.times().verify_s, verified ? "PASSED" : "FAILED");
    fmt::print("public: commitment, threshold {}, correct {}\n", threshold, proof.inputs.at(2).to_decimal());
    return verified ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    return examples::guarded_main([&] { return run(parse(argc, argv)); });
}
