// check_canonical, check_canonical_points and public_input_count (zokml/toolchain/artifacts.hpp).
#include <fmt/format.h>

#include <stdexcept>

#include "proof_points.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/toolchain/artifacts.hpp"

namespace zokml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// [c0, c1] in hex: c0 + c1 u.
bn254::Fq2 hex_fq2(const json& pair, const fs::path& file, const std::string& field) {
    detail::array_of(pair, 2, file, field);
    return {detail::hex_coordinate(pair[0], file, field + "[0]"), detail::hex_coordinate(pair[1], file, field + "[1]")};
}

}  // namespace

std::size_t public_input_count(const VerificationKey& key) {
    const char* list = key.scheme == "g16" ? "gamma_abc" : key.scheme == "gm17" ? "query" : nullptr;
    if (!list) throw std::invalid_argument("a " + detail::shown(key.scheme) + " verification key: zokml checks g16 and gm17 proofs only");
    if (!key.points.is_object() || !key.points.contains(list) || !key.points[list].is_array() || key.points[list].empty())
        throw std::invalid_argument(fmt::format("the {} verification key has no list {}", key.scheme, list));
    return key.points[list].size() - 1;
}

void check_canonical_points(const Proof& proof, const fs::path& file) {
    if (proof.curve != "bn128") throw InputError(file, "curve", fmt::format("{}: zokml verifies proofs on bn128 only", detail::shown(proof.curve)));
    if (proof.scheme != "g16" && proof.scheme != "gm17")
        throw InputError(file, "scheme", fmt::format("a {} proof: zokml checks g16 and gm17 proofs only", detail::shown(proof.scheme)));
    const json& points = proof.points;
    if (!points.is_object() || points.size() != 3 || !points.contains("a") || !points.contains("b") || !points.contains("c"))
        throw InputError(file, "proof", fmt::format("expected an object of exactly the points a, b and c, got {}", detail::shown(points)));
    for (const char* name : {"a", "c"}) {
        const std::string field = std::string("proof.") + name;
        const json& point = detail::array_of(points[name], 2, file, field);
        detail::checked_g1({detail::hex_coordinate(point[0], file, field + "[0]"), detail::hex_coordinate(point[1], file, field + "[1]")},
                           file, field);
    }
    const json& b = detail::array_of(points["b"], 2, file, "proof.b");
    detail::checked_g2({hex_fq2(b[0], file, "proof.b[0]"), hex_fq2(b[1], file, "proof.b[1]")}, file, "proof.b");
}

void check_canonical(const Proof& proof, const VerificationKey& key, const fs::path& file) {
    if (proof.curve != "bn128") throw InputError(file, "curve", fmt::format("{}: zokml verifies proofs on bn128 only", detail::shown(proof.curve)));
    if (proof.scheme != key.scheme)
        throw InputError(file, "scheme", fmt::format("a {} proof, but a {} verification key", detail::shown(proof.scheme), detail::shown(key.scheme)));
    std::size_t inputs = 0;
    try {
        inputs = public_input_count(key);
    } catch (const std::invalid_argument& e) {
        throw InputError(file, "scheme", e.what());
    }
    check_canonical_points(proof, file);
    if (proof.inputs.size() != inputs)
        throw InputError(file, "inputs",
                         fmt::format("{} public inputs, but the verification key takes {}: a proof of another program", proof.inputs.size(), inputs));
}

}  // namespace zokml
