// A NumPy .npy array (a batch of inputs or its labels, docs/batch-format.md), read through
// xtensor's npy support behind zokml's checks of its framing, shape and size.
#include "fuzz_support.hpp"
#include "zokml/data/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    fuzz::run_expecting(fuzz::kInputError, [&] {
        const NpyArray array = npy_from_bytes(std::string(fuzz::text_of(data, size)), "x.npy");
        std::size_t count = 1;
        for (const auto d : array.shape) count *= d;
        fuzz::require(count == array.values.size(), "the values are the shape's product");
    });
    return 0;
}
