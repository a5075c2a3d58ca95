// What a proof makes public, by name: a proof carries its public inputs as one flat list of field
// elements (main's public parameters in ABI order, then main's return value); the ABI says which
// elements are which.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "zokml/core/field.hpp"
#include "zokml/toolchain/abi.hpp"

namespace zokml {

// How many field elements a value of the type takes in that list.
std::size_t flattened_size(const AbiType& type);
// The value's elements in that list, in order (a bool as 0 or 1, a uN as its integer).
std::vector<FieldElement> flatten(const Value& value);

class PublicValues {
public:
    // Names the elements of a proof's public inputs: each public parameter by its ABI name, the
    // return value by output_names (one name per tuple component, else one). Throws
    // std::invalid_argument when the number of elements or of names does not match the ABI.
    PublicValues(const Abi& abi, const std::vector<FieldElement>& public_inputs,
                 const std::vector<std::string>& output_names);

    // The public inputs a proof of `arguments` carries, from the witness's output: to read a
    // witness as a proof is read.
    static std::vector<FieldElement> of_witness(const Abi& abi, const std::vector<Value>& arguments, const Value& output);

    bool contains(const std::string& name) const { return values_.count(name) != 0; }
    // Throw std::invalid_argument naming a missing value, or one of another size or range.
    const std::vector<FieldElement>& at(const std::string& name) const;
    FieldElement field(const std::string& name) const;                  // a single element
    std::int64_t integer(const std::string& name) const;                // a single signed 64-bit integer
    std::vector<std::int64_t> integers(const std::string& name) const;  // each a signed 64-bit integer

private:
    std::map<std::string, std::vector<FieldElement>> values_;
};

}  // namespace zokml
