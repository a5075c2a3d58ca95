#include "zok_code.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/templates.hpp"

namespace zokml::detail {
namespace {

std::uint64_t magnitude(std::int64_t v) { return v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v); }

}  // namespace

std::string comment_text(const std::string& text) {
    std::string out = text;
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return out;
}

std::string import_line(const std::string& path, const std::string& alias) {
    return fmt::format("import \"{}\" as {};\n", path, alias);
}

std::string appended_import(const std::string& name) { return fmt::format("\nimport \"./{}\" as {};", name, name); }

SplitSum split_sum(const std::vector<Term>& terms, const std::function<std::string(std::size_t)>& name) {
    SplitSum sum;
    for (std::size_t i = 0; i < terms.size(); ++i) {
        const bool first = i % kTermsPerStatement == 0;
        if (first) {
            sum.names.push_back(name(sum.names.size()));
            sum.statements += fmt::format("{}    field {} = {}", i ? ";\n" : "", sum.names.back(), terms[i].negative ? "0 " : "");
        }
        const char* sign = terms[i].negative ? "- " : (first ? "" : "+ ");
        sum.statements += fmt::format("{}{}{}", first ? "" : " ", sign, terms[i].expression);
    }
    if (!terms.empty()) sum.statements += ";";
    return sum;
}

LinearCode linear_combination(const std::vector<std::pair<std::int64_t, std::string>>& terms, const std::string& prefix) {
    std::vector<Term> nonzero;
    for (const auto& [coefficient, variable] : terms)
        if (coefficient != 0) nonzero.push_back({coefficient < 0, fmt::format("{} * {}", variable, magnitude(coefficient))});
    const SplitSum sum = split_sum(nonzero, [&](std::size_t k) { return fmt::format("{}{}", prefix, k); });
    return {sum.statements, sum.names.empty() ? "0" : fmt::format("{}", fmt::join(sum.names, " + "))};
}

std::string with_constant(const std::string& sum, std::int64_t c) {
    if (sum.empty() || sum == "0") return c < 0 ? fmt::format("0 - {}", magnitude(c)) : std::to_string(c);
    if (c == 0) return sum;
    return fmt::format("{} {} {}", sum, c < 0 ? '-' : '+', magnitude(c));
}

std::string relu_expression(Interval bounds, const std::string& value) {
    if (bounds.lo >= 0) return value;
    if (bounds.hi <= 0) return "0";
    return fmt::format("is_nonnegative::<{}>({}) ? {} : 0", sign_test_bits(bounds), value, value);
}

RescaleCall rescale_call(Interval shifted, unsigned k, bool relu, const std::string& shifted_value) {
    // y = floor(s / 2^k) needs at least one bit above the remainder's k.
    const unsigned m = std::max(sign_test_bits(shifted), k + 1);
    const char* helper = relu && shifted.lo < 0 ? "relu_rescale" : "rescale";
    return {helper, fmt::format("{}::<{}, {}>({})", helper, m, k, shifted_value)};
}

std::string relu_rescale_expression(Interval exact, unsigned k, const std::string& value) {
    if (k == 0) return relu_expression(exact, value);
    if (rescale_value(exact.hi, k) <= 0) return "0";
    const std::int64_t h = std::int64_t(1) << (k - 1);
    return rescale_call({exact.lo + h, exact.hi + h}, k, true, fmt::format("{} + {}", value, h)).code;
}

std::string rescale_imports(const std::string& code, std::map<std::string, std::string>& files) {
    std::string imports;
    for (const char* helper : {"rescale", "relu_rescale"}) {
        // A call of `helper` itself: not preceded by a name's character ("relu_rescale" is not "rescale").
        const std::string call = std::string(helper) + "::<";
        bool called = false;
        for (auto at = code.find(call); at != std::string::npos && !called; at = code.find(call, at + 1))
            called = at == 0 || !(std::isalnum(static_cast<unsigned char>(code[at - 1])) || code[at - 1] == '_');
        if (!called) continue;
        files[std::string(helper) + ".zok"] = render_template(std::string(helper) + ".zok", {});
        imports += appended_import(helper);
    }
    return imports;
}

std::string argmax_statements(const std::vector<Interval>& bounds, const std::string& prefix, const std::string& class_name) {
    const std::string best_name = class_name + "_best";
    std::string body = fmt::format("    field mut {} = {}0;\n    field mut {} = 0;\n", best_name, prefix, class_name);
    Interval best = bounds[0];
    for (std::size_t i = 1; i < bounds.size(); ++i) {
        // y_i replaces the best so far when y_i - best - 1 >= 0 (strictly greater).
        const Interval diff{bounds[i].lo - best.hi - 1, bounds[i].hi - best.lo - 1};
        if (diff.hi < 0) continue;  // can never win
        const std::string y = fmt::format("{}{}", prefix, i);
        const std::string greater =
            diff.lo >= 0 ? "true" : fmt::format("is_nonnegative::<{}>({} - {} - 1)", sign_test_bits(diff), y, best_name);
        body += fmt::format("    bool {0}_g{1} = {2};\n    {3} = {0}_g{1} ? {4} : {3};\n    {0} = {0}_g{1} ? {1} : {0};\n",
                            class_name, i, greater, best_name, y);
        best = {std::min(best.lo, bounds[i].lo), std::max(best.hi, bounds[i].hi)};
    }
    return body;
}

