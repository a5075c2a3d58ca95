// A circuit folder's lock file (zokml.lock.json, docs/ci.md), read from a folder as `zokml build`
// and the steps on a folder read it.
#include "fuzz_support.hpp"
#include "zokml/project/circuit_folder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    fuzz::input_file("zokml.lock.json", fuzz::text_of(data, size));
    fuzz::run_expecting(fuzz::kInputError, [&] { read_lock(fuzz::scratch_folder()); });
    return 0;
}
