// snarkjs' proof.json (snarkjs_proof_points), read as `zokml convert-proof --to zokrates` reads it.
// Whatever it accepts, check_canonical accepts too (the same checks in ZoKrates' format).
#include "fuzz_support.hpp"
#include "zokml/toolchain/snarkjs_proof.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    const auto json = fuzz::json_of(data, size, "proof.json");
    if (!json) return 0;
    nlohmann::json points;
    if (!fuzz::run_expecting(fuzz::kInputError, [&] { points = snarkjs_proof_points(*json, "proof.json"); })) return 0;
    const Proof proof{"g16", "bn128", points, {}};
    const VerificationKey key{"g16", "bn128", {{"gamma_abc", nlohmann::json::array({nlohmann::json::array()})}}};  // no public input
    fuzz::run_expecting(0, [&] { check_canonical(proof, key, "proof.json"); });
    return 0;
}
