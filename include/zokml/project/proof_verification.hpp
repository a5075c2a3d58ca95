// Verifying a proof against a verification key, with what the circuit folder it belongs to adds:
// the trust rule for the folder's own keys and the decoding of the public values. The command's
// `zokml verify` and the Python binding's verify both run it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "zokml/project/folder_proof.hpp"

namespace zokml {

struct ProofVerdict {
    bool verified = false;
    Backend backend = Backend::Zokrates;  // who verified
    std::optional<std::string> setup;     // the folder's own keys: describe_setup (who could forge proofs)
    std::optional<PublicOutput> public_output;  // decoded with the folder's abi.json
};
// {"verified", "backend"}, and "setup" and "public" when known: zokml verify --json's and the binding's keys.
nlohmann::json to_json(const ProofVerdict& verdict);

// The proof (read from `proof_file`, named in errors) checked to be canonical for the key
// (InputError naming the field otherwise), then verified. With the circuit folder of the proof's
// circuit, its public values are decoded; when the key is the folder's own, a snarkjs key's
// ceremony transcript is checked first and the folder's backend verifies unless `backend` says
// otherwise; any other key: `backend`, else ZoKrates.
ProofVerdict verify_proof(const std::filesystem::path& verification_key, const Proof& proof,
                          const std::filesystem::path& proof_file, const Toolchain& toolchain,
                          const std::optional<std::filesystem::path>& folder, std::optional<Backend> backend,
                          const ArtifactStore& store);

}  // namespace zokml
