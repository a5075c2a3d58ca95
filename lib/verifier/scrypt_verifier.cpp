#include "zokml/verifier/scrypt_verifier.hpp"

#include <openssl/bn.h>

#include <memory>
#include <stdexcept>

#include "zokml/verifier/calldata.hpp"
#include "core/templates.hpp"
#include "zokml/core/digest.hpp"

namespace zokml {
namespace {

// A coordinate as a TypeScript bigint literal: decimal, as sCrypt's own exports write them.
std::string literal(const Uint256& value) {
    std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(BN_bin2bn(value.bytes.data(), static_cast<int>(value.bytes.size()), nullptr), BN_free);
    if (!bn) throw std::bad_alloc();
    std::unique_ptr<char, void (*)(char*)> decimal(BN_bn2dec(bn.get()), [](char* text) { OPENSSL_free(text); });
    if (!decimal) throw std::bad_alloc();
    return std::string(decimal.get()) + "n";
}

const nlohmann::json& member(const VerificationKey& key, const std::string& name) {
    if (!key.points.contains(name)) throw std::invalid_argument("verification key: point " + name + " is missing");
    return key.points[name];
}

// Parses the key's point `name` (e.g. "beta", "gamma_abc[1]") with the checks of a proof's points.
template <typename Point>
Point point(const nlohmann::json& json, const std::string& name) {
    try {
        return Point::from_json(json);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("verification key: " + name + ": " + e.what());
    }
}

// {x, y} of a G1 point; G2 coordinates c0 + c1 i as {x: c0, y: c1}, the order of ZoKrates' JSON
// that scrypt-ts-lib's BN256.createTwistPoint expects.
std::string g1_literal(const G1Point& p) { return "{ x: " + literal(p.x) + ", y: " + literal(p.y) + " }"; }
std::string g1_literal(const VerificationKey& key, const std::string& name) {
    return g1_literal(point<G1Point>(member(key, name), name));
}
std::string g2_literal(const VerificationKey& key, const std::string& name) {
    const auto p = point<G2Point>(member(key, name), name);
    return "{\n"
           "        x: { x: " + literal(p.x[0]) + ", y: " + literal(p.x[1]) + " },\n"
           "        y: { x: " + literal(p.y[0]) + ", y: " + literal(p.y[1]) + " },\n"
           "    }";
}

}  // namespace

std::size_t scrypt_public_inputs(const VerificationKey& key) {
    const auto& gamma_abc = member(key, "gamma_abc");
    if (!gamma_abc.is_array() || gamma_abc.empty()) throw std::invalid_argument("verification key: gamma_abc must be a non-empty array");
    return gamma_abc.size() - 1;
}

std::string generate_scrypt_verifier(const VerificationKey& key) {
    if (key.scheme != "g16" || key.curve != "bn128")
        throw std::invalid_argument("sCrypt verifier: needs a g16 key on bn128 (sCrypt's BN256 library), not " + key.scheme + " on " + key.curve);
    const std::size_t n = scrypt_public_inputs(key);
    const std::string count = std::to_string(n);
    const std::string points = std::to_string(n + 1);

    std::string gamma_abc;
    for (std::size_t i = 0; i <= n; ++i) {
        const auto p = point<G1Point>(key.points["gamma_abc"][i], "gamma_abc[" + std::to_string(i) + "]");
        gamma_abc += "    " + g1_literal(p) + ",\n";
    }
    // With no public inputs the contract takes none: sCrypt has no empty arrays.
    const bool inputs = n > 0;
    const std::string type = "FixedArray<bigint, typeof N_PUB_INPUTS>";
    const auto with_inputs = [&](const std::string& text) { return inputs ? text : std::string(); };
    return detail::render_template(
        "scrypt_verifier.ts",
        {{"key_sha256", sha256_hex(key.to_json().dump())},
         {"count", count},
         {"points", points},
         {"gamma_abc", gamma_abc},
         {"alpha", g1_literal(key, "alpha")},
         {"beta", g2_literal(key, "beta")},
         {"gamma", g2_literal(key, "gamma")},
         {"delta", g2_literal(key, "delta")},
         {"public_inputs_reader",
          with_inputs("\n// The public inputs of a ZoKrates proof.json, parsed.\n"
                      "export function publicInputsFromZokrates(json: { inputs: string[] }): " + type + " {\n"
                      "    if (json.inputs.length != N_PUB_INPUTS) throw new Error(`expected ${N_PUB_INPUTS} public inputs, found ${json.inputs.length}`)\n"
                      "    return json.inputs.map((v) => BigInt(v)) as " + type + "\n}\n")},
         {"inputs_parameter", with_inputs("inputs: " + type + ", ")},
         {"vk_x", inputs ? "        let vkX: G1Point = vk.gammaAbc[0]\n"
                           "        for (let i = 0; i < N_PUB_INPUTS; i++) {\n"
                           "            vkX = BN256.addG1Points(vkX, BN256.mulG1Point(vk.gammaAbc[i + 1], inputs[i]))\n"
                           "        }\n"
                         : "        const vkX: G1Point = vk.gammaAbc[0]\n"},
         {"inputs_property", with_inputs("\n    @prop()\n    publicInputs: " + type + "\n")},
         {"constructor_inputs", with_inputs(", publicInputs: " + type)},
         {"constructor_assignment", with_inputs("        this.publicInputs = publicInputs\n")},
         {"verify_inputs", with_inputs("this.publicInputs, ")}});
}

}  // namespace zokml
