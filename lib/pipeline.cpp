#include "zokml/pipeline.hpp"

#include <chrono>

#include "files.hpp"

namespace zokml {
namespace {

// Runs f and stores its wall-clock seconds in seconds.
template <typename F>
auto timed(double& seconds, F&& f) {
    const auto start = std::chrono::steady_clock::now();
    auto result = f();
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace

PrivateInputProver::PrivateInputProver(const Toolchain& toolchain, QuantizedModel model,
                                       const std::filesystem::path& work_dir, PrivateInputOptions options, Scheme scheme)
    : toolchain_(toolchain), model_(std::move(model)), work_dir_(work_dir), options_(options) {
    detail::make_private_dir(work_dir_);
    circuit_ = timed(times_.generate_s, [&] {
        Circuit c = generate_private_input_circuit(model_, options_);
        c.write(work_dir_ / "circuit");
        return c;
    });
    program_ = timed(times_.compile_s,
                     [&] { return toolchain_.compile(work_dir_ / "circuit" / circuit_.main_file, work_dir_ / "build"); });
    keypair_ = timed(times_.setup_s, [&] { return toolchain_.setup(program_, scheme, work_dir_ / "keys"); });
}

PrivateInputOutput PrivateInputProver::evaluate(const std::vector<std::int64_t>& input,
                                                std::optional<int> claimed_class) const {
    const Witness witness = timed(times_.witness_s, [&] {
        return toolchain_.compute_witness(program_, private_input_arguments(options_, input, claimed_class),
                                          work_dir_ / "evaluate");
    });
    return decode_private_input_output(options_, witness.output);
}

PrivateInputProof PrivateInputProver::prove(const std::vector<std::int64_t>& input, std::optional<int> claimed_class) {
    const auto dir = work_dir_ / "proof";
    const Witness witness = timed(times_.witness_s, [&] {
        return toolchain_.compute_witness(program_, private_input_arguments(options_, input, claimed_class), dir);
    });
    PrivateInputProof result;
    result.proof = timed(times_.prove_s, [&] { return toolchain_.generate_proof(program_, witness, keypair_, dir); });
    result.output = decode_private_input_output(options_, result.proof);
    return result;
}

bool PrivateInputProver::verify(const Proof& proof) const {
    return timed(times_.verify_s, [&] { return toolchain_.verify(keypair_, proof, work_dir_ / "verify"); });
}

}  // namespace zokml
