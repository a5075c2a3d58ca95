// A snarkjs .wtns witness as the native prover reads it (lib/prover/witness.cpp): any bytes give
// the values, each below r, or an InputError.
#include "fuzz_support.hpp"
#include "zokml/prover/groth16.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    const auto file = fuzz::input_file("witness.wtns", fuzz::text_of(data, size));
    fuzz::run_expecting(fuzz::kInputError, [&] {
        const prover::Groth16Witness witness(file);
        for (std::size_t i = 0; i < witness.size(); ++i) witness[i];  // each converts to a FieldElement (below p)
    });
    return 0;
}
