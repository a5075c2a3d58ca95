#include "piecewise.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/int128.hpp"
#include "value_limit.hpp"
#include "zokml/core/errors.hpp"

namespace zokml {

std::size_t QuantizedActivation::segment(std::int64_t x) const {
    return static_cast<std::size_t>(std::upper_bound(breakpoints.begin(), breakpoints.end(), x) - breakpoints.begin());
}

std::int64_t QuantizedActivation::value(std::int64_t x) const {
    const std::size_t j = segment(x);
    const detail::int128 t = detail::int128(slopes[j]) * x + intercepts[j];
    if (shift == 0) return static_cast<std::int64_t>(t);
    // floor((t + 2^(k-1)) / 2^k): >> of a negative int128 rounds toward -infinity.
    return static_cast<std::int64_t>((t + (detail::int128(1) << (shift - 1))) >> shift);
}

namespace detail {
namespace {

using Function = ActivationLayer::Function;

// A line alpha * u + beta over floats.
struct Line {
    double alpha = 0.0, beta = 0.0;
    double at(double u) const { return alpha * u + beta; }
};

// A piecewise-linear function of floats: lines[j] on [points[j-1], points[j]) (lines[0] below
// points[0], the last line from the last point on).
struct FloatPieces {
    std::vector<double> points;
    std::vector<Line> lines;
    double error = 0.0;  // max |f - pieces| measured
};

Line chord(const std::function<double(double)>& f, double a, double b) {
    const double alpha = (f(b) - f(a)) / (b - a);
    return {alpha, f(a) - alpha * a};
}

double chord_error(const std::function<double(double)>& f, double a, double b, int samples) {
    const Line line = chord(f, a, b);
    double error = 0.0;
    for (int i = 1; i < samples; ++i) {
        const double u = a + (b - a) * i / samples;
        error = std::max(error, std::abs(f(u) - line.at(u)));
    }
    return error;
}

// Below -B the function is its left tail (a constant), from B on its right tail (a constant, or
// the identity for SiLU and GELU); between, chords chosen greedily, each as long as the error allows.
FloatPieces smooth_pieces(const ActivationLayer& a, double target) {
    const auto f = [&](double u) { return activation_function(a, u); };
    const bool identity_tail = a.function == Function::SiLU || a.function == Function::GELU;
    const Line left{0.0, a.function == Function::Tanh ? -1.0 : 0.0};
    const Line right = identity_tail ? Line{1.0, 0.0} : Line{0.0, 1.0};
    const auto tail_error = [&](double b) { return std::max(std::abs(f(-b) - left.at(-b)), std::abs(f(b) - right.at(b))); };
    // The tails' errors fall from their peak (below 2) on: walk down from far out while they stay within.
    constexpr double kStep = 1.0 / 64;
    double bound = 64.0;
    while (bound - kStep > 0.5 && tail_error(bound - kStep) <= target) bound -= kStep;
    FloatPieces p;
    p.lines.push_back(left);
    double start = -bound;
    p.points.push_back(start);
    while (start < bound) {
        double lo = start, hi = bound;
        if (chord_error(f, start, hi, 64) > target) {
            for (int i = 0; i < 50; ++i) {
                const double mid = (lo + hi) / 2;
                (chord_error(f, start, mid, 64) <= target ? lo : hi) = mid;
            }
            hi = lo;
        }
        if (hi <= start) hi = std::min(bound, start + 1e-3);  // a target below what a double resolves
        p.lines.push_back(chord(f, start, hi));
        p.points.push_back(hi);
        start = hi;
    }
    p.lines.push_back(right);
    for (std::size_t j = 0; j < p.lines.size(); ++j) {
        const double from = j == 0 ? p.points.front() - 16 : p.points[j - 1];
        const double to = j == p.points.size() ? p.points.back() + 16 : p.points[j];
        for (int i = 0; i <= 256; ++i) {
            const double u = from + (to - from) * i / 256;
            if (u < to || j == p.points.size()) p.error = std::max(p.error, std::abs(f(u) - p.lines[j].at(u)));
        }
    }
    return p;
}

std::int64_t clamped_round(double v) {
    constexpr double kLimit = 4611686018427387904.0;  // 2^62
    return std::llround(std::clamp(v, -kLimit, kLimit));
}

std::int64_t clamped_ceil(double v) { return clamped_round(std::ceil(v)); }

// Drops segments no input within `in` reaches, and empty ones.
void restrict_to(QuantizedActivation& q, Interval in) {
    QuantizedActivation r = q;
    r.breakpoints.clear();
    r.slopes.clear();
    r.intercepts.clear();
    for (std::size_t j = 0; j <= q.breakpoints.size(); ++j) {
        const bool has_start = j > 0;
        const std::int64_t start = has_start ? q.breakpoints[j - 1] : 0;
        const bool has_end = j < q.breakpoints.size();
        const std::int64_t end = has_end ? q.breakpoints[j] : 0;  // exclusive
        if ((has_end && end <= in.lo) || (has_start && start > in.hi) || (has_start && has_end && start >= end)) continue;
        if (!r.slopes.empty()) r.breakpoints.push_back(start);
        r.slopes.push_back(q.slopes[j]);
        r.intercepts.push_back(q.intercepts[j]);
    }
    q = std::move(r);
}

// The inputs of segment j within `in`.
Interval segment_inputs(const QuantizedActivation& q, std::size_t j, Interval in) {
    return {j == 0 ? in.lo : std::max(in.lo, q.breakpoints[j - 1]),
            j == q.breakpoints.size() ? in.hi : std::min(in.hi, q.breakpoints[j] - 1)};
}

}  // namespace

QuantizedActivation quantize_activation(const ActivationLayer& function, Interval in, double in_scale, double max_error,
                                        double& out_scale, const std::string& model, const std::string& field) {
    QuantizedActivation q;
    q.function = function;
    if (function.function == Function::Clip || function.function == Function::HardSigmoid) {
        // Slope 1 at the output scale: y = clamp(x + c, low, high), exact up to rounding its constants.
        const bool clip = function.function == Function::Clip;
        out_scale = clip ? in_scale : in_scale / function.alpha;
        const double low = clip ? function.min * out_scale : 0.0, high = clip ? function.max * out_scale : out_scale;
        const double offset = clip ? 0.0 : function.beta * out_scale;
        const std::int64_t l = clamped_round(low), h = clamped_round(high), c = clamped_round(offset);
        q.breakpoints = {l - c, h - c};
        q.slopes = {0, 1, 0};
        q.intercepts = {l, c, h};
        q.max_error = std::max({std::abs(l - low), std::abs(h - high), std::abs(c - offset)}) / out_scale;
    } else {
        // Three quarters of the error for the approximation, the rest for rounding: an output
        // scale 2^p >= 4 / max_error keeps the final rounding (half a unit) within an eighth.
        const FloatPieces p = smooth_pieces(function, 0.75 * max_error);
        out_scale = std::ldexp(1.0, static_cast<int>(std::ceil(std::log2(4.0 / max_error))));
        for (const double u : p.points) q.breakpoints.push_back(clamped_ceil(u * in_scale));
        q.slopes.assign(p.lines.size(), 0);
        q.intercepts.assign(p.lines.size(), 0);
        restrict_to(q, in);  // with placeholder integers: which float lines remain is what matters
        // Rebuilt with the float lines of the segments that remain.
        QuantizedActivation all;
        for (const double u : p.points) all.breakpoints.push_back(clamped_ceil(u * in_scale));
        std::vector<Line> lines;
        for (std::size_t j = 0; j <= all.breakpoints.size(); ++j) {
            const Interval xs = segment_inputs(all, j, in);
            if (xs.lo <= xs.hi) lines.push_back(p.lines[j]);
        }
        // The shift keeps the slopes' rounding within an eighth of a unit: 2^k >= 4 |x| + 4 on every sloped segment.
        int128 largest = 0;
        for (std::size_t j = 0; j < lines.size(); ++j) {
            const Interval xs = segment_inputs(q, j, in);
            if (lines[j].alpha != 0.0) largest = std::max({largest, int128(xs.lo < 0 ? -int128(xs.lo) : int128(xs.lo)),
                                                           xs.hi < 0 ? -int128(xs.hi) : int128(xs.hi)});
        }
        unsigned k = 0;
        while ((int128(1) << k) < 4 * largest + 4) ++k;
        if (k > 62)
            throw InputError(model, field, fmt::format("the {} approximation needs a shift of 2^{} for inputs up to {}: rescale "
                                                       "the values before it (activation_bits)",
                                                       activation_name(function.function), k, static_cast<double>(largest)));
        q.shift = k;
        const double unit = std::ldexp(out_scale, static_cast<int>(k));
        for (std::size_t j = 0; j < lines.size(); ++j) {
            const double slope = lines[j].alpha * unit / in_scale, intercept = lines[j].beta * unit;
            if (!(std::abs(slope) < 0x1p62) || !(std::abs(intercept) < 0x1p62))
                throw InputError(model, field,
                                 fmt::format("the {} approximation's integers exceed 2^62 at the input scale {}: rescale the "
                                             "values before it (activation_bits)",
                                             activation_name(function.function), in_scale));
            q.slopes[j] = std::llround(slope);
            q.intercepts[j] = std::llround(intercept);
        }
        q.max_error = p.error + (0.5 + (0.5 * static_cast<double>(largest) + 0.5) / std::ldexp(1.0, static_cast<int>(k))) / out_scale;
        return q;
    }
    restrict_to(q, in);
    return q;
}

Interval activation_bounds(const QuantizedActivation& q, Interval in) {
    Interval out{q.value(in.lo), q.value(in.lo)};
    const auto add = [&](std::int64_t x) {
        if (x < in.lo || x > in.hi) return;
        const std::int64_t y = q.value(x);
        out = {std::min(out.lo, y), std::max(out.hi, y)};
    };
    add(in.hi);
    for (const std::int64_t b : q.breakpoints) {
        add(b);
        add(b - 1);
    }
    return out;
}

}  // namespace detail
}  // namespace zokml
