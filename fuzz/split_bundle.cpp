// A proof bundle (docs/split-proving.md): what a prover hands a verifier, read as
// `zokml verify --bundle` reads it before it checks any proof against its own folder's plan (the
// bundle's parts and options are only compared with the folder's, never planned from).
#include "fuzz_support.hpp"
#include "zokml/split/bundle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    const auto json = fuzz::json_of(data, size, "bundle.json");
    if (!json) return 0;
    std::optional<ProofBundle> bundle;
    if (!fuzz::run_expecting(fuzz::kInputError, [&] { bundle = ProofBundle::from_json(*json, "bundle.json"); })) return 0;
    // "A proof member that is not a proof is kept, with its reason, for the verifier to list."
    for (const auto& p : bundle->proofs) fuzz::require(!p.unreadable || !p.unreadable->reason.empty(), "an unreadable proof's reason");
    // "The round trip loses nothing."
    fuzz::run_expecting(0, [&] {
        const auto again = ProofBundle::from_json(bundle->to_json(), "");
        fuzz::require(again.to_json() == bundle->to_json(), "bundle JSON round trip");
        fuzz::require(again.statement() == bundle->statement(), "bundle statement round trip");
    });
    return 0;
}
