// The first Dense layer over a public batch, with private weights: the module "hidden.zok",
// main(field[inputs] w, field b) -> field[batch size], one neuron's ReLU values for every input of
// the batch. The pixels are constants, so each pre-activation is a linear combination of the
// weights (no constraint); ReLU is a sign test as wide as each value's static bounds.
#pragma once

#include <cstddef>
#include <vector>

#include "zokml/quantize/quantize.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/toolchain/circuit.hpp"

namespace zokml::detail {

// Writes hidden.zok and its modules group{g}.zok (group_size inputs each) into circuit, for
// weights and biases in the given ranges, the values rescaled by 2^rescale_bits before the ReLU
// (0: not rescaled); returns the bounds of each input's ReLU value.
std::vector<Interval> write_batch_neuron(Circuit& circuit, const LabeledBatch& batch, std::size_t chunk_size,
                                         std::size_t group_size, Interval weights, Interval biases, unsigned rescale_bits = 0);

}  // namespace zokml::detail
