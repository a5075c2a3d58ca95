#include "zokml/verifier/calldata.hpp"

#include <span>
#include <stdexcept>

#include "core/keccak.hpp"
#include "zokml/core/digest.hpp"

namespace zokml {
namespace {

std::string hex_of(std::span<const std::uint8_t> bytes) { return "0x" + to_hex(bytes); }

Uint256 word(const nlohmann::json& json) {
    if (!json.is_string()) throw std::invalid_argument("expected a hex string, found " + json.dump());
    return Uint256::from_hex(json.get<std::string>());
}

const nlohmann::json& pair(const nlohmann::json& json) {
    if (!json.is_array() || json.size() != 2) throw std::invalid_argument("expected an array of 2, found " + json.dump());
    return json;
}

// Runs parse(json), prefixing its error with where the value was.
template <typename Parse>
auto at(const std::string& where, const nlohmann::json& json, Parse parse) {
    try {
        return parse(json);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(where + ": " + e.what());
    }
}

std::string hex_of(const FieldElement& e) { return hex_of(e.bytes()); }

}  // namespace

Uint256 Uint256::from_hex(std::string_view hex) {
    const std::string_view digits = hex.starts_with("0x") ? hex.substr(2) : std::string_view{};
    if (digits.empty() || digits.size() > 64 || digits.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos)
        throw std::invalid_argument("not a uint256 in hex (0x and 1 to 64 digits): '" + std::string(hex) + "'");
    Uint256 value;
    // Right-aligned: digit i from the end is the low or high half of byte 31 - i / 2.
    for (std::size_t i = 0; i < digits.size(); ++i) {
        const char d = digits[digits.size() - 1 - i];
        const int nibble = d <= '9' ? d - '0' : (d | 0x20) - 'a' + 10;
        value.bytes[31 - i / 2] |= static_cast<std::uint8_t>(nibble << (4 * (i % 2)));
    }
    return value;
}

std::string Uint256::to_hex() const { return hex_of(bytes); }

G1Point G1Point::from_json(const nlohmann::json& json) {
    pair(json);
    return {word(json[0]), word(json[1])};
}

// json::array throughout: nlohmann reads a braced list of [string, value] pairs as an object.
nlohmann::json G1Point::to_json() const { return nlohmann::json::array({x.to_hex(), y.to_hex()}); }

G2Point G2Point::from_json(const nlohmann::json& json) {
    pair(json);
    const auto& x = pair(json[0]);
    const auto& y = pair(json[1]);
    return {{word(x[0]), word(x[1])}, {word(y[0]), word(y[1])}};
}

nlohmann::json G2Point::to_json() const {
    using nlohmann::json;
    return json::array({json::array({x[0].to_hex(), x[1].to_hex()}), json::array({y[0].to_hex(), y[1].to_hex()})});
}

VerifyTxCall VerifyTxCall::from_proof(const Proof& proof) {
    if (proof.curve != "bn128")
        throw std::invalid_argument("proof: curve " + proof.curve + " has no Solidity verifier (only bn128)");
    if (proof.scheme != "g16" && proof.scheme != "gm17")
        throw std::invalid_argument("proof: scheme " + proof.scheme + " is not supported (g16 or gm17)");
    const auto& points = proof.points;
    for (const char* name : {"a", "b", "c"})
        if (!points.is_object() || !points.contains(name)) throw std::invalid_argument(std::string("proof: point ") + name + " is missing");
    return {at("proof.a", points["a"], G1Point::from_json), at("proof.b", points["b"], G2Point::from_json),
            at("proof.c", points["c"], G1Point::from_json), proof.inputs};
}

std::string VerifyTxCall::signature() const {
    std::string signature = "verifyTx(((uint256,uint256),(uint256[2],uint256[2]),(uint256,uint256))";
    if (!inputs.empty()) signature += ",uint256[" + std::to_string(inputs.size()) + "]";
    return signature + ")";
}

std::array<std::uint8_t, 4> VerifyTxCall::selector() const {
    const auto hash = detail::keccak256(signature());
    return {hash[0], hash[1], hash[2], hash[3]};
}

std::vector<std::uint8_t> VerifyTxCall::abi_encode() const {
    const auto sel = selector();
    std::vector<std::uint8_t> data(sel.begin(), sel.end());
    const auto append = [&data](const std::array<std::uint8_t, 32>& word) { data.insert(data.end(), word.begin(), word.end()); };
    for (const Uint256* w : {&a.x, &a.y, &b.x[0], &b.x[1], &b.y[0], &b.y[1], &c.x, &c.y}) append(w->bytes);
    for (const auto& input : inputs) append(input.bytes());
    return data;
}

std::string VerifyTxCall::calldata_hex() const {
    const auto data = abi_encode();
    return hex_of(data);
}

nlohmann::json VerifyTxCall::to_json() const {
    nlohmann::json arguments = nlohmann::json::array({nlohmann::json::array({a.to_json(), b.to_json(), c.to_json()})});
    if (inputs.empty()) return arguments;
    nlohmann::json input_words = nlohmann::json::array();
    for (const auto& input : inputs) input_words.push_back(hex_of(input));
    arguments.push_back(input_words);
    return arguments;
}

VerifyTxCall VerifyTxCall::from_json(const nlohmann::json& json) {
    if (!json.is_array() || json.empty() || json.size() > 2)
        throw std::invalid_argument("verifyTx arguments: expected [proof] or [proof, inputs], found " + json.dump());
    const auto& proof = json[0];
    if (!proof.is_array() || proof.size() != 3)
        throw std::invalid_argument("verifyTx arguments: expected the proof as [a, b, c], found " + proof.dump());
    VerifyTxCall call{at("proof.a", proof[0], G1Point::from_json), at("proof.b", proof[1], G2Point::from_json),
                      at("proof.c", proof[2], G1Point::from_json), {}};
    if (json.size() == 2) {
        if (!json[1].is_array()) throw std::invalid_argument("verifyTx arguments: expected the inputs as an array, found " + json[1].dump());
        for (std::size_t i = 0; i < json[1].size(); ++i) {
            const std::string where = "input[" + std::to_string(i) + "]";
            const Uint256 value = at(where, json[1][i], word);
            try {
                call.inputs.push_back(FieldElement::from_canonical_bytes(value.bytes));
            } catch (const std::invalid_argument&) {
                throw std::invalid_argument(where + ": " + value.to_hex() + " is not below the field modulus (the verifier rejects it)");
            }
        }
    }
    return call;
}

}  // namespace zokml
