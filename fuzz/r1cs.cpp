// A snarkjs .r1cs as the native setup reads it (lib/prover/r1cs.cpp): every count checked against
// the bytes the file holds before allocating, every wire below the count, every coefficient below
// r, so any bytes give its size or an InputError.
#include "fuzz_support.hpp"
#include "zokml/prover/setup.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    const auto file = fuzz::input_file("circuit.r1cs", fuzz::text_of(data, size));
    fuzz::run_expecting(fuzz::kInputError, [&] {
        const prover::R1csSize r1cs = prover::read_r1cs_size(file);
        fuzz::require(r1cs.public_signals < r1cs.variables, "the public signals fit in the variables");
        fuzz::require(r1cs.power >= 1 && r1cs.power <= 27, "the power is one the setup supports");
        fuzz::require((std::size_t{1} << r1cs.power) >= r1cs.constraints + r1cs.public_signals + 1, "the power holds the circuit");
    });
    return 0;
}
