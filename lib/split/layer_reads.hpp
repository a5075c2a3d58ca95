// What each neuron or filter of a split layer reads: the convolution's plane, the pooling window
// it sums, and the values it takes from each input (the plan's bounds and the part programs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/window.hpp"
#include "zokml/split/plan.hpp"

namespace zokml::detail {

// The convolution's output plane (one filter), which a fused AvgPool slides over.
inline Shape3 conv_plane(const SplitLayer& l) { return window_output(l.image, l.window, 1); }

// For each output position (after the pooling) of a filter, f(positions) where positions(g) calls
// g(p) for each convolution output p it sums: p itself, or the pooling window's.
template <typename F>
void for_each_output(const SplitLayer& l, F&& f) {
    const Shape3 plane = conv_plane(l);
    if (l.pool.kernel_height == 0) {
        for (std::size_t p = 0; p < plane.size(); ++p) f([&](auto&& g) { g(p); });
        return;
    }
    for_each_pool_output(plane, l.pool, [&](auto&& taps) { f([&](auto&& g) { taps(g); }); });
}

// What one neuron or filter reads from each input, output by output: a Dense neuron's whole
// input, or a filter's patch (channel by channel, as its weights; zeros in the padding), summed
// over the pooling window when an AvgPool follows.
inline std::vector<std::vector<std::int64_t>> patches(const SplitLayer& l, const std::vector<std::int64_t>& x) {
    if (!l.convolution()) return {x};
    std::vector<std::vector<std::int64_t>> conv;
    for_each_conv_output(l.image, l.window, 1, [&](std::size_t, auto&& taps) {
        auto& patch = conv.emplace_back(l.patch, 0);
        taps([&](std::size_t i, std::size_t k) { patch[k] = x.at(i); });
    });
    std::vector<std::vector<std::int64_t>> all;
    for_each_output(l, [&](auto&& positions) {
        auto& sum = all.emplace_back(l.patch, 0);
        positions([&](std::size_t p) {
            for (std::size_t k = 0; k < l.patch; ++k) sum[k] += conv[p][k];
        });
    });
    return all;
}

// The outputs an AvgPool sums into one (1 without): as every part of the layer says.
inline std::size_t pool_size(const SplitLayer& l) { return l.parts.front().pool_size(); }

}  // namespace zokml::detail
