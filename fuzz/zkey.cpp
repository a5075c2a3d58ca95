// A snarkjs Groth16 .zkey as the native prover reads it (lib/prover/proving_key.cpp): every count
// checked against the file before allocating, so any bytes give a key or an InputError.
#include "fuzz_support.hpp"
#include "zokml/prover/groth16.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    const auto file = fuzz::input_file("key.zkey", fuzz::text_of(data, size));
    fuzz::run_expecting(fuzz::kInputError, [&] {
        const prover::Groth16ProvingKey key(file);
        fuzz::require(key.public_inputs() < key.variables(), "the public inputs fit in the variables");
    });
    return 0;
}
