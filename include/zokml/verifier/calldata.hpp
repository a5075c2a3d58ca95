// The exact arguments of the Solidity verifier's verifyTx, from a proof: as JSON for remix and
// ethers, and as the transaction's ABI-encoded call data.
//
// ZoKrates exports the same entry point for g16 and gm17 (only the verification differs):
//   struct G1Point { uint X; uint Y; }            struct G2Point { uint[2] X; uint[2] Y; }
//   struct Proof { G1Point a; G2Point b; G1Point c; }
//   function verifyTx(Proof memory proof, uint[N] memory input) public view returns (bool r)
// and verifyTx(Proof memory proof) when the program has no public inputs (N = 0).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/toolchain/artifacts.hpp"
#include "zokml/core/field.hpp"

namespace zokml {

// A uint256 (a word of the EVM), big-endian. Curve coordinates live in BN254's base field,
// which is larger than the scalar field of FieldElement.
struct Uint256 {
    std::array<std::uint8_t, 32> bytes{};

    // "0x" and 1 to 64 hex digits; throws std::invalid_argument otherwise.
    static Uint256 from_hex(std::string_view hex);
    std::string to_hex() const;  // "0x" and 64 lowercase digits, as ZoKrates writes coordinates
    bool operator==(const Uint256&) const = default;
};

// Points as ZoKrates writes them in proof.json and the verifier takes them: a G2 coordinate
// is the pair [c0, c1] of its Fq2 element c0 + c1 i (the verifier swaps them for the EVM's
// pairing precompile).
// JSON: [x, y] and [[x0, x1], [y0, y1]] of hex strings; from_json throws std::invalid_argument.
struct G1Point {
    Uint256 x, y;
    static G1Point from_json(const nlohmann::json& json);
    nlohmann::json to_json() const;
    bool operator==(const G1Point&) const = default;
};
struct G2Point {
    std::array<Uint256, 2> x, y;
    static G2Point from_json(const nlohmann::json& json);
    nlohmann::json to_json() const;
    bool operator==(const G2Point&) const = default;
};

struct VerifyTxCall {
    G1Point a;
    G2Point b;
    G1Point c;
    std::vector<FieldElement> inputs;  // the proof's public inputs, in order

    // From a g16 or gm17 proof on bn128; throws std::invalid_argument for other schemes or
    // curves (ZoKrates exports no Solidity verifier for them) and for malformed points.
    static VerifyTxCall from_proof(const Proof& proof);

    // The canonical signature, e.g. verifyTx(((uint256,uint256),(uint256[2],uint256[2]),(uint256,uint256)),uint256[2]).
    std::string signature() const;
    std::array<std::uint8_t, 4> selector() const;  // the first 4 bytes of Keccak-256(signature)
    // The transaction's call data: selector, then every argument as one 32-byte word (all of
    // verifyTx's types are static: a, b.X, b.Y, c, then the inputs).
    std::vector<std::uint8_t> abi_encode() const;
    std::string calldata_hex() const;  // "0x" + abi_encode() in hex

    // The arguments as remix, ethers and web3 take them, hex strings nested as the types nest:
    // [[[aX, aY], [[bX0, bX1], [bY0, bY1]], [cX, cY]], [input, ...]] (no input array when N = 0).
    nlohmann::json to_json() const;
    // The inverse; throws std::invalid_argument naming what is malformed (e.g. an input >= p).
    static VerifyTxCall from_json(const nlohmann::json& json);

    bool operator==(const VerifyTxCall&) const = default;
};

}  // namespace zokml
