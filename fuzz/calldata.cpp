// verifyTx's arguments as remix and ethers take them ([[a, b, c], inputs]).
#include <optional>

#include "fuzz_support.hpp"
#include "zokml/verifier/calldata.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    const auto json = fuzz::json_of(data, size, "arguments.json");
    if (!json) return 0;
    std::optional<VerifyTxCall> call;
    fuzz::run_expecting(fuzz::kInvalidArgument, [&] { call = VerifyTxCall::from_json(*json); });
    if (call)
        fuzz::run_expecting(0, [&] {
            call->calldata_hex();
            fuzz::require(VerifyTxCall::from_json(call->to_json()) == *call, "verifyTx arguments JSON round trip");
        });
    return 0;
}
