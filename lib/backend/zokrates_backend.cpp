// zokrates-js (or a native zokrates): ark's setup and prover, one process per step or the bundled
// command's prove-session.
#include "backend/implementations.hpp"
#include "zokml/core/timing.hpp"

namespace zokml::backend {

namespace {

namespace fs = std::filesystem;

// compute-witness then generate-proof, each its own process; the witness file in work_dir/proof.
class StepProver : public Prover {
public:
    StepProver(const Toolchain& toolchain, CompiledProgram program, Keypair keypair, fs::path work_dir)
        : toolchain_(toolchain), program_(std::move(program)), keypair_(std::move(keypair)), dir_(std::move(work_dir) / "proof") {}

    Result prove(const std::vector<Value>& arguments) override {
        Result result;
        const Witness witness = timed(result.witness_s, [&] { return toolchain_.compute_witness(program_, arguments, dir_); });
        result.proof = timed(result.proof_s, [&] { return toolchain_.generate_proof(program_, witness, keypair_, dir_); });
        result.output = witness.output;
        return result;
    }

private:
    const Toolchain& toolchain_;
    CompiledProgram program_;
    Keypair keypair_;
    fs::path dir_;
};

class ZokratesBackend : public ProvingBackend {
public:
    explicit ZokratesBackend(const Toolchain& toolchain) : toolchain_(toolchain) {}

    Backend kind() const override { return Backend::Zokrates; }

    std::string setup_id() const override { return toolchain_.version(); }

    Keypair setup(const CompiledProgram& program, Scheme scheme, const fs::path& out_dir) const override {
        return toolchain_.setup(program, scheme, out_dir);
    }

    std::unique_ptr<Prover> prover(const CompiledProgram& program, const Keypair& keypair, const fs::path& work_dir,
                                   bool session) const override {
        if (session) return session_prover(toolchain_, program, keypair);
        return std::make_unique<StepProver>(toolchain_, program, keypair, work_dir);
    }

    bool verify(const Keypair& keypair, const Proof& proof, const fs::path& work_dir) const override {
        return toolchain_.verify(keypair, proof, work_dir);
    }

private:
    const Toolchain& toolchain_;
};

}  // namespace

std::unique_ptr<ProvingBackend> make_zokrates(const Toolchain& toolchain) { return std::make_unique<ZokratesBackend>(toolchain); }

}  // namespace zokml::backend
