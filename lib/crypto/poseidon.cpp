#include "zokml/crypto/poseidon.hpp"

#include <array>
#include <stdexcept>
#include <string>

#include "crypto/bn254/fr.hpp"
#include "poseidon_parameters.hpp"

namespace zokml {

namespace {
constexpr std::size_t kMaxInputs = 6;
bn254::Fr pow5(const bn254::Fr& x) {
    const bn254::Fr square = x.squared();
    return square.squared() * x;
}
}  // namespace

FieldElement poseidon(const std::vector<FieldElement>& inputs) {
    if (inputs.empty() || inputs.size() > kMaxInputs)
        throw std::invalid_argument("poseidon hashes 1 to " + std::to_string(kMaxInputs) + " field elements, not " +
                                    std::to_string(inputs.size()));
    using bn254::Fr;
    const unsigned width = static_cast<unsigned>(inputs.size()) + 1;
    const auto& parameters = detail::poseidon_parameters(width);

    // The state starts as [0, inputs...]; every round adds its constants, applies x^5 to the
    // whole state in the first and last full_rounds / 2 rounds and to state[0] only in the
    // partial rounds between, then multiplies by the MDS matrix. The hash is state[0].
    std::array<Fr, kMaxInputs + 1> state{};
    for (unsigned i = 1; i < width; ++i) state[i] = bn254::to_fr(inputs[i - 1]);
    const unsigned rounds = parameters.full_rounds + parameters.partial_rounds;
    const unsigned first_partial = parameters.full_rounds / 2;
    const unsigned last_partial = first_partial + parameters.partial_rounds;
    const Fr* constant = parameters.round_constants.data();
    for (unsigned round = 0; round < rounds; ++round) {
        for (unsigned i = 0; i < width; ++i) state[i] += *constant++;
        const bool full = round < first_partial || round >= last_partial;
        for (unsigned i = 0; i < (full ? width : 1); ++i) state[i] = pow5(state[i]);
        std::array<Fr, kMaxInputs + 1> mixed{};
        const Fr* row = parameters.mds.data();
        for (unsigned i = 0; i < width; ++i, row += width)
            for (unsigned j = 0; j < width; ++j) mixed[i] += row[j] * state[j];
        state = mixed;
    }
    return bn254::to_field(state[0]);
}

}  // namespace zokml
