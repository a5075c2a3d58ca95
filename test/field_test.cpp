#include <catch2/catch.hpp>

#include "zokml/core/field.hpp"

using zokml::FieldElement;

TEST_CASE("negative integers encode as p minus their magnitude", "[field]") {
    CHECK(FieldElement::from_int(-1).to_decimal() ==
          "21888242871839275222246405745257275088548364400416034343698204186575808495616");
    CHECK(FieldElement::from_int(-1) == FieldElement::modulus_minus(1));
    CHECK(FieldElement::from_int(42).to_decimal() == "42");
}

TEST_CASE("signed values round trip through the field", "[field]") {
    for (const std::int64_t v : std::initializer_list<std::int64_t>{0, 1, -1, 255, -123456789, INT64_MAX, INT64_MIN})
        CHECK(FieldElement::from_int(v).to_signed() == v);
}

TEST_CASE("values beyond 64 bits have no int64 form", "[field]") {
    const auto big = FieldElement::from_int(INT64_MAX) + FieldElement::from_int(1);
    CHECK(big.to_decimal() == "9223372036854775808");
    CHECK_FALSE(big.to_signed().has_value());
}

TEST_CASE("arithmetic wraps modulo p", "[field]") {
    const auto minus_one = FieldElement::from_int(-1);
    CHECK(minus_one + FieldElement::from_int(2) == FieldElement::from_int(1));
    CHECK(minus_one * minus_one == FieldElement::from_int(1));
    CHECK(FieldElement::from_int(3) - FieldElement::from_int(5) == FieldElement::from_int(-2));
    CHECK(FieldElement::from_int(2).pow(10) == FieldElement::from_int(1024));
}

TEST_CASE("field decimals outside [0, p) are rejected", "[field]") {
    CHECK_THROWS_AS(FieldElement::from_decimal(FieldElement::modulus_decimal()), std::invalid_argument);
    CHECK_THROWS_AS(FieldElement::from_decimal("-3"), std::invalid_argument);
    CHECK_THROWS_AS(FieldElement::from_decimal("12a"), std::invalid_argument);
    CHECK_THROWS_AS(FieldElement::from_decimal(""), std::invalid_argument);
}

TEST_CASE("signed decimals that would wrap around the field are rejected", "[field]") {
    CHECK(FieldElement::from_signed_decimal("-5") == FieldElement::from_int(-5));
    // p/2 rounded up no longer decodes to the same signed value.
    CHECK_THROWS_AS(FieldElement::from_signed_decimal(
                        "10944121435919637611123202872628637544274182200208017171849102093287904247809"),
                    std::out_of_range);
}
