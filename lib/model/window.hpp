// Walking the window of one output of a convolution or pooling layer (shared by float inference,
// quantization bounds, the integer reference and the circuit generator).
#pragma once

#include <cstddef>

#include "zokml/model/model.hpp"

namespace zokml::detail {

// For output (channel c's input plane, y, x): calls f(input index, kernel offset ky * kw + kx) for
// every kernel position inside the input, row by row; positions in the zero padding are skipped.
// The input index is (c * height + iy) * width + ix with iy = y * sh + ky - pad_top,
// ix = x * sw + kx - pad_left.
template <typename F>
void for_window(const Shape3& in, const Window2D& w, std::size_t c, std::size_t y, std::size_t x, F&& f) {
    for (std::size_t ky = 0; ky < w.kernel_height; ++ky) {
        const std::size_t iy = y * w.stride_height + ky;
        if (iy < w.pad_top || iy - w.pad_top >= in.height) continue;
        for (std::size_t kx = 0; kx < w.kernel_width; ++kx) {
            const std::size_t ix = x * w.stride_width + kx;
            if (ix < w.pad_left || ix - w.pad_left >= in.width) continue;
            f(((c * in.height) + iy - w.pad_top) * in.width + ix - w.pad_left, ky * w.kernel_width + kx);
        }
    }
}

// For every output of a convolution over `in` with `filters` filters, in order (filter, row,
// column): f(filter, taps), where taps(g) calls g(input index, weight index) for each of the
// output's kernel positions inside the input, channel by channel (weights as Conv2DLayer's).
template <typename F>
void for_each_conv_output(const Shape3& in, const Window2D& w, std::size_t filters, F&& f) {
    const Shape3 out = window_output(in, w, filters);
    const std::size_t per_channel = w.kernel_height * w.kernel_width;
    for (std::size_t o = 0; o < filters; ++o)
        for (std::size_t y = 0; y < out.height; ++y)
            for (std::size_t x = 0; x < out.width; ++x)
                f(o, [&](auto&& g) {
                    for (std::size_t c = 0; c < in.channels; ++c)
                        for_window(in, w, c, y, x, [&](std::size_t i, std::size_t k) { g(i, (o * in.channels + c) * per_channel + k); });
                });
}

// For every output of a pooling over `in`, in order (channel, row, column): f(taps), where taps(g)
// calls g(input index) for each position of the output's window.
template <typename F>
void for_each_pool_output(const Shape3& in, const Window2D& w, F&& f) {
    const Shape3 out = window_output(in, w, in.channels);
    for (std::size_t c = 0; c < out.channels; ++c)
        for (std::size_t y = 0; y < out.height; ++y)
            for (std::size_t x = 0; x < out.width; ++x)
                f([&](auto&& g) { for_window(in, w, c, y, x, [&](std::size_t i, std::size_t) { g(i); }); });
}

}  // namespace zokml::detail
