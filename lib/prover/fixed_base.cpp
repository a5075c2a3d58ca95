#include "prover/fixed_base.hpp"

#include <atomic>
#include <stdexcept>

#include <openssl/crypto.h>

#include "prover/batch_inverse.hpp"
#include "prover/parallel.hpp"
#include "prover/scalar_digit.hpp"

namespace zokml::prover {

using bn254::Fr;
using bn254::Limbs;

namespace {

// Points converted per batch: one inversion each, and the batch stays in the cache.
constexpr std::size_t kBatch = 1024;

}  // namespace

template <class Curve>
void batch_to_affine(std::span<const bn254::JacobianPoint<Curve>> points, std::span<bn254::AffinePoint<Curve>> out) {
    using F = typename Curve::Field;
    if (out.size() != points.size()) throw std::invalid_argument("batch_to_affine: sizes differ");
    std::vector<F> z_inverses, prefix;  // of the points not at infinity, in order
    for (const auto& p : points)
        if (!p.is_infinity()) z_inverses.push_back(p.z());
    invert_all<F>(z_inverses, prefix);
    for (std::size_t i = 0, j = 0; i < points.size(); ++i) out[i] = points[i].is_infinity() ? bn254::AffinePoint<Curve>{} : points[i].to_affine(z_inverses[j++]);
}

template <class Curve>
FixedBase<Curve>::FixedBase(const bn254::AffinePoint<Curve>& base, unsigned window_bits, unsigned threads)
    : window_bits_(window_bits), windows_((254 + window_bits - 1) / window_bits) {
    if (window_bits == 0 || window_bits > 16) throw std::invalid_argument("FixedBase: a window of 1 to 16 bits");
    const std::size_t digits = (std::size_t{1} << window_bits) - 1;
    // Each window's base, 2^(w k) P, by w doublings each (few), then its multiples in parallel.
    std::vector<bn254::JacobianPoint<Curve>> window_bases(windows_);
    window_bases[0] = base;
    for (unsigned k = 1; k < windows_; ++k) {
        window_bases[k] = window_bases[k - 1];
        for (unsigned b = 0; b < window_bits; ++b) window_bases[k] = window_bases[k].doubled();
    }
    table_.resize(windows_ * digits);
    parallel_for(windows_, threads, [&](std::size_t begin, std::size_t end) {
        std::vector<bn254::JacobianPoint<Curve>> multiples(digits);
        for (std::size_t k = begin; k < end; ++k) {
            multiples[0] = window_bases[k];
            for (std::size_t d = 1; d < digits; ++d) multiples[d] = multiples[d - 1] + window_bases[k];
            batch_to_affine<Curve>(multiples, std::span(table_).subspan(k * digits, digits));
        }
    });
}

template <class Curve>
bn254::JacobianPoint<Curve> FixedBase<Curve>::multiple(const Fr& scalar) const {
    const Limbs bits = scalar.to_canonical();
    const std::size_t digits = (std::size_t{1} << window_bits_) - 1;
    bn254::JacobianPoint<Curve> sum;
    for (unsigned k = 0; k < windows_; ++k)
        if (const unsigned d = scalar_digit(bits, k * window_bits_, window_bits_); d != 0) sum = sum + table_[k * digits + d - 1];
    return sum;
}

// The batch's multiples window by window in affine coordinates: each window adds one table
// point to every sum, and the additions of a window share one inversion (batch_inverse.hpp), so
// an addition costs about 6 multiplications instead of a mixed addition's 11. A sum that meets
// its table point's x (the same point or its negation: never, for random scalars) is added in
// Jacobian coordinates instead.
template <class Curve>
void FixedBase<Curve>::multiples(std::span<const Fr> scalars, std::span<bn254::AffinePoint<Curve>> out, unsigned threads) const {
    using F = typename Curve::Field;
    using Affine = bn254::AffinePoint<Curve>;
    if (out.size() != scalars.size()) throw std::invalid_argument("FixedBase::multiples: sizes differ");
    const std::size_t digits = (std::size_t{1} << window_bits_) - 1;
    const std::size_t batches = (scalars.size() + kBatch - 1) / kBatch;
    // Each thread takes the next batch until none is left (cores shared with other work).
    std::atomic<std::size_t> next{0};
    parallel_for(std::min<std::size_t>(batches, thread_count(threads)), threads, [&](std::size_t, std::size_t) {
        std::vector<Limbs> bits(kBatch);
        std::vector<std::uint8_t> empty(kBatch);  // the sum is still the point at infinity
        std::vector<std::uint32_t> adding(kBatch);
        std::vector<F> denominators(kBatch), prefix;
        for (std::size_t batch; (batch = next++) < batches;) {
            const std::size_t first = batch * kBatch, count = std::min(kBatch, scalars.size() - first);
            const std::span<Affine> sums = out.subspan(first, count);
            for (std::size_t i = 0; i < count; ++i) bits[i] = scalars[first + i].to_canonical(), empty[i] = 1;
            for (unsigned k = 0; k < windows_; ++k) {
                const Affine* table = table_.data() + k * digits;
                std::size_t n = 0;
                for (std::size_t i = 0; i < count; ++i) {
                    const unsigned d = scalar_digit(bits[i], k * window_bits_, window_bits_);
                    if (d == 0) continue;
                    const Affine& t = table[d - 1];
                    if (empty[i]) {
                        sums[i] = t, empty[i] = 0;
                    } else if (const F denominator = t.x - sums[i].x; denominator.is_zero()) {
                        const auto sum = (bn254::JacobianPoint<Curve>(sums[i]) + t).to_affine();
                        if (sum) sums[i] = *sum;
                        empty[i] = !sum;
                    } else {
                        denominators[n] = denominator;
                        adding[n++] = static_cast<std::uint32_t>(i);
                    }
                }
                invert_all<F>(std::span(denominators).first(n), prefix);
                for (std::size_t j = 0; j < n; ++j) {
                    const std::size_t i = adding[j];
                    const Affine& t = table[scalar_digit(bits[i], k * window_bits_, window_bits_) - 1];
                    const F lambda = (t.y - sums[i].y) * denominators[j];
                    const F x = lambda.squared() - sums[i].x - t.x;
                    sums[i] = {x, lambda * (sums[i].x - x) - sums[i].y};
                }
            }
            for (std::size_t i = 0; i < count; ++i)
                if (empty[i]) sums[i] = {};
        }
        OPENSSL_cleanse(bits.data(), bits.size() * sizeof(Limbs));  // the scalars may be secrets
    });
}

template void batch_to_affine<bn254::G1Curve>(std::span<const bn254::G1>, std::span<bn254::G1Affine>);
template void batch_to_affine<bn254::G2Curve>(std::span<const bn254::G2>, std::span<bn254::G2Affine>);
template class FixedBase<bn254::G1Curve>;
template class FixedBase<bn254::G2Curve>;

}  // namespace zokml::prover
