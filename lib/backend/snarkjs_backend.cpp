// snarkjs (WebAssembly under Node.js): its powers of tau and phase-2 key, proofs in its session,
// its verifier.
#include "backend/implementations.hpp"
#include "zokml/core/files.hpp"
#include "zokml/toolchain/public_values.hpp"
#include "zokml/toolchain/snarkjs.hpp"

namespace zokml::backend {

namespace {

namespace fs = std::filesystem;

class SnarkjsBackend : public ProvingBackend {
public:
    explicit SnarkjsBackend(const Toolchain& toolchain) : toolchain_(toolchain), snarkjs_(toolchain.timeout()) {}

    Backend kind() const override { return Backend::Snarkjs; }
    std::string setup_id() const override { return "snarkjs 0.7, single party"; }

    // A local powers of tau with one contribution, the circuit's key with one more, both drawn
    // inside snarkjs; the powers of tau stay beside the keys (what `snarkjs zkey verify` checks).
    Keypair setup(const CompiledProgram& program, Scheme scheme, const fs::path& out_dir) const override {
        if (scheme != Scheme::G16) throw std::invalid_argument("the snarkjs backend sets up g16 keys only");
        const fs::path& r1cs = r1cs_of(program);
        make_private_dir(out_dir);
        const TempFolder work(out_dir, ".setup", TempContents::Public);
        snarkjs_.make_ptau(snarkjs_.required_power(r1cs), work / "powers_of_tau.ptau");
        snarkjs_.start_setup(r1cs, work / "powers_of_tau.ptau", work / "start.zkey");
        snarkjs_.contribute(work / "start.zkey", work / "proving.key", "zokml (single party)");
        Keypair keypair;
        keypair.backend = Backend::Snarkjs;
        keypair.verification_key =
            snarkjs_.export_verification_key(work / "proving.key", work / "verification.key", flattened_size(program.abi.output));
        for (const char* name : {"powers_of_tau.ptau", "verification.key", "proving.key"}) fs::rename(work / name, out_dir / name);
        keypair.proving_key = out_dir / "proving.key";
        keypair.verification_key_file = out_dir / "verification.key";
        return keypair;
    }

    std::unique_ptr<Prover> prover(const CompiledProgram& program, const Keypair& keypair, const fs::path&, bool) const override {
        return session_prover(toolchain_, program, keypair);  // snarkjs proves in its session only: no witness on disk
    }

    bool verify(const Keypair& keypair, const Proof& proof, const fs::path& work_dir) const override {
        return snarkjs_.verify(keypair, proof, work_dir);
    }

private:
    const Toolchain& toolchain_;
    Snarkjs snarkjs_;
};

}  // namespace

std::unique_ptr<ProvingBackend> make_snarkjs(const Toolchain& toolchain) { return std::make_unique<SnarkjsBackend>(toolchain); }

}  // namespace zokml::backend