std::string bits_sum(unsigned n, const std::string& bits) {
    std::vector<std::string> terms;
    for (unsigned j = 0; j < n; ++j)
        terms.push_back(fmt::format("({}[{}] ? {} : 0)", bits, j, std::uint64_t(1) << (n - 1 - j)));
    return fmt::format("{}", fmt::join(terms, " + "));
}

std::string chunk_arrays(const std::string& prefix, const Chunking& chunks, const std::string& name) {
    std::string body;
    for (std::size_t k = 0; k < chunks.count(); ++k) {
        std::vector<std::string> names;
        for (std::size_t i = chunks.begin(k); i < chunks.begin(k) + chunks.length(k); ++i)
            names.push_back(fmt::format("{}{}", prefix, i));
        body += fmt::format("    field[{}] {}_c{} = [{}];\n", chunks.length(k), name, k, fmt::join(names, ", "));
    }
    return body;
}

namespace {

std::string input_bits_check_module(unsigned bits) {
    std::vector<std::string> checks, terms;
    for (unsigned j = 0; j + 1 < bits; ++j) {
        checks.push_back(fmt::format("    assert(b[{0}] * (b[{0}] - 1) == 0);", j));
        terms.push_back(fmt::format("b[{}] * {}", j, std::uint64_t(1) << (bits - 1 - j)));
    }
    return render_template("input_bits_check.zok", {{"bits", std::to_string(bits)},
                                                    {"high", std::to_string(bits - 1)},
                                                    {"checks", fmt::format("{}", fmt::join(checks, "\n"))},
                                                    {"sum", fmt::format("{}", fmt::join(terms, " + "))}});
}

}  // namespace

void PrivateInputCode::add_files(Circuit& circuit) const {
    if (bits > 1) circuit.files["input_bits_check.zok"] = input_bits_check_module(bits);
}

PrivateInputCode private_input_code(std::size_t size, unsigned bits, std::size_t chunk) {
    PrivateInputCode code;
    code.bits = bits;
    if (bits == 1) {
        code.parameters = fmt::format("private field[{}] x", size);
        code.checks = fmt::format("    // Range checks: each input is 0 or 1.\n    for u32 i in 0..{} {{\n"
                                  "        assert(x[i] * (x[i] - 1) == 0);\n    }}\n",
                                  size);
        return code;
    }
    code.parameters = fmt::format("private field[{0}] x, private field[{0}][{1}] x_bits", size, bits - 1);
    code.imports = import_line("./input_bits_check", "input_bits_check");
    code.checks = "    // Range checks: each input with its high bits, each bit and the rest asserted 0 or 1.\n";
    const Chunking chunks{size, chunk};
    for (std::size_t k = 0; k < chunks.count(); ++k) {
        const std::size_t a = chunks.begin(k), b = a + chunks.length(k);
        code.checks += fmt::format("    assert(input_bits_check(x[{0}..{1}], x_bits[{0}..{1}]));\n", a, b);
    }
    return code;
}

std::vector<Value> private_input_values(const std::vector<std::int64_t>& values, unsigned bits) {
    std::vector<Value> arguments{Value::fields(values)};
    if (bits == 1) return arguments;
    std::vector<Value> high;
    for (const std::int64_t v : values) {
        std::vector<std::int64_t> b(bits - 1);
        for (unsigned j = 0; j + 1 < bits; ++j) b[j] = (v >> (bits - 1 - j)) & 1;
        high.push_back(Value::fields(b));
    }
    arguments.push_back(Value::array(std::move(high)));
    return arguments;
}

std::string pack_module_name(unsigned bits, bool is_signed) { return fmt::format("pack_{}{}", is_signed ? 's' : 'u', bits); }

std::string pack_module(unsigned bits, bool is_signed) {
    const std::uint64_t offset = is_signed ? std::uint64_t(1) << (bits - 1) : 0;
    return render_template("pack.zok", {{"bits", std::to_string(bits)},
                                        {"offset", std::to_string(offset)},
                                        {"bits_sum", bits_sum(bits)},
                                        {"description", is_signed ? "signed, offset by 2^(bits-1)" : "unsigned"}});
}

std::string absorb_call(const std::string& state, const std::string& pack, std::size_t count, unsigned bits,
                        const std::string& values) {
    const unsigned per = values_per_element(bits);
    const std::size_t k = (count + per - 1) / per, k5 = (k + 4) / 5 * 5;
    std::string packed = fmt::format("{}::<{}, {}, {}>({})", pack, count, k, per, values);
    if (k5 != k) packed = fmt::format("[...{}, ...[0; {}]]", packed, k5 - k);
    return fmt::format("absorb::<{}, {}>({}, {})", k5, k5 / 5, state, packed);
}

std::string absorb_statement(const CommittedTensor& t, const std::string& variable) {
    return fmt::format("    state = {};\n",
                       absorb_call("state", pack_module_name(t.bits, t.is_signed), t.values.size(), t.bits, variable));
}

std::string salt_statement(const std::string& salt) {
    return fmt::format("    state = absorb::<5, 1>(state, [{}, 0, 0, 0, 0]);\n", salt);
}

std::string bounded_pack_module_name(unsigned bits) { return fmt::format("pack_bounded{}", bits); }

std::string bounded_pack_module(unsigned bits) {
    return render_template("pack_bounded.zok", {{"bits", std::to_string(bits)}});
}

}  // namespace zokml::detail
