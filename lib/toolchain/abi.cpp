#include "zokml/toolchain/abi.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace zokml {
namespace {

using Kind = AbiType::Kind;
using nlohmann::json;

struct KindName {
    Kind kind;
    const char* name;
};
constexpr KindName kKindNames[] = {{Kind::Field, "field"}, {Kind::Bool, "bool"},     {Kind::U8, "u8"},
                                   {Kind::U16, "u16"},     {Kind::U32, "u32"},       {Kind::U64, "u64"},
                                   {Kind::Array, "array"}, {Kind::Struct, "struct"}, {Kind::Tuple, "tuple"}};

const char* kind_name(Kind kind) {
    for (const auto& [k, name] : kKindNames)
        if (k == kind) return name;
    return "?";
}

unsigned uint_bits(Kind kind) {
    switch (kind) {
        case Kind::U8: return 8;
        case Kind::U16: return 16;
        case Kind::U32: return 32;
        case Kind::U64: return 64;
        default: return 0;
    }
}

// A type from its JSON form, where {"type": ..., "components": ...} may be flattened into an
// array's or member's object (as ZoKrates serialises them). `where` names it in errors.
AbiType type_from_json(const json& j, const std::string& where) {
    if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
        throw std::invalid_argument(where + ": missing \"type\"");
    const std::string name = j["type"];
    AbiType t;
    bool known = false;
    for (const auto& [k, n] : kKindNames)
        if (name == n) t.kind = k, known = true;
    if (!known) throw std::invalid_argument(where + ": unknown type \"" + name + "\"");
    const json* components = j.contains("components") ? &j["components"] : nullptr;
    if ((t.kind == Kind::Array || t.kind == Kind::Struct || t.kind == Kind::Tuple) && !components)
        throw std::invalid_argument(where + ": " + name + " without \"components\"");
    if (t.kind == Kind::Array) {
        if (!components->contains("size") || !(*components)["size"].is_number_unsigned())
            throw std::invalid_argument(where + ": array without a size");
        t.size = (*components)["size"];
        t.elements.push_back(type_from_json(*components, where + "[]"));
    } else if (t.kind == Kind::Struct) {
        t.struct_name = components->value("name", "");
        for (const auto& member : components->at("members")) {
            const std::string member_name = member.at("name");
            t.names.push_back(member_name);
            t.elements.push_back(type_from_json(member, where + "." + member_name));
        }
    } else if (t.kind == Kind::Tuple) {
        std::size_t i = 0;
        for (const auto& element : components->at("elements"))
            t.elements.push_back(type_from_json(element, where + "." + std::to_string(i++)));
    }
    return t;
}

json type_to_json(const AbiType& t) {
    json j{{"type", kind_name(t.kind)}};
    if (t.kind == Kind::Array) {
        json c = type_to_json(t.elements.at(0));
        c["size"] = t.size;
        j["components"] = c;
    } else if (t.kind == Kind::Struct) {
        json members = json::array();
        for (std::size_t i = 0; i < t.elements.size(); ++i) {
            json m = type_to_json(t.elements[i]);
            m["name"] = t.names[i];
            members.push_back(m);
        }
        j["components"] = {{"name", t.struct_name}, {"generics", json::array()}, {"members", members}};
    } else if (t.kind == Kind::Tuple) {
        json elements = json::array();
        for (const auto& e : t.elements) elements.push_back(type_to_json(e));
        j["components"] = {{"elements", elements}};
    }
    return j;
}

json encode_value(const AbiType& type, const Value& value, const std::string& where) {
    if (value.kind != type.kind)
        throw std::invalid_argument(fmt::format("{}: expected {}, got a {} value", where, type.to_string(), kind_name(value.kind)));
    switch (type.kind) {
        case Kind::Field: return value.field.to_decimal();
        case Kind::Bool: return value.boolean;
        case Kind::U8:
        case Kind::U16:
        case Kind::U32:
        case Kind::U64: {
            const unsigned bits = uint_bits(type.kind);
            if (bits < 64 && value.integer >> bits)
                throw std::invalid_argument(fmt::format("{}: {} does not fit {}", where, value.integer, type.to_string()));
            return fmt::format("{:#0{}x}", value.integer, bits / 4 + 2);
        }
        case Kind::Array:
        case Kind::Tuple: {
            const std::size_t expected = type.kind == Kind::Array ? type.size : type.elements.size();
            if (value.elements.size() != expected)
                throw std::invalid_argument(fmt::format("{}: expected {} elements for {}, got {}", where, expected,
                                                        type.to_string(), value.elements.size()));
            json a = json::array();
            for (std::size_t i = 0; i < expected; ++i) {
                const AbiType& element = type.kind == Kind::Array ? type.elements[0] : type.elements[i];
                a.push_back(encode_value(element, value.elements[i], fmt::format("{}[{}]", where, i)));
            }
            return a;
        }
        case Kind::Struct: {
            if (value.elements.size() != type.elements.size())
                throw std::invalid_argument(fmt::format("{}: expected {} members for struct {}, got {}", where,
                                                        type.elements.size(), type.struct_name, value.elements.size()));
            json o = json::object();
            for (std::size_t i = 0; i < type.elements.size(); ++i)
                o[type.names[i]] = encode_value(type.elements[i], value.elements[i], where + "." + type.names[i]);
            return o;
        }
    }
    throw std::logic_error("unreachable");
}

std::uint64_t parse_uint(const std::string& text, const std::string& where) {
    try {
        std::size_t used = 0;
        const bool hex = text.starts_with("0x");
        const std::uint64_t v = std::stoull(hex ? text.substr(2) : text, &used, hex ? 16 : 10);
        if (used == (hex ? text.size() - 2 : text.size())) return v;
    } catch (const std::exception&) {
    }
    throw std::invalid_argument(where + ": not an unsigned integer: '" + text + "'");
}

}  // namespace

