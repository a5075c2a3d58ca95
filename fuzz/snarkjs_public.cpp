// snarkjs' public.json (snarkjs_public_signals), read as `zokml convert-proof --to zokrates` reads
// it. Each value it accepts is written back as the same decimal text: there is one form only.
#include "fuzz_support.hpp"
#include "zokml/toolchain/snarkjs_proof.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    const auto json = fuzz::json_of(data, size, "public.json");
    if (!json) return 0;
    std::vector<FieldElement> values;
    if (!fuzz::run_expecting(fuzz::kInputError, [&] { values = snarkjs_public_signals(*json, "public.json"); })) return 0;
    fuzz::run_expecting(0, [&] {
        fuzz::require(values.size() == json->size(), "one value per signal");
        for (std::size_t i = 0; i < values.size(); ++i)
            fuzz::require(values[i].to_decimal() == (*json)[i].get<std::string>(), "a signal's decimal round trip");
    });
    return 0;
}
