#include "zokml/toolchain/artifacts.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "zokml/core/digest.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/json.hpp"

namespace zokml {

std::string to_string(Scheme scheme) {
    switch (scheme) {
        case Scheme::G16: return "g16";
        case Scheme::GM17: return "gm17";
        case Scheme::Marlin: return "marlin";
    }
    throw std::logic_error("unreachable");
}

Scheme scheme_from_string(const std::string& name) {
    for (const auto s : {Scheme::G16, Scheme::GM17, Scheme::Marlin})
        if (to_string(s) == name) return s;
    throw std::invalid_argument("unknown proving scheme '" + name + "' (expected g16, gm17 or marlin)");
}

std::string to_string(Backend backend) {
    switch (backend) {
        case Backend::Zokrates: return "zokrates";
        case Backend::Snarkjs: return "snarkjs";
        case Backend::Native: return "native";
    }
    return "unknown";
}

Backend backend_from_string(const std::string& name) {
    for (const auto b : {Backend::Zokrates, Backend::Snarkjs, Backend::Native})
        if (to_string(b) == name) return b;
    throw std::invalid_argument("unknown backend '" + name + "' (expected zokrates, snarkjs or native)");
}

namespace {

// Splits {"scheme", "curve", ...rest} as ZoKrates writes keys and proofs.
void split_tagged(const nlohmann::json& json, const char* what, std::string& scheme, std::string& curve,
                  nlohmann::json& rest) {
    if (!json.is_object() || !json.contains("scheme") || !json.contains("curve"))
        throw std::invalid_argument(std::string(what) + ": expected an object with \"scheme\" and \"curve\"");
    scheme = json["scheme"].get<std::string>();
    curve = json["curve"].get<std::string>();
    rest = json;
    rest.erase("scheme");
    rest.erase("curve");
}

}  // namespace

VerificationKey VerificationKey::from_json(const nlohmann::json& json) {
    VerificationKey vk;
    split_tagged(json, "verification key", vk.scheme, vk.curve, vk.points);
    return vk;
}

nlohmann::json VerificationKey::to_json() const {
    nlohmann::json j = {{"scheme", scheme}, {"curve", curve}};
    j.update(points);
    return j;
}

Proof Proof::from_json(const nlohmann::json& json) {
    Proof proof;
    nlohmann::json rest;
    split_tagged(json, "proof", proof.scheme, proof.curve, rest);
    if (!rest.contains("proof") || !rest.contains("inputs") || !rest["inputs"].is_array())
        throw std::invalid_argument("proof: expected \"proof\" and an \"inputs\" array");
    proof.points = rest["proof"];
    for (std::size_t i = 0; i < rest["inputs"].size(); ++i) {
        const auto& input = rest["inputs"][i];
        if (!input.is_string()) throw std::invalid_argument(fmt::format("proof: inputs[{}] is not a string", i));
        try {
            proof.inputs.push_back(FieldElement::from_hex(input.get<std::string>()));
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(fmt::format("proof: inputs[{}]: {}", i, e.what()));
        }
    }
    return proof;
}

nlohmann::json Proof::to_json() const {
    nlohmann::json inputs_json = nlohmann::json::array();
    for (const auto& input : inputs) {
        inputs_json.push_back("0x" + to_hex(input.bytes()));
    }
    return {{"scheme", scheme}, {"curve", curve}, {"proof", points}, {"inputs", inputs_json}};
}

Keypair verification_keypair(const std::filesystem::path& verification_key) {
    const nlohmann::json key = read_json_file(verification_key);
    Keypair keypair;
    keypair.verification_key_file = verification_key;
    try {
        keypair.verification_key = VerificationKey::from_json(key);
        keypair.scheme = scheme_from_string(keypair.verification_key.scheme);
        if (keypair.scheme != Scheme::Marlin) public_input_count(keypair.verification_key);  // the list proofs are checked against
    } catch (const std::exception& e) {
        throw InputError(verification_key, "(file)", std::string("not a verification key: ") + e.what());
    }
    return keypair;
}

}  // namespace zokml
