#include "prover/msm.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "prover/batch_inverse.hpp"
#include "prover/parallel.hpp"
#include "prover/scalar_digit.hpp"

namespace zokml::prover {

namespace {

// Field multiplications per point added, and per bucket in the final running sums (a mixed and a
// full Jacobian addition): the cost model that picks the window and the bucket method.
constexpr double kJacobianAddCost = 11, kAffineAddCost = 6, kBucketSumCost = 27, kInversionCost = 384;
constexpr std::size_t kMaxBatch = 1024;

// Windows of `bits` bits for scalars of scalar_bits bits in signed digits, whose carry out of the
// top window needs one more bit.
unsigned window_count(unsigned scalar_bits, unsigned bits) { return (scalar_bits + 1 + bits - 1) / bits; }

// Additions scheduled together in one batch inversion: a fraction of the buckets, so that few
// points find their bucket already scheduled and go to its overflow.
std::size_t batch_size(unsigned bits) { return std::clamp<std::size_t>((std::size_t{1} << (bits - 1)) / 4, 1, kMaxBatch); }

double window_cost(std::size_t count, unsigned bits, bool affine) {
    const double buckets = static_cast<double>(std::size_t{1} << (bits - 1));
    const double per_point = affine ? kAffineAddCost + kInversionCost / static_cast<double>(batch_size(bits)) : kJacobianAddCost;
    return static_cast<double>(count) * per_point + buckets * kBucketSumCost;
}

}  // namespace

MsmPlan msm_plan(std::size_t count, unsigned scalar_bits) {
    MsmPlan best{1, false};
    double best_cost = -1;
    for (unsigned bits = 1; bits <= 20; ++bits)
        for (const bool affine : {false, true}) {
            const double cost = window_count(scalar_bits, bits) * window_cost(count, bits, affine);
            if (best_cost < 0 || cost < best_cost) best = {bits, affine}, best_cost = cost;
        }
    return best;
}

namespace {

// The bit length of the largest scalar.
unsigned bit_width(std::span<const bn254::Limbs> scalars) {
    bn254::Limbs all{};
    for (const bn254::Limbs& s : scalars)
        for (int i = 0; i < 4; ++i) all[i] |= s[i];
    for (int i = 3; i >= 0; --i)
        if (all[i] != 0) return static_cast<unsigned>(64 * i + std::bit_width(all[i]));
    return 0;
}

// The scalars in signed digits of `bits` bits, window by window (digits[w * count + i]), each in
// [-2^(bits-1), 2^(bits-1)]: a digit above half borrows from the next window, so that a point and
// its negation share a bucket and half the buckets do.
std::vector<std::int32_t> signed_digits(std::span<const bn254::Limbs> scalars, unsigned bits, unsigned windows, unsigned threads) {
    const std::size_t count = scalars.size();
    const std::int64_t half = std::int64_t{1} << (bits - 1), full = std::int64_t{1} << bits;
    std::vector<std::int32_t> digits(count * windows);
    parallel_for(count, threads, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            std::int64_t carry = 0;
            for (unsigned w = 0; w < windows; ++w) {
                std::int64_t d = scalar_digit(scalars[i], w * bits, bits) + carry;
                carry = d > half ? 1 : 0;
                digits[w * count + i] = static_cast<std::int32_t>(d - carry * full);
            }
        }
    });
    return digits;
}

template <class Curve>
bool is_infinity(const bn254::AffinePoint<Curve>& p) {
    return p.x.is_zero() && p.y.is_zero();
}

// One window's sum with Jacobian buckets and mixed additions: for few points, where a batch would
// hold too few additions to pay for its inversion.
template <class Curve>
bn254::JacobianPoint<Curve> jacobian_window_sum(std::span<const bn254::AffinePoint<Curve>> points, std::span<const std::int32_t> digits,
                                                unsigned bits) {
    std::vector<bn254::JacobianPoint<Curve>> buckets(std::size_t{1} << (bits - 1));
    for (std::size_t i = 0; i < points.size(); ++i) {
        const std::int32_t d = digits[i];
        if (d == 0 || is_infinity(points[i])) continue;
        auto& bucket = buckets[static_cast<std::size_t>(d > 0 ? d : -d) - 1];
        bucket = bucket + (d > 0 ? points[i] : -points[i]);
    }
    // sum_d d * bucket_d as the sum of the running sums from the top bucket down.
    bn254::JacobianPoint<Curve> running, sum;
    for (std::size_t d = buckets.size(); d-- > 0;) {
        running = running + buckets[d];
        sum = sum + running;
    }
    return sum;
}

// One window's sum with affine buckets: additions to distinct buckets are collected into a batch
// whose denominators (x2 - x1) share one inversion (batch_inverse.hpp), so that an addition costs
// about 6 multiplications instead of a mixed addition's 11. A point whose bucket is already in the
// batch goes into that bucket's Jacobian overflow by a mixed addition (waiting for the next batch
// would rescan the waiting points at every batch: quadratic when most digits are equal, as in a
// top window or a witness of equal values); equal x (a doubling or a cancellation) is done at once.
template <class Curve>
class AffineBuckets {
public:
    using Affine = bn254::AffinePoint<Curve>;
    using Jacobian = bn254::JacobianPoint<Curve>;
    using F = typename Curve::Field;

