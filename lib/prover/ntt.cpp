#include "prover/ntt.hpp"

#include <bit>
#include <stdexcept>
#include <utility>

#include "prover/parallel.hpp"

namespace zokml::prover {

using bn254::Fr;

namespace {

// Below this many butterflies a stage runs on one thread: starting threads would cost more.
constexpr std::size_t kParallelFrom = 1 << 12;

std::vector<Fr> powers(const Fr& base, std::size_t count) {
    std::vector<Fr> out(count);
    Fr power = Fr::one();
    for (Fr& value : out) {
        value = power;
        power *= base;
    }
    return out;
}

}  // namespace

Fr root_of_unity(unsigned log_size) {
    if (log_size > kTwoAdicity) throw std::invalid_argument("no 2^" + std::to_string(log_size) + "-th root of unity in F_r");
    // (r - 1) / 2^28, the odd part of r - 1.
    bn254::Limbs odd = bn254::FrParams::modulus;
    odd[0] -= 1;
    for (int i = 0; i < 4; ++i) odd[i] = odd[i] >> kTwoAdicity | (i < 3 ? odd[i + 1] << (64 - kTwoAdicity) : 0);
    Fr root = Fr::from_u64(5).pow(odd);
    for (unsigned k = kTwoAdicity; k > log_size; --k) root = root.squared();
    return root;
}

Domain::Domain(unsigned log_size) : log_size_(log_size), generator_(root_of_unity(log_size)) {
    roots_ = powers(generator_, size() / 2);
    inverse_roots_ = powers(generator_.inverse(), size() / 2);
}

void Domain::transform(std::span<Fr> values, const std::vector<Fr>& roots, unsigned threads) const {
    const std::size_t n = size();
    if (values.size() != n) throw std::invalid_argument("a transform of " + std::to_string(values.size()) + " values on a domain of " + std::to_string(n));
    if (n == 1) return;
    // Bit-reversed order, then the butterflies stage by stage (Cooley-Tukey, decimation in time).
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t j = 0;
        for (unsigned b = 0; b < log_size_; ++b) j |= ((i >> b) & 1) << (log_size_ - 1 - b);
        if (i < j) std::swap(values[i], values[j]);
    }
    const auto butterfly = [&](std::size_t i, std::size_t k, const Fr& root) {
        const Fr v = values[k] * root;
        values[k] = values[i] - v;
        values[i] += v;
    };
    // The stages whose blocks fit in a part of n / parts values run part by part, each part on a
    // thread through all of them (one start of threads for those stages); the last log2(parts)
    // stages split each stage's butterflies over the threads.
    const unsigned workers = n / 2 >= kParallelFrom ? thread_count(threads) : 1;
    const std::size_t parts = std::bit_floor(workers), part = n / parts;
    parallel_for(parts, static_cast<unsigned>(parts), [&](std::size_t begin, std::size_t end) {
        for (std::size_t p = begin; p < end; ++p)
            for (std::size_t half = 1; half < part; half *= 2) {
                const std::size_t stride = n / (2 * half);  // the root of this stage is w^stride
                for (std::size_t block = p * part; block < (p + 1) * part; block += 2 * half)
                    for (std::size_t j = 0; j < half; ++j) butterfly(block + j, block + j + half, roots[j * stride]);
            }
    });
    for (std::size_t half = part; half < n; half *= 2) {
        const std::size_t stride = n / (2 * half);
        parallel_for(half, workers, [&](std::size_t begin, std::size_t end) {
            for (std::size_t block = 0; block < n; block += 2 * half)
                for (std::size_t j = begin; j < end; ++j) butterfly(block + j, block + j + half, roots[j * stride]);
        });
    }
}

void Domain::forward(std::span<Fr> values, unsigned threads) const { transform(values, roots_, threads); }

void Domain::inverse(std::span<Fr> values, unsigned threads) const {
    transform(values, inverse_roots_, threads);
    const Fr scale = Fr::from_u64(size()).inverse();
    parallel_for(values.size(), size() >= kParallelFrom ? thread_count(threads) : 1, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) values[i] *= scale;
    });
}

}  // namespace zokml::prover
