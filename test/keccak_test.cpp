#include <catch2/catch.hpp>

#include <string>

#include "core/keccak.hpp"
#include "zokml/core/digest.hpp"

using zokml::detail::keccak256;
constexpr auto hex = [](const auto& digest) { return zokml::to_hex(digest); };

TEST_CASE("keccak-256 of the empty string is Ethereum's empty-code hash", "[keccak]") {
    CHECK(hex(keccak256("")) == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
}

TEST_CASE("keccak-256 matches the published short vectors", "[keccak]") {
    CHECK(hex(keccak256("abc")) == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    CHECK(hex(keccak256("The quick brown fox jumps over the lazy dog")) ==
          "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15");
}

TEST_CASE("keccak-256 pads correctly around the 136-byte rate", "[keccak]") {
    // Reference values from @noble/hashes' keccak_256 over runs of 'a'.
    CHECK(hex(keccak256(std::string(135, 'a'))) == "34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446");
    CHECK(hex(keccak256(std::string(136, 'a'))) == "a6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e");
    CHECK(hex(keccak256(std::string(137, 'a'))) == "d869f639c7046b4929fc92a4d988a8b22c55fbadb802c0c66ebcd484f1915f39");
    CHECK(hex(keccak256(std::string(272, 'a'))) == "cf7fcd4f705ee749930d19ca84561a9bf62516bd90a471545fa2f49fdc7e63c8");
    CHECK(hex(keccak256(std::string(1000, 'a'))) == "b6a4ac1f51884d71f30fa397a5e155de3099e11fc0edef5d08b646e621e19de9");
}

TEST_CASE("keccak-256 gives the well-known ERC-20 transfer selector", "[keccak]") {
    CHECK(hex(keccak256("transfer(address,uint256)")).substr(0, 8) == "a9059cbb");
}
