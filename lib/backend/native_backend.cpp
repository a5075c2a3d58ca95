// zokml's native Groth16 prover (zokml/prover/groth16.hpp) on every core, its witnesses from
// zokrates-js in a witness session (in memory only); verification by ZoKrates' verifier.
#include <map>
#include <optional>

#include "backend/implementations.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/timing.hpp"
#include "zokml/prover/groth16.hpp"
#include "zokml/prover/setup.hpp"
#include "zokml/toolchain/prover_session.hpp"
#include "zokml/toolchain/public_values.hpp"
#include "zokml/toolchain/snarkjs.hpp"

namespace zokml::backend {

namespace {

namespace fs = std::filesystem;

class NativeProver : public Prover {
public:
    NativeProver(const Toolchain& toolchain, const CompiledProgram& program, const Keypair& keypair)
        : witnesses_(toolchain, program), key_file_(keypair.proving_key), outputs_(flattened_size(program.abi.output)) {}

    Result prove(const std::vector<Value>& arguments) override {
        Result result;
        WitnessSession::Result computed = witnesses_.compute(arguments);
        result.witness_s = computed.witness_s;
        result.output = std::move(computed.output);
        result.proof = timed(result.proof_s, [&] {  // the first proof's time includes reading the key
            if (!key_) key_.emplace(key_file_);
            const prover::Groth16Witness witness(std::move(computed.wtns), "(the witness of " + key_file_.string() + ")");
            Proof proof = Proof::from_json(prover::prove(*key_, witness).to_json());
            proof.inputs = public_values_in_zokrates_order(std::move(proof.inputs), outputs_);
            return proof;
        });
        return result;
    }

private:
    WitnessSession witnesses_;
    fs::path key_file_;
    std::optional<prover::Groth16ProvingKey> key_;  // read with the first proof, kept for the others
    std::size_t outputs_;  // listed first in the witness, last in ZoKrates' proofs
};

class NativeBackend : public ProvingBackend {
public:
    explicit NativeBackend(const Toolchain& toolchain) : toolchain_(toolchain) {}

    Backend kind() const override { return Backend::Native; }
    std::string setup_id() const override { return "zokml native groth16 setup 1, single party"; }

    // zokml's single-party setup (zokml/prover/setup.hpp); its powers of tau stay beside the keys,
    // what `snarkjs zkey verify` checks the proving key against.
    Keypair setup(const CompiledProgram& program, Scheme scheme, const fs::path& out_dir) const override {
        return setup_together(std::span(&program, 1), scheme, std::span(&out_dir, 1)).front();
    }

    // The programs of one power share one powers of tau (one file, linked into each folder).
    std::vector<Keypair> setup_together(std::span<const CompiledProgram> programs, Scheme scheme,
                                        std::span<const fs::path> out_dirs) const override {
        if (scheme != Scheme::G16) throw std::invalid_argument("the native backend sets up g16 keys only");
        std::map<unsigned, std::vector<std::size_t>> by_power;
        for (std::size_t k = 0; k < programs.size(); ++k) by_power[prover::read_r1cs_size(r1cs_of(programs[k])).power].push_back(k);
        std::vector<Keypair> keypairs(programs.size());
        for (const auto& [power, group] : by_power) {
            std::vector<prover::SetupTarget> targets;
            for (const std::size_t k : group) {
                make_private_dir(out_dirs[k]);
                keypairs[k].backend = Backend::Native;
                keypairs[k].proving_key = out_dirs[k] / "proving.key";
                keypairs[k].verification_key_file = out_dirs[k] / "verification.key";
                targets.push_back({r1cs_of(programs[k]), keypairs[k].proving_key});
            }
            const fs::path ptau = out_dirs[group.front()] / "powers_of_tau.ptau";
            prover::setup_groth16(targets, ptau);
            for (const std::size_t k : group) {
                if (k != group.front()) link_or_copy(ptau, out_dirs[k] / "powers_of_tau.ptau");
                keypairs[k].verification_key = key_in_zokrates_order(
                    VerificationKey::from_json(prover::verification_key_json(keypairs[k].proving_key)),
                    flattened_size(programs[k].abi.output));
                write_file_atomically(keypairs[k].verification_key_file, keypairs[k].verification_key.to_json().dump(4));
            }
        }
        return keypairs;
    }

    // One witness process for all proofs, session or not: the witness never touches a file.
    std::unique_ptr<Prover> prover(const CompiledProgram& program, const Keypair& keypair, const fs::path&, bool) const override {
        if (keypair.backend == Backend::Zokrates || keypair.scheme != Scheme::G16)
            throw std::invalid_argument("the native prover proves from a g16 .zkey, not from " + keypair.proving_key.string());
        return std::make_unique<NativeProver>(toolchain_, program, keypair);
    }

    // ZoKrates' verifier: an audited one, never the prover's own code.
    bool verify(const Keypair& keypair, const Proof& proof, const fs::path& work_dir) const override {
        return toolchain_.verify(keypair, proof, work_dir);
    }

private:
    const Toolchain& toolchain_;
};

}  // namespace

std::unique_ptr<ProvingBackend> make_native(const Toolchain& toolchain) { return std::make_unique<NativeBackend>(toolchain); }

}  // namespace zokml::backend
