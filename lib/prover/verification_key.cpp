// The .zkey's verification key in ZoKrates' g16 JSON (include/zokml/prover/setup.hpp): section 2's
// alpha1, beta2, gamma2 and delta2, and section 3's IC points (gamma_abc), as tools/snarkjs.mjs's
// export-vk converts snarkjs' export.
#include <fmt/format.h>

#include "prover/binary_file.hpp"
#include "prover/proving_key.hpp"
#include "zokml/prover/setup.hpp"

namespace zokml::prover {

namespace {

std::string hex(const bn254::Fq& value) {
    const bn254::Limbs limbs = value.to_canonical();
    return fmt::format("0x{:016x}{:016x}{:016x}{:016x}", limbs[3], limbs[2], limbs[1], limbs[0]);
}

// snarkjs exports the point at infinity as (0, 1).
// (Arrays spelt out: nlohmann reads a braced list of pairs as an object.)
nlohmann::json g1_json(const bn254::G1Affine& p) {
    if (p == bn254::G1Affine{}) return nlohmann::json::array({hex({}), hex(bn254::Fq::one())});
    return nlohmann::json::array({hex(p.x), hex(p.y)});
}
nlohmann::json g2_json(const bn254::G2Affine& p) {
    using nlohmann::json;
    if (p == bn254::G2Affine{}) return json::array({json::array({hex({}), hex({})}), json::array({hex(bn254::Fq::one()), hex({})})});
    return json::array({json::array({hex(p.x.c0), hex(p.x.c1)}), json::array({hex(p.y.c0), hex(p.y.c1)})});
}

}  // namespace

nlohmann::json verification_key_json(const std::filesystem::path& zkey) {
    const BinaryFile file(zkey, "zkey", 1);
    const Groth16Header header = read_groth16_header(file);
    nlohmann::json gamma_abc = nlohmann::json::array();
    for (const bn254::G1Affine& p : read_points<bn254::G1Affine>(file, 3, "IC points", std::uint64_t{header.public_inputs} + 1))
        gamma_abc.push_back(g1_json(p));
    return {{"scheme", "g16"},          {"curve", "bn128"},          {"alpha", g1_json(header.alpha1)}, {"beta", g2_json(header.beta2)},
            {"gamma", g2_json(header.gamma2)}, {"delta", g2_json(header.delta2)}, {"gamma_abc", gamma_abc}};
}

}  // namespace zokml::prover
