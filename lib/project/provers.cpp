#include "zokml/project/provers.hpp"

#include "zokml/core/files.hpp"
#include "zokml/core/timing.hpp"
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

CircuitProver::CircuitProver(const Toolchain& toolchain, CompiledProgram program, Keypair keypair)
    : toolchain_(toolchain), scratch_(std::make_unique<TempFolder>(std::filesystem::temp_directory_path(), "zokml-prove")),
      work_dir_(scratch_->path()), program_(std::move(program)), keypair_(std::move(keypair)),
      backend_(make_backend(proving_backend(keypair_), toolchain_)) {}

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

}  // namespace zokml