AbiType AbiType::array_of(AbiType element, std::size_t size) {
    AbiType t;
    t.kind = Kind::Array;
    t.size = size;
    t.elements.push_back(std::move(element));
    return t;
}

std::string AbiType::to_string() const {
    switch (kind) {
        case Kind::Array: {  // outermost size first, as ZoKrates writes u8[2][3]
            std::string sizes;
            const AbiType* t = this;
            for (; t->kind == Kind::Array; t = &t->elements.at(0)) sizes += fmt::format("[{}]", t->size);
            return t->to_string() + sizes;
        }
        case Kind::Struct: return struct_name;
        case Kind::Tuple: {
            std::string s = "(";
            for (std::size_t i = 0; i < elements.size(); ++i) s += (i ? ", " : "") + elements[i].to_string();
            return s + ")";
        }
        default: return kind_name(kind);
    }
}

namespace {

Abi parse_abi(const json& abi_json) {
    if (!abi_json.is_object() || !abi_json.contains("inputs") || !abi_json["inputs"].is_array())
        throw std::invalid_argument("abi: missing \"inputs\" array");
    Abi abi;
    for (const auto& input : abi_json["inputs"]) {
        AbiParameter p;
        p.name = input.value("name", "");
        if (!input.is_object()) throw std::invalid_argument("abi: an input is not an object");
        p.is_public = input.value("public", false);
        p.type = type_from_json(input, "abi input '" + p.name + "'");
        abi.inputs.push_back(std::move(p));
    }
    if (abi_json.contains("output"))
        abi.output = type_from_json(abi_json["output"], "abi output");
    else
        abi.output.kind = Kind::Tuple;
    return abi;
}

}  // namespace

Abi Abi::from_json(const json& abi_json) {
    // nlohmann's type errors (a "public" that is a string, "members" that is not an array) say
    // less than ours: every error of a malformed ABI is std::invalid_argument.
    try {
        return parse_abi(abi_json);
    } catch (const json::exception& e) {
        throw std::invalid_argument(std::string("abi: malformed: ") + e.what());
    }
}


json Abi::to_json() const {
    json inputs_json = json::array();
    for (const auto& p : inputs) {
        json j = type_to_json(p.type);
        j["name"] = p.name;
        j["public"] = p.is_public;
        inputs_json.push_back(j);
    }
    return {{"inputs", inputs_json}, {"output", type_to_json(output)}};
}

Value Value::of_uint(AbiType::Kind width, std::uint64_t value) {
    if (uint_bits(width) == 0) throw std::invalid_argument("of_uint needs u8, u16, u32 or u64");
    return {width, {}, false, value, {}};
}
Value Value::array(std::vector<Value> elements) { return {Kind::Array, {}, false, 0, std::move(elements)}; }
Value Value::structure(std::vector<Value> members) { return {Kind::Struct, {}, false, 0, std::move(members)}; }
Value Value::tuple(std::vector<Value> components) { return {Kind::Tuple, {}, false, 0, std::move(components)}; }
Value Value::fields(const std::vector<std::int64_t>& values) {
    std::vector<Value> elements;
    elements.reserve(values.size());
    for (const auto v : values) elements.push_back(of_field(v));
    return array(std::move(elements));
}

json encode_arguments(const Abi& abi, const std::vector<Value>& arguments) {
    if (arguments.size() != abi.inputs.size())
        throw std::invalid_argument(fmt::format("expected {} arguments, got {}", abi.inputs.size(), arguments.size()));
    json encoded = json::array();
    for (std::size_t i = 0; i < arguments.size(); ++i)
        encoded.push_back(encode_value(abi.inputs[i].type, arguments[i], "argument '" + abi.inputs[i].name + "'"));
    return encoded;
}

Value decode_value(const AbiType& type, const json& j) {
    const std::string where = "value of type " + type.to_string();
    switch (type.kind) {
        case Kind::Field:
            if (!j.is_string()) throw std::invalid_argument(where + ": expected a decimal string");
            return Value::of_field(FieldElement::from_decimal(j.get<std::string>()));
        case Kind::Bool:
            if (!j.is_boolean()) throw std::invalid_argument(where + ": expected true or false");
            return Value::of_bool(j.get<bool>());
        case Kind::U8:
        case Kind::U16:
        case Kind::U32:
        case Kind::U64:
            if (!j.is_string()) throw std::invalid_argument(where + ": expected a hex string");
            return Value::of_uint(type.kind, parse_uint(j.get<std::string>(), where));
        case Kind::Array:
        case Kind::Tuple: {
            const std::size_t expected = type.kind == Kind::Array ? type.size : type.elements.size();
            if (!j.is_array() || j.size() != expected)
                throw std::invalid_argument(fmt::format("{}: expected an array of {}", where, expected));
            std::vector<Value> elements;
            for (std::size_t i = 0; i < expected; ++i)
                elements.push_back(decode_value(type.kind == Kind::Array ? type.elements[0] : type.elements[i], j[i]));
            return type.kind == Kind::Array ? Value::array(std::move(elements)) : Value::tuple(std::move(elements));
        }
        case Kind::Struct: {
            if (!j.is_object()) throw std::invalid_argument(where + ": expected an object");
            std::vector<Value> members;
            for (std::size_t i = 0; i < type.elements.size(); ++i) {
                if (!j.contains(type.names[i])) throw std::invalid_argument(where + ": missing member " + type.names[i]);
                members.push_back(decode_value(type.elements[i], j[type.names[i]]));
            }
            return Value::structure(std::move(members));
        }
    }
    throw std::logic_error("unreachable");
}

}  // namespace zokml
