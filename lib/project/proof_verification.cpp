#include "zokml/project/proof_verification.hpp"

#include "zokml/backend/backends.hpp"
#include "zokml/core/files.hpp"
#include "zokml/project/ceremony.hpp"

namespace zokml {

namespace fs = std::filesystem;

nlohmann::json to_json(const ProofVerdict& verdict) {
    nlohmann::json result = {{"verified", verdict.verified}, {"backend", to_string(verdict.backend)}};
    if (verdict.setup) result["setup"] = *verdict.setup;
    if (verdict.public_output) result["public"] = to_json(*verdict.public_output);
    return result;
}

ProofVerdict verify_proof(const fs::path& verification_key, const Proof& proof, const fs::path& proof_file,
                          const Toolchain& toolchain, const std::optional<fs::path>& folder, std::optional<Backend> backend,
                          const ArtifactStore& store) {
    Keypair keypair = verification_keypair(verification_key);
    check_canonical(proof, keypair.verification_key, proof_file);
    ProofVerdict verdict;
    // A folder's own snarkjs key is trusted only after its transcript checks.
    std::error_code unrelated;
    const auto lock = folder ? find_lock(*folder) : std::nullopt;
    const bool folder_key = lock && lock->keys && fs::equivalent(verification_key, verification_key_file(*folder), unrelated);
    if (folder_key) {
        if (lock->keys->ceremony) check_ceremony(*folder, toolchain, store);
        backend = backend.value_or(lock->keys->backend);
        verdict.setup = describe_setup(*lock->keys);
    }
    keypair.backend = backend.value_or(Backend::Zokrates);
    const TempFolder scratch(fs::temp_directory_path(), ".zokml-scratch");
    verdict.verified = make_backend(keypair.backend, toolchain)->verify(keypair, proof, scratch.path());
    verdict.backend = keypair.backend;
    if (folder) verdict.public_output = decode_public_output(*folder, proof);
    return verdict;
}

}  // namespace zokml
