// proof.json and verification.key as ZoKrates writes them, and the verifyTx call of a proof.
// Proof::from_json and VerificationKey::from_json document no exception: those of the brief's
// general list (std::invalid_argument, std::out_of_range, nlohmann's) are accepted for them.
#include <optional>

#include "fuzz_support.hpp"
#include "zokml/toolchain/artifacts.hpp"
#include "zokml/verifier/calldata.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    constexpr unsigned kUndocumented = fuzz::kInvalidArgument | fuzz::kOutOfRange | fuzz::kJsonError;
    const auto json = fuzz::json_of(data, size, "proof.json");
    if (!json) return 0;

    std::optional<Proof> proof;
    fuzz::run_expecting(kUndocumented, [&] { proof = Proof::from_json(*json); });
    if (proof) {
        fuzz::run_expecting(0, [&] { fuzz::require(Proof::from_json(proof->to_json()) == *proof, "proof JSON round trip"); });
        std::optional<VerifyTxCall> call;
        fuzz::run_expecting(fuzz::kInvalidArgument, [&] { call = VerifyTxCall::from_proof(*proof); });
        if (call)
            fuzz::run_expecting(0, [&] {
                call->abi_encode();
                fuzz::require(VerifyTxCall::from_json(call->to_json()) == *call, "verifyTx arguments JSON round trip");
            });
    }

    std::optional<VerificationKey> key;
    fuzz::run_expecting(kUndocumented, [&] { key = VerificationKey::from_json(*json); });
    if (key)
        fuzz::run_expecting(0, [&] {
            fuzz::require(VerificationKey::from_json(key->to_json()) == *key, "verification key JSON round trip");
        });
    return 0;
}
