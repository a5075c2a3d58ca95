#include "zokml/toolchain/public_values.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace zokml {
namespace {

using Kind = AbiType::Kind;

void append(const Value& value, std::vector<FieldElement>& out) {
    switch (value.kind) {
        case Kind::Field: out.push_back(value.field); break;
        case Kind::Bool: out.push_back(FieldElement::from_int(value.boolean ? 1 : 0)); break;
        case Kind::U8:
        case Kind::U16:
        case Kind::U32:
        case Kind::U64: {
            // Above 2^63: assembled from two halves, as from_int takes signed values.
            const FieldElement high = FieldElement::from_int(static_cast<std::int64_t>(value.integer >> 32));
            out.push_back(high * FieldElement::from_int(std::int64_t(1) << 32) +
                          FieldElement::from_int(static_cast<std::int64_t>(value.integer & 0xffffffffu)));
            break;
        }
        case Kind::Array:
        case Kind::Struct:
        case Kind::Tuple:
            for (const auto& element : value.elements) append(element, out);
            break;
    }
}

std::int64_t small(const FieldElement& e, const std::string& name) {
    const auto v = e.to_signed();
    if (!v) throw std::invalid_argument(fmt::format("public value {} = {} is not a 64-bit signed integer", name, e.to_decimal()));
    return *v;
}

}  // namespace

std::size_t flattened_size(const AbiType& type) {
    switch (type.kind) {
        case Kind::Array: return type.size * flattened_size(type.elements.at(0));
        case Kind::Struct:
        case Kind::Tuple: {
            std::size_t size = 0;
            for (const auto& element : type.elements) size += flattened_size(element);
            return size;
        }
        default: return 1;
    }
}

std::vector<FieldElement> flatten(const Value& value) {
    std::vector<FieldElement> out;
    append(value, out);
    return out;
}

PublicValues::PublicValues(const Abi& abi, const std::vector<FieldElement>& public_inputs,
                           const std::vector<std::string>& output_names) {
    std::vector<std::pair<std::string, std::size_t>> layout;  // name, size
    for (const auto& parameter : abi.inputs)
        if (parameter.is_public) layout.emplace_back(parameter.name, flattened_size(parameter.type));
    const bool tuple = abi.output.kind == Kind::Tuple;
    const std::size_t outputs = tuple ? abi.output.elements.size() : 1;
    if (output_names.size() != outputs)
        throw std::invalid_argument(fmt::format("the program returns {} values, {} names were given", outputs, output_names.size()));
    for (std::size_t i = 0; i < outputs; ++i)
        layout.emplace_back(output_names[i], flattened_size(tuple ? abi.output.elements[i] : abi.output));
    std::size_t expected = 0;
    for (const auto& [name, size] : layout) expected += size;
    if (public_inputs.size() != expected)
        throw std::invalid_argument(fmt::format("the proof has {} public inputs, the program's ABI {}", public_inputs.size(), expected));
    std::size_t next = 0;
    for (const auto& [name, size] : layout) {
        values_[name].assign(public_inputs.begin() + static_cast<std::ptrdiff_t>(next),
                             public_inputs.begin() + static_cast<std::ptrdiff_t>(next + size));
        next += size;
    }
}

std::vector<FieldElement> PublicValues::of_witness(const Abi& abi, const std::vector<Value>& arguments, const Value& output) {
    if (arguments.size() != abi.inputs.size())
        throw std::invalid_argument(fmt::format("{} arguments for {} parameters", arguments.size(), abi.inputs.size()));
    std::vector<FieldElement> inputs;
    for (std::size_t i = 0; i < arguments.size(); ++i)
        if (abi.inputs[i].is_public) append(arguments[i], inputs);
    append(output, inputs);
    return inputs;
}

const std::vector<FieldElement>& PublicValues::at(const std::string& name) const {
    const auto it = values_.find(name);
    if (it == values_.end()) throw std::invalid_argument("the proof has no public value named " + name);
    return it->second;
}

FieldElement PublicValues::field(const std::string& name) const {
    const auto& values = at(name);
    if (values.size() != 1) throw std::invalid_argument(fmt::format("public value {} has {} elements, not 1", name, values.size()));
    return values[0];
}

std::int64_t PublicValues::integer(const std::string& name) const { return small(field(name), name); }

std::vector<std::int64_t> PublicValues::integers(const std::string& name) const {
    std::vector<std::int64_t> out;
    for (const auto& e : at(name)) out.push_back(small(e, name));
    return out;
}

}  // namespace zokml
