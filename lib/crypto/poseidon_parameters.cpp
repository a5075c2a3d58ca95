#include "poseidon_parameters.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>

namespace zokml::detail {

using bn254::Limbs;
namespace {

constexpr unsigned kFieldBits = 254;
constexpr unsigned kFullRounds = 8;
constexpr unsigned kMinWidth = 2;
// Partial rounds for widths 2..7: the 128-bit-security choice of the Poseidon paper for
// x^5 over BN254, as circomlib uses it.
constexpr std::array<unsigned, 6> kPartialRounds{56, 57, 56, 60, 60, 63};

// The reference's Grain LFSR in self-shrinking mode, seeded with a prime field, the x^alpha
// S-box, a 254-bit field and the given width and round counts.
class PoseidonGrain {
public:
    PoseidonGrain(unsigned width, unsigned full_rounds, unsigned partial_rounds);
    bool next_bit();
    Limbs next_254_bits();  // the next 254 output bits, the first one most significant

private:
    bool step();
    std::uint8_t bits_[80];  // a ring: bit i of the register is bits_[(head_ + i) % 80]
    unsigned head_ = 0;
};

PoseidonGrain::PoseidonGrain(unsigned width, unsigned full_rounds, unsigned partial_rounds) {
    // The seed, most significant bit first: field type (2 bits, 1 = prime field), S-box
    // (4 bits, 0 = x^alpha), field bits (12), width (12), full rounds (10), partial rounds
    // (10), then thirty ones.
    unsigned filled = 0;
    const auto append = [&](unsigned value, unsigned bits) {
        for (unsigned b = bits; b-- > 0;) bits_[filled++] = (value >> b) & 1;
    };
    append(1, 2);
    append(0, 4);
    append(kFieldBits, 12);
    append(width, 12);
    append(full_rounds, 10);
    append(partial_rounds, 10);
    while (filled < 80) bits_[filled++] = 1;
    for (int i = 0; i < 160; ++i) step();
}

bool PoseidonGrain::step() {
    const auto at = [this](unsigned i) { return bits_[(head_ + i) % 80]; };
    const std::uint8_t bit = at(62) ^ at(51) ^ at(38) ^ at(23) ^ at(13) ^ at(0);
    bits_[head_] = bit;  // the oldest bit leaves, the new one enters at the end
    head_ = (head_ + 1) % 80;
    return bit;
}

bool PoseidonGrain::next_bit() {
    // Self-shrinking: of each pair of register bits, output the second when the first is 1.
    for (;;) {
        const bool keep = step();
        const bool bit = step();
        if (keep) return bit;
    }
}

Limbs PoseidonGrain::next_254_bits() {
    Limbs value{};
    for (unsigned b = kFieldBits; b-- > 0;)
        if (next_bit()) value[b / 64] |= std::uint64_t{1} << (b % 64);
    return value;
}

// Round constants: 254-bit samples by rejection, kept when below p.
std::vector<Fr> round_constants(PoseidonGrain& grain, std::size_t count) {
    std::vector<Fr> constants;
    constants.reserve(count);
    while (constants.size() < count) {
        const Limbs sample = grain.next_254_bits();
        if (bn254::less_than(sample, Fr::kModulus)) constants.push_back(Fr::from_canonical(sample));
    }
    return constants;
}

// The Cauchy matrix 1 / (x_i + y_j) of 2t further samples taken modulo p, resampled while
// they repeat or some x_i + y_j is zero. (Later versions of the reference script also resample
// a matrix failing their security checks; the first matrix is the one circomlib and ZoKrates
// use for widths 2..7, which test/poseidon_test.cpp confirms.)
std::vector<Fr> cauchy_mds(PoseidonGrain& grain, unsigned width) {
    for (;;) {
        std::vector<Fr> samples;
        std::vector<Limbs> canonical;
        for (unsigned i = 0; i < 2 * width; ++i) {
            samples.push_back(Fr::from_less_than_2p(grain.next_254_bits()));
            canonical.push_back(samples.back().to_canonical());
        }
        std::sort(canonical.begin(), canonical.end());
        if (std::adjacent_find(canonical.begin(), canonical.end()) != canonical.end()) continue;

        std::vector<Fr> mds;
        for (unsigned i = 0; i < width; ++i)
            for (unsigned j = 0; j < width; ++j) mds.push_back(samples[i] + samples[width + j]);
        if (std::any_of(mds.begin(), mds.end(), [](const Fr& sum) { return sum.is_zero(); })) continue;
        for (auto& entry : mds) entry = entry.inverse();
        return mds;
    }
}

PoseidonParameters derive(unsigned width) {
    PoseidonParameters parameters;
    parameters.width = width;
    parameters.full_rounds = kFullRounds;
    parameters.partial_rounds = kPartialRounds[width - kMinWidth];
    PoseidonGrain grain(width, parameters.full_rounds, parameters.partial_rounds);
    parameters.round_constants =
        round_constants(grain, std::size_t{parameters.full_rounds + parameters.partial_rounds} * width);
    parameters.mds = cauchy_mds(grain, width);
    return parameters;
}

}  // namespace

const PoseidonParameters& poseidon_parameters(unsigned width) {
    if (width < kMinWidth || width >= kMinWidth + kPartialRounds.size())
        throw std::invalid_argument("Poseidon parameters exist for widths 2 to 7, not " + std::to_string(width));
    static std::array<PoseidonParameters, kPartialRounds.size()> cache;
    static std::array<std::once_flag, kPartialRounds.size()> derived;
    const unsigned index = width - kMinWidth;
    std::call_once(derived[index], [&] { cache[index] = derive(width); });
    return cache[index];
}

}  // namespace zokml::detail
