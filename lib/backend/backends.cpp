#include "zokml/backend/backends.hpp"

#include "backend/implementations.hpp"
#include "zokml/toolchain/prover_session.hpp"

namespace zokml {

std::unique_ptr<ProvingBackend> make_backend(Backend backend, const Toolchain& toolchain) {
    switch (backend) {
        case Backend::Zokrates: return backend::make_zokrates(toolchain);
        case Backend::Snarkjs: return backend::make_snarkjs(toolchain);
        case Backend::Native: return backend::make_native(toolchain);
    }
    throw std::invalid_argument("unknown backend");
}

Backend proving_backend(const Keypair& keypair) {
    return keypair.backend == Backend::Zokrates ? Backend::Zokrates : Backend::Native;
}

Backend default_setup_backend(Scheme scheme) { return scheme == Scheme::G16 ? Backend::Native : Backend::Zokrates; }

namespace backend {

namespace {

class SessionProver : public Prover {
public:
    SessionProver(const Toolchain& toolchain, const CompiledProgram& program, const Keypair& keypair)
        : session_(toolchain, program, keypair) {}

    Result prove(const std::vector<Value>& arguments) override {
        ProverSession::Result r = session_.prove(arguments);
        return {std::move(r.proof), std::move(r.output), r.witness_s, r.proof_s};
    }

private:
    ProverSession session_;
};

}  // namespace

const std::filesystem::path& r1cs_of(const CompiledProgram& program) {
    if (program.r1cs.empty())
        throw std::invalid_argument(program.program.string() + " was compiled without its r1cs: compile it again (zokml cache prune)");
    return program.r1cs;
}

std::unique_ptr<Prover> session_prover(const Toolchain& toolchain, const CompiledProgram& program, const Keypair& keypair) {
    return std::make_unique<SessionProver>(toolchain, program, keypair);
}

}  // namespace backend

}  // namespace zokml
