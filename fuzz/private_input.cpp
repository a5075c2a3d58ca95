// A private input as users give it: a JSON array of integers.
#include "fuzz_support.hpp"
#include "zokml/core/json.hpp"
#include "zokml/data/inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    fuzz::run_expecting(fuzz::kInputError,
                        [&] { integer_input(parse_json(fuzz::text_of(data, size), "input.json"), "input.json"); });
    return 0;
}
