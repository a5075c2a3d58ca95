// One proving system behind one interface (docs/toolchain.md#backends): its single-party setup,
// its provers (one proof at a time, or a session that keeps the program and key loaded) and its
// verifier. zokrates-js, snarkjs and zokml's native Groth16 prover implement it; make_backend
// (zokml/backend/backends.hpp) picks one. ZoKrates compiles for all of them, and every backend's
// verification key is ZoKrates' JSON.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "zokml/toolchain/abi.hpp"
#include "zokml/toolchain/artifacts.hpp"

namespace zokml {

// Proofs of one program under one keypair.
class Prover {
public:
    virtual ~Prover() = default;

    struct Result {
        Proof proof;
        Value output;  // main's return value, decoded against the ABI
        double witness_s = 0;
        double proof_s = 0;
    };
    // A proof of the arguments. Arguments the program refuses (a failed assertion) are
    // ToolchainError(ComputeWitness, Failed) with the tool's message; the prover goes on.
    virtual Result prove(const std::vector<Value>& arguments) = 0;
};

class ProvingBackend {
public:
    virtual ~ProvingBackend() = default;

    virtual Backend kind() const = 0;
    // Who makes this backend's keys, in the store's key for them (e.g. "ZoKrates 0.8.8"): keys of
    // one program by two setups differ, so each backend's are kept apart.
    virtual std::string setup_id() const = 0;
    // A single-party setup of the program (docs/security.md#setup) into out_dir: proving.key and
    // verification.key. Native and snarkjs need the program's r1cs (CompiledProgram::r1cs) and g16.
    virtual Keypair setup(const CompiledProgram& program, Scheme scheme, const std::filesystem::path& out_dir) const = 0;
    // The setups of several programs, program k's into out_dirs[k]. A backend may share work
    // between them (the native one makes one powers of tau for the programs of one size); by
    // default each is set up alone.
    virtual std::vector<Keypair> setup_together(std::span<const CompiledProgram> programs, Scheme scheme,
                                                std::span<const std::filesystem::path> out_dirs) const {
        std::vector<Keypair> keypairs;
        for (std::size_t k = 0; k < programs.size(); ++k) keypairs.push_back(setup(programs[k], scheme, out_dirs[k]));
        return keypairs;
    }
    // A prover of the program under keypair (made by this backend or one whose keys it reads);
    // witnesses, when on disk at all, only in work_dir (a private folder). session: one process
    // (and the key loaded once) for every proof rather than one per step.
    virtual std::unique_ptr<Prover> prover(const CompiledProgram& program, const Keypair& keypair,
                                           const std::filesystem::path& work_dir, bool session) const = 0;
    // True when the backend's verifier accepts the proof under the keypair's verification key.
    // InputError (without a file name) when check_canonical refuses the proof.
    virtual bool verify(const Keypair& keypair, const Proof& proof, const std::filesystem::path& work_dir) const = 0;
};

}  // namespace zokml