    AffineBuckets(std::size_t buckets, std::size_t batch)
        : buckets_(buckets), filled_(buckets), overflow_(buckets), scheduled_(buckets, 0), batch_size_(batch) {
        batch_.reserve(batch);
        denominators_.reserve(batch);
        prefix_.reserve(batch);
    }

    void add(std::size_t bucket, const Affine& point) {
        Affine& sum = buckets_[bucket];
        if (scheduled_[bucket] == batch_number_) {
            overflow_[bucket] = overflow_[bucket] + point;
        } else if (!filled_[bucket]) {
            sum = point, filled_[bucket] = 1;
        } else if (sum.x == point.x) {  // the same point (double it) or its negation (the bucket empties)
            const auto doubled = sum.y == point.y ? Jacobian(point).doubled().to_affine() : std::nullopt;
            if (doubled) sum = *doubled;
            filled_[bucket] = doubled.has_value();
        } else {
            scheduled_[bucket] = batch_number_;
            batch_.push_back({bucket, point});
            denominators_.push_back(point.x - sum.x);
            if (batch_.size() == batch_size_) flush();
        }
    }

    // sum_d d * bucket_d once every addition is done, as the sum of the running sums from the top
    // bucket down.
    Jacobian sum() {
        flush();
        Jacobian running, total;
        for (std::size_t d = buckets_.size(); d-- > 0;) {
            if (filled_[d]) running = running + buckets_[d];
            running = running + overflow_[d];
            total = total + running;
        }
        return total;
    }

private:
    struct Addition {
        std::size_t bucket;
        Affine point;
    };

    // Completes the batch's additions: the slopes' denominators inverted together.
    void flush() {
        invert_all<F>(denominators_, prefix_);
        for (std::size_t k = 0; k < batch_.size(); ++k) {
            Affine& sum = buckets_[batch_[k].bucket];
            const Affine& p = batch_[k].point;
            const F slope = (p.y - sum.y) * denominators_[k];
            const F x = slope.squared() - sum.x - p.x;
            sum = {x, slope * (sum.x - x) - sum.y};
        }
        batch_.clear();
        denominators_.clear();
        ++batch_number_;
    }

    std::vector<Affine> buckets_;
    std::vector<std::uint8_t> filled_;
    std::vector<Jacobian> overflow_;
    std::vector<std::uint32_t> scheduled_;  // the batch number that holds an addition to the bucket
    std::uint32_t batch_number_ = 1;
    std::size_t batch_size_;
    std::vector<Addition> batch_;
    std::vector<F> denominators_, prefix_;
};

template <class Curve>
bn254::JacobianPoint<Curve> affine_window_sum(std::span<const bn254::AffinePoint<Curve>> points, std::span<const std::int32_t> digits,
                                              unsigned bits) {
    AffineBuckets<Curve> buckets(std::size_t{1} << (bits - 1), batch_size(bits));
    for (std::size_t i = 0; i < points.size(); ++i) {
        const std::int32_t d = digits[i];
        if (d == 0 || is_infinity(points[i])) continue;
        buckets.add(static_cast<std::size_t>(d > 0 ? d : -d) - 1, d > 0 ? points[i] : -points[i]);
    }
    return buckets.sum();
}

}  // namespace

template <class Curve>
bn254::JacobianPoint<Curve> multi_scalar_multiply(std::span<const bn254::AffinePoint<Curve>> points,
                                                  std::span<const bn254::Limbs> scalars, unsigned threads) {
    using Point = bn254::JacobianPoint<Curve>;
    if (points.size() != scalars.size()) throw std::invalid_argument("multi_scalar_multiply: as many scalars as points");
    const unsigned scalar_bits = bit_width(scalars);  // the windows above it are empty
    if (scalar_bits == 0) return Point{};
    const MsmPlan plan = msm_plan(points.size(), scalar_bits);
    const unsigned windows = window_count(scalar_bits, plan.window_bits);
    const std::vector<std::int32_t> digits = signed_digits(scalars, plan.window_bits, windows, threads);
    std::vector<Point> sums(windows);
    // Each thread takes the next window until none is left: on cores shared with others, a thread
    // that runs more does more.
    std::atomic<unsigned> next{0};
    const unsigned workers = std::min(thread_count(threads), windows);
    parallel_for(workers, workers, [&](std::size_t, std::size_t) {
        for (unsigned w; (w = next++) < windows;) {
            const std::span<const std::int32_t> window(digits.data() + std::size_t{w} * points.size(), points.size());
            sums[w] = plan.affine_buckets ? affine_window_sum<Curve>(points, window, plan.window_bits) : jacobian_window_sum<Curve>(points, window, plan.window_bits);
        }
    });
    Point result;
    for (unsigned w = windows; w-- > 0;) {
        for (unsigned i = 0; i < plan.window_bits; ++i) result = result.doubled();
        result = result + sums[w];
    }
    return result;
}

template bn254::G1 multi_scalar_multiply<bn254::G1Curve>(std::span<const bn254::G1Affine>, std::span<const bn254::Limbs>, unsigned);
template bn254::G2 multi_scalar_multiply<bn254::G2Curve>(std::span<const bn254::G2Affine>, std::span<const bn254::Limbs>, unsigned);

}  // namespace zokml::prover
