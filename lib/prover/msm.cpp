#include "prover/msm.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <stdexcept>
#include <vector>

#include "prover/parallel.hpp"

namespace zokml::prover {

namespace {

unsigned window_count(unsigned scalar_bits, unsigned bits) { return (scalar_bits + bits - 1) / bits; }

// The bit length of the largest scalar.
unsigned bit_width(std::span<const bn254::Limbs> scalars) {
    bn254::Limbs all{};
    for (const bn254::Limbs& s : scalars)
        for (int i = 0; i < 4; ++i) all[i] |= s[i];
    for (int i = 3; i >= 0; --i)
        if (all[i] != 0) return static_cast<unsigned>(64 * i + std::bit_width(all[i]));
    return 0;
}

// Bits [first, first + bits) of the scalar (bits <= 32).
std::uint32_t digit(const bn254::Limbs& scalar, unsigned first, unsigned bits) {
    const unsigned word = first / 64, shift = first % 64;
    std::uint64_t value = scalar[word] >> shift;
    if (shift + bits > 64 && word + 1 < 4) value |= scalar[word + 1] << (64 - shift);
    return static_cast<std::uint32_t>(value & ((std::uint64_t{1} << bits) - 1));
}

template <class Curve>
bool is_infinity(const bn254::AffinePoint<Curve>& p) {
    return p.x.is_zero() && p.y.is_zero();
}

// sum over the points of digit_k(scalar) * point, for the window starting at bit `first`.
template <class Curve>
bn254::JacobianPoint<Curve> window_sum(std::span<const bn254::AffinePoint<Curve>> points, std::span<const bn254::Limbs> scalars,
                                       unsigned first, unsigned bits, std::vector<bn254::JacobianPoint<Curve>>& buckets) {
    using Point = bn254::JacobianPoint<Curve>;
    buckets.assign((std::size_t{1} << bits) - 1, Point{});
    for (std::size_t i = 0; i < points.size(); ++i) {
        const std::uint32_t d = digit(scalars[i], first, bits);
        if (d != 0 && !is_infinity(points[i])) buckets[d - 1] = buckets[d - 1] + points[i];
    }
    // sum_d d * bucket_d as the sum of the running sums from the top bucket down.
    Point running, sum;
    for (std::size_t d = buckets.size(); d-- > 0;) {
        running = running + buckets[d];
        sum = sum + running;
    }
    return sum;
}

}  // namespace

unsigned msm_window_bits(std::size_t count, unsigned scalar_bits) {
    unsigned best = 1;
    double best_cost = 0;
    for (unsigned bits = 1; bits <= 20; ++bits) {
        const double cost =
            window_count(scalar_bits, bits) * (static_cast<double>(count) + 2.0 * static_cast<double>(std::size_t{1} << bits));
        if (bits == 1 || cost < best_cost) best = bits, best_cost = cost;
    }
    return best;
}

template <class Curve>
bn254::JacobianPoint<Curve> multi_scalar_multiply(std::span<const bn254::AffinePoint<Curve>> points,
                                                  std::span<const bn254::Limbs> scalars, unsigned threads) {
    using Point = bn254::JacobianPoint<Curve>;
    if (points.size() != scalars.size()) throw std::invalid_argument("multi_scalar_multiply: as many scalars as points");
    const unsigned scalar_bits = bit_width(scalars);  // the windows above it are empty
    if (scalar_bits == 0) return Point{};
    const unsigned bits = msm_window_bits(points.size(), scalar_bits);
    const unsigned windows = window_count(scalar_bits, bits);
    std::vector<Point> sums(windows);
    // Each thread takes the next window until none is left: on cores shared with others, a thread
    // that runs more does more.
    std::atomic<unsigned> next{0};
    const unsigned workers = std::min(thread_count(threads), windows);
    parallel_for(workers, workers, [&](std::size_t, std::size_t) {
        std::vector<Point> buckets;
        for (unsigned w; (w = next++) < windows;) sums[w] = window_sum<Curve>(points, scalars, w * bits, bits, buckets);
    });
    Point result;
    for (unsigned w = windows; w-- > 0;) {
        for (unsigned i = 0; i < bits; ++i) result = result.doubled();
        result = result + sums[w];
    }
    return result;
}

template bn254::G1 multi_scalar_multiply<bn254::G1Curve>(std::span<const bn254::G1Affine>, std::span<const bn254::Limbs>, unsigned);
template bn254::G2 multi_scalar_multiply<bn254::G2Curve>(std::span<const bn254::G2Affine>, std::span<const bn254::Limbs>, unsigned);

}  // namespace zokml::prover
