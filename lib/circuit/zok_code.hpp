// Pieces of ZoKrates source shared by the circuit generators.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "zokml/crypto/commitment.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/toolchain/abi.hpp"
#include "zokml/toolchain/circuit.hpp"

namespace zokml::detail {

// A vector of `size` values split into chunks of at most `chunk` values.
struct Chunking {
    std::size_t size;
    std::size_t chunk;
    std::size_t count() const { return (size + chunk - 1) / chunk; }
    std::size_t begin(std::size_t k) const { return k * chunk; }
    std::size_t length(std::size_t k) const { return std::min(chunk, size - k * chunk); }
};

// Text for a // comment of generated source: control characters (a line break would end the
// comment and let the rest be code) become '?'. Every name from a model passes through here.
std::string comment_text(const std::string& text);

// `import "path" as alias;` and a newline.
std::string import_line(const std::string& path, const std::string& alias);
// A newline and `import "./name" as name;`: appended to a template's last import line.
std::string appended_import(const std::string& name);

// Terms per statement at most: a longer expression overflows the WebAssembly compiler's stack
// (docs/compile-time.md).
inline constexpr std::size_t kTermsPerStatement = 28;

// One term of a sum: "expression" added, or subtracted when negative.
struct Term {
    bool negative = false;
    std::string expression;
};
// The sum as statements "    field {name(k)} = t0 + t1 - t2 ...;" of at most kTermsPerStatement
// terms each (a first negative term is written "0 - t"); the partial sums' names, in order.
struct SplitSum {
    std::string statements;
    std::vector<std::string> names;
};
SplitSum split_sum(const std::vector<Term>& terms, const std::function<std::string(std::size_t)>& name);

// sum_i coefficient_i * variable_i as split_sum statements named {prefix}0, {prefix}1, ...,
// zero coefficients skipped.
struct LinearCode {
    std::string statements;  // empty when every coefficient is zero
    std::string result;      // "s0 + s1 + ..."; "0" when every coefficient is zero
};
LinearCode linear_combination(const std::vector<std::pair<std::int64_t, std::string>>& terms,
                              const std::string& prefix = "s");

// "sum + c" or "sum - |c|"; just c (as a field expression) for an empty sum.
std::string with_constant(const std::string& sum, std::int64_t c);

// ReLU of `value` with a sign test as wide as its bounds need; a constant when they decide it.
std::string relu_expression(Interval bounds, const std::string& value);

// floor(s / 2^k) of a value s already offset by the rounding 2^(k-1), within `shifted`, and its
// ReLU when `relu`: one decomposition as wide as the bounds need, by the helper `helper`
// ("rescale", or "relu_rescale" when a ReLU may meet a negative value).
struct RescaleCall {
    const char* helper;
    std::string code;  // "relu_rescale::<M, k>(s)"
};
RescaleCall rescale_call(Interval shifted, unsigned k, bool relu, const std::string& shifted_value);
// ReLU of floor((v + 2^(k-1)) / 2^k), v rounded by 2^k half up, for v within `exact` (k = 0:
// relu_expression).
std::string relu_rescale_expression(Interval exact, unsigned k, const std::string& value);
// For a module whose code calls rescale or relu_rescale: their files, written into `files`, and
// their appended_import lines.
std::string rescale_imports(const std::string& code, std::map<std::string, std::string>& files);

// Statements computing `class`, the first index of the largest of y0..y{n-1} (variables named
// {prefix}0..), with a sign test as wide as each comparison's static bounds need.
std::string argmax_statements(const std::vector<Interval>& bounds, const std::string& prefix = "y",
                              const std::string& class_name = "class");

// The value of big-endian bits[0..n) of an array named `bits` as a field expression.
std::string bits_sum(unsigned n, const std::string& bits = "bits");

// "field[len] {name}_c{k} = [...];" lines splitting the variables {prefix}0.. into chunks.
std::string chunk_arrays(const std::string& prefix, const Chunking& chunks, const std::string& name);

// A private input range checked at `bits` constraints a value (docs/circuit-layout.md): main takes
// `private field[size] x` and, for 2 bits or more, `private field[size][bits - 1] x_bits`, each
// value's high bits, checked chunk by chunk by the module "input_bits_check.zok" (each bit and the
// remainder below them asserted 0 or 1); 1-bit values are asserted to be bits themselves.
struct PrivateInputCode {
    std::string parameters;  // "private field[784] x, private field[784][7] x_bits"
    std::string checks;      // main's statements
    std::string imports;     // main's import lines
    unsigned bits = 0;
    void add_files(Circuit& circuit) const;  // the helper module, when used
};
PrivateInputCode private_input_code(std::size_t size, unsigned bits, std::size_t chunk);
// The arguments main's input parameters take for these values: the values, then (2 bits or more)
// the high bits of each, most significant first. A value outside [0, 2^bits) has no high bits
// that pass the checks: its witness fails.
std::vector<Value> private_input_values(const std::vector<std::int64_t>& values, unsigned bits);

// The module "pack_{s|u}{bits}.zok" that range checks values of that width and packs them as
// pack_tensor does; its file name and alias are pack_module_name(...).
std::string pack_module_name(unsigned bits, bool is_signed);
std::string pack_module(unsigned bits, bool is_signed);

// "state = absorb::<K5, G>(state, [...pack(variable), ...[0; pad]]);": the tensor held in
// `variable` absorbed into the chain as commit() does (needs absorb.zok and the pack module).
std::string absorb_statement(const CommittedTensor& tensor, const std::string& variable);
// "    state = absorb::<5, 1>(state, [salt, 0, 0, 0, 0]);": the salt absorbed first, as the salted
// commit() does; the salt feeds the commitment, so ZoKrates cannot drop it.
std::string salt_statement(const std::string& salt);
// "absorb::<K5, G>(state, [...pack::<count, K, P>(values), ...[0; pad]])": the chain state after
// absorbing `count` values of `bits` bits packed by the module `pack` (K elements, P values each).
std::string absorb_call(const std::string& state, const std::string& pack, std::size_t count, unsigned bits,
                        const std::string& values);

// The module "pack_bounded{bits}.zok": packs as pack_tensor does, without range checks, for values
// the circuit already bounds to [0, 2^bits) by how it computes them (ReLU values within static bounds).
std::string bounded_pack_module_name(unsigned bits);
std::string bounded_pack_module(unsigned bits);

}  // namespace zokml::detail
