// A compiled program's interface (abi.json) and typed values checked against it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "zokml/core/field.hpp"

namespace zokml {

struct AbiType {
    enum class Kind { Field, Bool, U8, U16, U32, U64, Array, Struct, Tuple };
    Kind kind = Kind::Field;
    std::size_t size = 0;                // Array: number of elements
    std::vector<AbiType> elements;       // Array: the one element type; Tuple: each component
    std::vector<std::string> names;      // Struct: member names, in order (types in elements)
    std::string struct_name;             // Struct: its declared name

    static AbiType field() { return {}; }
    static AbiType array_of(AbiType element, std::size_t size);
    std::string to_string() const;  // e.g. "field[784]", "u32", "(field, bool)"
    bool operator==(const AbiType&) const = default;
};

struct AbiParameter {
    std::string name;
    bool is_public = false;
    AbiType type;
    bool operator==(const AbiParameter&) const = default;
};

struct Abi {
    std::vector<AbiParameter> inputs;
    AbiType output;  // a Tuple with no elements when main returns nothing

    // Throws std::invalid_argument naming the offending entry when the JSON is not an ABI.
    static Abi from_json(const nlohmann::json& abi_json);
    nlohmann::json to_json() const;
    bool operator==(const Abi&) const = default;
};

// A value of some AbiType: an argument to a program or a program's output.
struct Value {
    AbiType::Kind kind = AbiType::Kind::Field;
    FieldElement field;                 // Field
    bool boolean = false;               // Bool
    std::uint64_t integer = 0;          // U8..U64
    std::vector<Value> elements;        // Array, Struct (in member order), Tuple

    static Value of_field(FieldElement value) { return {AbiType::Kind::Field, value, false, 0, {}}; }
    static Value of_field(std::int64_t value) { return of_field(FieldElement::from_int(value)); }
    static Value of_bool(bool value) { return {AbiType::Kind::Bool, {}, value, 0, {}}; }
    static Value of_uint(AbiType::Kind width, std::uint64_t value);
    static Value array(std::vector<Value> elements);
    static Value fields(const std::vector<std::int64_t>& values);  // field[n] of signed integers
    static Value structure(std::vector<Value> members);
    static Value tuple(std::vector<Value> components);

    bool operator==(const Value&) const = default;
};

// The arguments as ABI JSON (what `compute-witness --abi --stdin` reads). Throws
// std::invalid_argument naming the parameter and the mismatch (count, kind, size, range).
nlohmann::json encode_arguments(const Abi& abi, const std::vector<Value>& arguments);
// A value printed by ZoKrates (witness outputs) decoded against its type.
Value decode_value(const AbiType& type, const nlohmann::json& json);

}  // namespace zokml
