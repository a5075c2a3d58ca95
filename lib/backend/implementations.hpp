// The three backends behind make_backend.
#pragma once

#include <memory>

#include "zokml/toolchain/proving_backend.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml::backend {

std::unique_ptr<ProvingBackend> make_zokrates(const Toolchain& toolchain);
std::unique_ptr<ProvingBackend> make_snarkjs(const Toolchain& toolchain);
std::unique_ptr<ProvingBackend> make_native(const Toolchain& toolchain);

// A compiled program's r1cs, which the snarkjs and native setups start from (std::invalid_argument
// when it was compiled without).
const std::filesystem::path& r1cs_of(const CompiledProgram& program);

// prover.prove through a ProverSession (the bundled zokrates-js' or snarkjs'), whose keypair's
// format says which.
std::unique_ptr<Prover> session_prover(const Toolchain& toolchain, const CompiledProgram& program, const Keypair& keypair);

}  // namespace zokml::backend
