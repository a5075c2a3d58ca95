// ZoKrates source for the layers beyond Dense: the activation of a value (ReLU, rescaling, both),
// and the row modules of Conv2D, MaxPool and AvgPool layers (docs/circuit-layout.md).
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "zokml/quantize/quantize.hpp"

namespace zokml::detail {

// The helper modules (templates of the same name, at the circuit's top level) a piece of code calls.
struct Helpers {
    std::set<std::string> names;  // "is_nonnegative", "rescale", "relu_rescale", "max"
    // import lines for a module `depth` folders below the top ("../is_nonnegative" from l0/...)
    std::string imports(std::size_t depth) const;
};

// What a layer does to output i after computing it into the variable `v`: the ReLU (when `relu`)
// and the rescale (layer.rescale_bits), each decided statically where the bounds allow it. `v`
// holds the exact value plus the rescale's rounding offset (rounding_offset(layer)).
std::string activation(const QuantizedLayer& layer, bool relu, std::size_t i, const std::string& v, Helpers& helpers);
// 2^(k-1) for a layer rescaled by 2^k, else 0: added to its values so that the floor rounds.
std::int64_t rounding_offset(const QuantizedLayer& layer);

// One row of a Conv2D or pooling layer's output, for one output channel: the module's text, and
// the input rows it takes, in order, as (channel, row) pairs of the layer's input.
struct RowModule {
    std::string text;
    std::vector<std::pair<std::size_t, std::size_t>> input_rows;
};
// The outputs [begin, end) of a row.
struct Columns {
    std::size_t begin;
    std::size_t end;
};
// `step` names the layer in comments ("layer 2 (conv2d ...)"); the module lives one folder below the top. A
// MaxPool's comparisons take their widths from the bounds of the values entering it.
RowModule conv_row_module(const QuantizedLayer& layer, bool relu, std::size_t filter, std::size_t row, Columns columns,
                          const std::string& step, Helpers& helpers);
RowModule pool_row_module(const QuantizedLayer& layer, const std::vector<Interval>& input_bounds, bool relu,
                          std::size_t channel, std::size_t row, Columns columns, const std::string& step,
                          Helpers& helpers);
// The terms of one output's sum (a Conv2D's weights per filter, a pool's window).
std::size_t terms_per_output(const QuantizedLayer& layer);

// A row assembled from block modules (in the same folder, each a row module over some columns):
// it takes the same rows and concatenates what they return.
struct Block {
    std::string file;  // "f0_r3_x8": the module's name, also its alias
};
RowModule blocks_row_module(const std::vector<std::pair<std::size_t, std::size_t>>& rows, std::size_t width,
                            std::size_t size, const std::string& description, const std::vector<Block>& blocks);

// The module of an Activation layer, main(field x) -> field, for inputs within `inputs` (the hull of
// its input bounds; docs/circuit-layout.md): a sign test per breakpoint, as wide as the bounds need,
// selects the segment's slope and intercept (sums of constants over the tests' answers: no
// constraint), then one product and the rescale. `step` names the layer in comments.
std::string activation_module(const QuantizedLayer& layer, Interval inputs, const std::string& step, Helpers& helpers);
// The constraints of one call of that module.
std::size_t activation_module_constraints(const QuantizedLayer& layer, Interval inputs);

// A Conv2D followed directly by an AvgPool as one Conv2D layer with the AvgPool's outputs (window
// sums), bounds and rescale: every pooled value is one linear combination of the inputs, its
// kernel the sum of the convolution's kernel shifted to each position of the pooling window. The
// integers are those of the two layers, exactly; the generated code is 2-3 times shorter.
QuantizedLayer fuse_conv_avgpool(const QuantizedLayer& conv, const QuantizedLayer& pool);

// An Add layer (and the ReLU after it when `relu`) as one module, one folder below the top: it
// takes the values entering the layer and those it adds as flat arrays x and s.
std::string add_module(const QuantizedLayer& layer, bool relu, const std::string& step, Helpers& helpers);

// "conv2d 1x28x28 -> 4x12x12 (5x5, stride 2x2)" and the like, for comments.
std::string layer_shape_text(const QuantizedLayer& layer);

}  // namespace zokml::detail
