// check_canonical on ZoKrates' proof.json (Proof::from_json first, as `zokml verify` reads it)
// against the verification keys of two inputs of the g16 and gm17 seeds. What it accepts, the
// calldata of the Solidity verifier accepts too.
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
    if (!proof) return 0;
    const auto inputs = nlohmann::json::array({nlohmann::json::array(), nlohmann::json::array(), nlohmann::json::array()});
    for (const char* scheme : {"g16", "gm17"}) {
        const VerificationKey key{scheme, "bn128", {{scheme == std::string("g16") ? "gamma_abc" : "query", inputs}}};
        if (fuzz::run_expecting(fuzz::kInputError, [&] { check_canonical(*proof, key, "proof.json"); }))
            fuzz::run_expecting(0, [&] { VerifyTxCall::from_proof(*proof); });
    }
    return 0;
}
