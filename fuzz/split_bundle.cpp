// A proof bundle (docs/split-proving.md): what a prover hands a verifier, read and planned as
// `zokml verify --bundle` does before it checks any proof.
#include "fuzz_support.hpp"
#include "zokml/project/split_prover.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    const auto json = fuzz::json_of(data, size, "bundle.json");
    if (!json) return 0;
    std::optional<ProofBundle> bundle;
    if (!fuzz::run_expecting(fuzz::kInputError, [&] { bundle = ProofBundle::from_json(*json, "bundle.json"); })) return 0;
    // "The round trip loses nothing."
    fuzz::run_expecting(0, [&] {
        const auto again = ProofBundle::from_json(bundle->to_json(), "");
        fuzz::require(again.to_json() == bundle->to_json(), "bundle JSON round trip");
    });
    if (bundle->options.variant == SplitVariant::PrivateModel) return 0;  // its plan needs the verifier's batch
    fuzz::run_expecting(fuzz::kInputError, [&] {
        const SplitPlan plan = plan_split(bundle->parts, bundle->classes.size(), bundle->options, bundle->model_name);
        sub_proofs(plan);
    });
    return 0;
}
