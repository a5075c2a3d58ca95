#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "zokml/toolchain/abi.hpp"

using namespace zokml;
using Kind = AbiType::Kind;

namespace {

// The abi.json ZoKrates writes for main(private field x, bool flag, private u32 n, field[3] v).
const char* kTypesAbi = R"({
  "inputs": [
    {"name": "x", "public": false, "type": "field"},
    {"name": "flag", "public": true, "type": "bool"},
    {"name": "n", "public": false, "type": "u32"},
    {"name": "v", "public": true, "type": "array", "components": {"size": 3, "type": "field"}}
  ],
  "output": {"type": "tuple", "components": {"elements": [
    {"type": "field"}, {"type": "bool"}, {"type": "u32"},
    {"type": "array", "components": {"size": 3, "type": "field"}}]}}
})";

}  // namespace

TEST_CASE("an abi.json parses into typed parameters with visibility", "[abi]") {
    const Abi abi = Abi::from_json(nlohmann::json::parse(kTypesAbi));
    REQUIRE(abi.inputs.size() == 4);
    CHECK(abi.inputs[0].name == "x");
    CHECK_FALSE(abi.inputs[0].is_public);
    CHECK(abi.inputs[1].is_public);
    CHECK(abi.inputs[2].type.kind == Kind::U32);
    CHECK(abi.inputs[3].type == AbiType::array_of(AbiType::field(), 3));
    CHECK(abi.output.to_string() == "(field, bool, u32, field[3])");
    CHECK(Abi::from_json(abi.to_json()) == abi);
}

TEST_CASE("nested arrays and structs parse", "[abi]") {
    const auto abi = Abi::from_json(nlohmann::json::parse(R"({
      "inputs": [{"name": "m", "public": true, "type": "array",
                  "components": {"size": 2, "type": "array", "components": {"size": 3, "type": "u8"}}},
                 {"name": "p", "public": false, "type": "struct",
                  "components": {"name": "Point", "generics": [], "members": [
                     {"name": "x", "type": "field"}, {"name": "ok", "type": "bool"}]}}],
      "output": {"type": "field"}})"));
    CHECK(abi.inputs[0].type.to_string() == "u8[2][3]");
    CHECK(abi.inputs[1].type.names == std::vector<std::string>{"x", "ok"});
    const auto encoded = encode_arguments(
        abi, {Value::array({Value::array({Value::of_uint(Kind::U8, 1), Value::of_uint(Kind::U8, 2), Value::of_uint(Kind::U8, 255)}),
                            Value::array({Value::of_uint(Kind::U8, 0), Value::of_uint(Kind::U8, 0), Value::of_uint(Kind::U8, 0)})}),
              Value::structure({Value::of_field(-1), Value::of_bool(true)})});
    CHECK(encoded[0][0] == nlohmann::json({"0x01", "0x02", "0xff"}));
    CHECK(encoded[1]["ok"] == true);
    CHECK(encoded[1]["x"] == FieldElement::from_int(-1).to_decimal());
}

TEST_CASE("arguments are encoded as the ABI JSON that compute-witness reads", "[abi]") {
    const Abi abi = Abi::from_json(nlohmann::json::parse(kTypesAbi));
    const auto encoded = encode_arguments(
        abi, {Value::of_field(-2), Value::of_bool(true), Value::of_uint(Kind::U32, 10), Value::fields({1, 2, 3})});
    CHECK(encoded.dump() ==
          R"(["21888242871839275222246405745257275088548364400416034343698204186575808495615",true,"0x0000000a",["1","2","3"]])");
}

TEST_CASE("arguments that do not match the ABI are rejected naming the parameter", "[abi]") {
    const Abi abi = Abi::from_json(nlohmann::json::parse(kTypesAbi));
    const auto good = std::vector<Value>{Value::of_field(1), Value::of_bool(false), Value::of_uint(Kind::U32, 1),
                                         Value::fields({1, 2, 3})};
    CHECK_NOTHROW(encode_arguments(abi, good));

    auto too_few = good;
    too_few.pop_back();
    CHECK_THROWS_WITH(encode_arguments(abi, too_few), Catch::Contains("expected 4 arguments, got 3"));

    auto wrong_kind = good;
    wrong_kind[1] = Value::of_field(1);
    CHECK_THROWS_WITH(encode_arguments(abi, wrong_kind), Catch::Contains("argument 'flag': expected bool"));

    auto wrong_size = good;
    wrong_size[3] = Value::fields({1, 2});
    CHECK_THROWS_WITH(encode_arguments(abi, wrong_size), Catch::Contains("argument 'v': expected 3 elements"));

    auto overflow = good;
    overflow[2] = Value::of_uint(Kind::U32, 1ULL << 32);
    CHECK_THROWS_WITH(encode_arguments(abi, overflow), Catch::Contains("does not fit u32"));
}

TEST_CASE("printed outputs decode against the output type", "[abi]") {
    const Abi abi = Abi::from_json(nlohmann::json::parse(kTypesAbi));
    const auto value = decode_value(abi.output, nlohmann::json::parse(R"(["7",false,"0x0000000b",["3","2","1"]])"));
    CHECK(value == Value::tuple({Value::of_field(7), Value::of_bool(false), Value::of_uint(Kind::U32, 11),
                                 Value::fields({3, 2, 1})}));
    CHECK_THROWS(decode_value(abi.output, nlohmann::json::parse(R"(["7",false])")));
}

TEST_CASE("a malformed abi.json is rejected naming the entry", "[abi]") {
    CHECK_THROWS_WITH(Abi::from_json(nlohmann::json::parse(R"({"outputs": []})")), Catch::Contains("inputs"));
    CHECK_THROWS_WITH(Abi::from_json(nlohmann::json::parse(R"({"inputs": [{"name": "a", "type": "matrix"}]})")),
                      Catch::Contains("abi input 'a': unknown type \"matrix\""));
}
