// A compiled program's interface (abi.json), as ZoKrates writes it.
#include <optional>

#include "fuzz_support.hpp"
#include "zokml/toolchain/abi.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    const auto json = fuzz::json_of(data, size, "abi.json");
    if (!json) return 0;
    std::optional<Abi> abi;
    fuzz::run_expecting(fuzz::kInvalidArgument, [&] { abi = Abi::from_json(*json); });
    if (abi)
        fuzz::run_expecting(0, [&] {
            fuzz::require(Abi::from_json(abi->to_json()) == *abi, "ABI JSON round trip");
            for (const auto& input : abi->inputs) input.type.to_string();
            abi->output.to_string();
        });
    return 0;
}
