// A manifest (zokml.json, docs/ci.md) read from a file, as `zokml build` reads it.
#include "fuzz_support.hpp"
#include "zokml/project/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    const auto file = fuzz::input_file("zokml.json", fuzz::text_of(data, size));
    fuzz::run_expecting(fuzz::kInputError, [&] { load_manifest(file); });
    return 0;
}
