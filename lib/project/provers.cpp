#include "zokml/project/provers.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/timing.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/toolchain/public_values.hpp"
#include "zokml/backend/backends.hpp"

namespace zokml {

CircuitProver::CircuitProver(const Toolchain& toolchain, Circuit circuit, const std::filesystem::path& work_dir,
                             Scheme scheme, std::optional<Backend> backend, double generate_s)
    : toolchain_(toolchain), circuit_(std::move(circuit)), work_dir_(work_dir) {
    make_private_dir(work_dir_);
    times_.generate_s = generate_s;
    circuit_.write(work_dir_ / "circuit");
    const auto setup = make_backend(backend.value_or(default_setup_backend(scheme)), toolchain_);
    const bool with_r1cs = setup->kind() != Backend::Zokrates;  // the snarkjs and native setups start from it
    program_ = timed(times_.compile_s,
                     [&] { return toolchain_.compile(work_dir_ / "circuit" / circuit_.main_file, work_dir_ / "build", with_r1cs); });
    keypair_ = timed(times_.setup_s, [&] { return setup->setup(program_, scheme, work_dir_ / "keys"); });
    backend_ = make_backend(proving_backend(keypair_), toolchain_);
}

CircuitProver::CircuitProver(const Toolchain& toolchain, Circuit circuit, const ArtifactStore& store,
                             const std::filesystem::path& work_dir, Scheme scheme, std::optional<Backend> backend, double generate_s)
    : toolchain_(toolchain), circuit_(std::move(circuit)), work_dir_(work_dir) {
    make_private_dir(work_dir_);
    times_.generate_s = generate_s;
    circuit_.write(work_dir_ / "circuit");
    const auto setup = make_backend(backend.value_or(default_setup_backend(scheme)), toolchain_);
    const auto compiled = timed(times_.compile_s, [&] { return store.compile(toolchain_, circuit_); });
    const auto keys = timed(times_.setup_s, [&] { return store.setup(*setup, compiled.program, scheme); });
    program_ = compiled.program;
    keypair_ = keys.keypair;
    cache_ = CacheOutcomes{compiled.outcome, keys.outcome};
    backend_ = make_backend(proving_backend(keypair_), toolchain_);
}

CircuitProver::CircuitProver(const Toolchain& toolchain, CompiledProgram program, Keypair keypair,
                             const std::filesystem::path& work_dir)
    : toolchain_(toolchain), work_dir_(work_dir), program_(std::move(program)), keypair_(std::move(keypair)),
      backend_(make_backend(proving_backend(keypair_), toolchain_)) {
    make_private_dir(work_dir_);
}

CircuitProver::~CircuitProver() = default;
CircuitProver::CircuitProver(CircuitProver&&) noexcept = default;

Witness CircuitProver::evaluate(const std::vector<Value>& arguments) const {
    return timed(times_.witness_s, [&] { return toolchain_.compute_witness(program_, arguments, work_dir_ / "evaluate"); });
}

std::vector<FieldElement> CircuitProver::evaluate_public(const std::vector<Value>& arguments) const {
    return PublicValues::of_witness(program_.abi, arguments, evaluate(arguments).output);
}

void CircuitProver::use_session() {
    session_ = true;
    prover_ = backend_->prover(program_, keypair_, work_dir_, session_);
}

void CircuitProver::prove_with(Backend backend) {
    backend_ = make_backend(backend, toolchain_);
    prover_.reset();
}

Proof CircuitProver::prove(const std::vector<Value>& arguments) {
    if (!prover_) prover_ = backend_->prover(program_, keypair_, work_dir_, session_);
    Prover::Result result = prover_->prove(arguments);
    times_.witness_s = result.witness_s;
    times_.prove_s = result.proof_s;
    return std::move(result.proof);
}

bool CircuitProver::verify(const Proof& proof) const {
    return timed(times_.verify_s, [&] { return backend_->verify(keypair_, proof, work_dir_ / "verify"); });
}

namespace {

// Generates a circuit, then compiles and sets it up in work_dir.
template <typename Generate>
CircuitProver build(const Toolchain& toolchain, const std::filesystem::path& work_dir, Scheme scheme, Generate&& generate) {
    double generate_s = 0;
    Circuit circuit = timed(generate_s, std::forward<Generate>(generate));
    return CircuitProver(toolchain, std::move(circuit), work_dir, scheme, {}, generate_s);
}

// A proof's public output that differs from the reference's prediction is a bug in zokml, not
// in the input: the circuit and the reference must agree bit for bit.
template <typename Public>
void check_agreement(const Public& proven, const Public& predicted, const char* what) {
    if (!(proven == predicted)) throw std::logic_error(fmt::format("the proof's {} differs from the reference's", what));
}

}  // namespace

PrivateInputPublic expected_private_input_public(const QuantizedModel& model, const PrivateInputOptions& options,
                                                 const std::vector<std::int64_t>& input, std::optional<int> claimed_class) {
    const ReferenceTrace trace = run_reference(model, input);  // InputError for a value out of range
    if (claimed_class.has_value() != options.claimed_class)
        throw InputError("", "claimed_class", options.claimed_class ? "this circuit takes a claimed class"
                                                                    : "this circuit takes no claimed class");
    if (claimed_class && *claimed_class != trace.predicted_class)
        throw InputError("", "claimed_class", fmt::format("the model predicts class {} for this input, not {}: no proof exists",
                                                          trace.predicted_class, *claimed_class));
    PrivateInputPublic expected;
    expected.predicted_class = trace.predicted_class;
    expected.claimed_class = claimed_class;
    if (options.hash_input) expected.input_hash = hash_input(model, input);
    if (options.expose_logits) expected.logits = trace.logits;
    return expected;
}

PrivateModelPublic expected_private_model_public(const QuantizedModel& model, const FieldElement& salt, const LabeledBatch& batch,
                                                 std::int64_t threshold) {
    const auto correct = static_cast<std::int64_t>(count_correct(model, batch));
    if (threshold < 0 || threshold > correct)
        throw InputError("", "threshold",
                         fmt::format("the model classifies {} of the {} batch inputs correctly: no proof of at least {} exists",
                                     correct, batch.inputs.size(), threshold));
    return {commit_model(model, salt), threshold, correct};
}

BothPrivatePublic expected_both_private_public(const QuantizedModel& model, const FieldElement& salt,
                                               const std::vector<std::int64_t>& input) {
    return {commit_model(model, salt), run_reference(model, input).predicted_class};
}

PrivateInputProver::PrivateInputProver(const Toolchain& toolchain, QuantizedModel model,
                                       const std::filesystem::path& work_dir, PrivateInputOptions options, Scheme scheme)
    : model_(std::move(model)), options_(options),
      prover_(build(toolchain, work_dir, scheme, [&] { return generate_private_input_circuit(model_, options_); })) {}

PrivateInputProver::PrivateInputProver(QuantizedModel model, PrivateInputOptions options, CircuitProver prover)
    : model_(std::move(model)), options_(options), prover_(std::move(prover)) {}

std::vector<Value> PrivateInputProver::arguments(const std::vector<std::int64_t>& input,
                                                std::optional<int> claimed_class) const {
    std::optional<FieldElement> input_hash;
    if (options_.hash_input) input_hash = hash_input(model_, input);
    return private_input_arguments(model_, options_, input, claimed_class, input_hash);
}

PrivateInputPublic PrivateInputProver::evaluate(const std::vector<std::int64_t>& input,
                                                std::optional<int> claimed_class) const {
    return decode_private_input_public(prover_.program().abi, prover_.evaluate_public(arguments(input, claimed_class)));
}

PrivateInputProof PrivateInputProver::prove(const std::vector<std::int64_t>& input, std::optional<int> claimed_class) {
    const PrivateInputPublic expected = expected_private_input_public(model_, options_, input, claimed_class);
    PrivateInputProof result;
    result.proof = prover_.prove(arguments(input, claimed_class));
    result.public_output = decode_private_input_public(prover_.program().abi, result.proof.inputs);
    check_agreement(result.public_output, expected, "public output");
    return result;
}

PrivateModelProver::PrivateModelProver(const Toolchain& toolchain, QuantizedModel model, const FieldElement& salt, LabeledBatch batch,
                                       const std::filesystem::path& work_dir, PrivateModelOptions options, Scheme scheme)
    : model_(std::move(model)), batch_(std::move(batch)), salt_(salt), commitment_(commit_model(model_, salt_)),
      correct_(count_correct(model_, batch_)),
      prover_(build(toolchain, work_dir, scheme, [&] { return generate_private_model_circuit(model_, batch_, options); })) {}

PrivateModelProver::PrivateModelProver(QuantizedModel model, const FieldElement& salt, LabeledBatch batch, CircuitProver prover)
    : model_(std::move(model)), batch_(std::move(batch)), salt_(salt), commitment_(commit_model(model_, salt_)),
      correct_(count_correct(model_, batch_)), prover_(std::move(prover)) {}

PrivateModelProof PrivateModelProver::prove(std::int64_t threshold) {
    const PrivateModelPublic expected = expected_private_model_public(model_, salt_, batch_, threshold);
    PrivateModelProof result;
    result.proof = prover_.prove(private_model_arguments(model_, salt_, commitment_, threshold));
    result.public_output = decode_private_model_public(prover_.program().abi, result.proof.inputs);
    check_agreement(result.public_output, expected, "public output");
    return result;
}

BothPrivateProver::BothPrivateProver(const Toolchain& toolchain, QuantizedModel model, const FieldElement& salt,
                                     const std::filesystem::path& work_dir, BothPrivateOptions options, Scheme scheme)
    : model_(std::move(model)), salt_(salt), commitment_(commit_model(model_, salt_)),
      prover_(build(toolchain, work_dir, scheme, [&] { return generate_both_private_circuit(model_, options); })) {}

BothPrivateProver::BothPrivateProver(QuantizedModel model, const FieldElement& salt, CircuitProver prover)
    : model_(std::move(model)), salt_(salt), commitment_(commit_model(model_, salt_)), prover_(std::move(prover)) {}

BothPrivateProof BothPrivateProver::prove(const std::vector<std::int64_t>& input) {
    const BothPrivatePublic expected = expected_both_private_public(model_, salt_, input);
    BothPrivateProof result;
    result.proof = prover_.prove(both_private_arguments(model_, input, salt_, commitment_));
    result.public_output = decode_both_private_public(prover_.program().abi, result.proof.inputs);
    check_agreement(result.public_output, expected, "public output");
    return result;
}

}  // namespace zokml
