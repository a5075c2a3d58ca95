#include "zokml/project/provers.hpp"


#include "zokml/core/files.hpp"
#include "zokml/core/timing.hpp"
#include "zokml/crypto/commitment.hpp"

namespace zokml {
CircuitProver::CircuitProver(const Toolchain& toolchain, Circuit circuit, const std::filesystem::path& work_dir,
                             Scheme scheme, double generate_s)
    : toolchain_(toolchain), circuit_(std::move(circuit)), work_dir_(work_dir) {
    make_private_dir(work_dir_);
    times_.generate_s = generate_s;
    circuit_.write(work_dir_ / "circuit");
    program_ = timed(times_.compile_s,
                     [&] { return toolchain_.compile(work_dir_ / "circuit" / circuit_.main_file, work_dir_ / "build"); });
    keypair_ = timed(times_.setup_s, [&] { return toolchain_.setup(program_, scheme, work_dir_ / "keys"); });
}

CircuitProver::CircuitProver(const Toolchain& toolchain, Circuit circuit, const ArtifactStore& store,
                             const std::filesystem::path& work_dir, Scheme scheme, double generate_s)
    : toolchain_(toolchain), circuit_(std::move(circuit)), work_dir_(work_dir) {
    make_private_dir(work_dir_);
    times_.generate_s = generate_s;
    circuit_.write(work_dir_ / "circuit");
    const auto compiled = timed(times_.compile_s, [&] { return store.compile(toolchain_, circuit_); });
    const auto keys = timed(times_.setup_s, [&] { return store.setup(toolchain_, compiled.program, scheme); });
    program_ = compiled.program;
    keypair_ = keys.keypair;
    cache_ = CacheOutcomes{compiled.outcome, keys.outcome};
}

Witness CircuitProver::evaluate(const std::vector<Value>& arguments) const {
    return timed(times_.witness_s, [&] { return toolchain_.compute_witness(program_, arguments, work_dir_ / "evaluate"); });
}

Proof CircuitProver::prove(const std::vector<Value>& arguments) {
    const auto dir = work_dir_ / "proof";
    const Witness witness = timed(times_.witness_s, [&] { return toolchain_.compute_witness(program_, arguments, dir); });
    return timed(times_.prove_s, [&] { return toolchain_.generate_proof(program_, witness, keypair_, dir); });
}

bool CircuitProver::verify(const Proof& proof) const {
    return timed(times_.verify_s, [&] { return toolchain_.verify(keypair_, proof, work_dir_ / "verify"); });
}

namespace {

Circuit generate_timed(const QuantizedModel& model, const PrivateInputOptions& options, double& seconds) {
    return timed(seconds, [&] { return generate_private_input_circuit(model, options); });
}

}  // namespace

PrivateInputProver::PrivateInputProver(const Toolchain& toolchain, QuantizedModel model,
                                       const std::filesystem::path& work_dir, PrivateInputOptions options, Scheme scheme)
    : model_(std::move(model)), options_(options), prover_([&] {
          double generate_s = 0;
          Circuit circuit = generate_timed(model_, options_, generate_s);
          return CircuitProver(toolchain, std::move(circuit), work_dir, scheme, generate_s);
      }()) {}

std::vector<Value> PrivateInputProver::arguments(const std::vector<std::int64_t>& input,
                                                std::optional<int> claimed_class) const {
    std::optional<FieldElement> input_hash;
    if (options_.hash_input) input_hash = hash_input(model_, input);
    return private_input_arguments(options_, input, claimed_class, input_hash);
}

PrivateInputOutput PrivateInputProver::evaluate(const std::vector<std::int64_t>& input,
                                                std::optional<int> claimed_class) const {
    return decode_private_input_output(options_, prover_.evaluate(arguments(input, claimed_class)).output);
}

PrivateInputProof PrivateInputProver::prove(const std::vector<std::int64_t>& input, std::optional<int> claimed_class) {
    PrivateInputProof result;
    result.proof = prover_.prove(arguments(input, claimed_class));
    result.output = decode_private_input_output(options_, result.proof);
    return result;
}

}  // namespace zokml
