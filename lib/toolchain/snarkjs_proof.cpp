#include "zokml/toolchain/snarkjs_proof.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "proof_points.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/json.hpp"

namespace zokml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A member that must be exactly `expected`: the protocol, the curve, a projective z (1 in G1,
// [1, 0] in G2: snarkjs writes affine points; any other z would be a second form of a point).
void require_text(const json& value, const char* expected, const char* what, const fs::path& file, const std::string& field) {
    if (!value.is_string() || value.get_ref<const std::string&>() != expected)
        throw InputError(file, field, fmt::format("expected \"{}\"{}, got {}", expected, what, detail::shown(value)));
}

constexpr const char* kAffine = " (an affine point)";

// [c0, c1] in decimal: c0 + c1 u.
bn254::Fq2 decimal_fq2(const json& pair, const fs::path& file, const std::string& field) {
    detail::array_of(pair, 2, file, field);
    return {detail::decimal_coordinate(pair[0], file, field + "[0]"), detail::decimal_coordinate(pair[1], file, field + "[1]")};
}

json g1(const json& point, const fs::path& file, const std::string& field) {
    detail::array_of(point, 3, file, field);
    require_text(point[2], "1", kAffine, file, field + "[2]");
    const bn254::G1Affine p{detail::decimal_coordinate(point[0], file, field + "[0]"),
                            detail::decimal_coordinate(point[1], file, field + "[1]")};
    detail::checked_g1(p, file, field);
    return json::array({detail::to_hex(p.x), detail::to_hex(p.y)});
}

json g2(const json& point, const fs::path& file, const std::string& field) {
    detail::array_of(point, 3, file, field);
    const bn254::G2Affine p{decimal_fq2(point[0], file, field + "[0]"), decimal_fq2(point[1], file, field + "[1]")};
    detail::array_of(point[2], 2, file, field + "[2]");
    require_text(point[2][0], "1", kAffine, file, field + "[2][0]");
    require_text(point[2][1], "0", kAffine, file, field + "[2][1]");
    detail::checked_g2(p, file, field);
    return json::array({json::array({detail::to_hex(p.x.c0), detail::to_hex(p.x.c1)}),
                        json::array({detail::to_hex(p.y.c0), detail::to_hex(p.y.c1)})});
}

}  // namespace

json snarkjs_proof_points(const json& proof, const fs::path& file) {
    if (!proof.is_object()) throw InputError(file, "(file)", "expected snarkjs' groth16 proof object, got " + detail::shown(proof));
    for (const auto& [name, value] : proof.items())
        if (name != "pi_a" && name != "pi_b" && name != "pi_c" && name != "protocol" && name != "curve")
            throw InputError(file, "(file)", "the member " + detail::shown(name) + " is not one of snarkjs' groth16 proof");
    for (const char* name : {"pi_a", "pi_b", "pi_c", "protocol", "curve"})
        if (!proof.contains(name)) throw InputError(file, name, "missing");
    require_text(proof["protocol"], "groth16", "", file, "protocol");
    require_text(proof["curve"], "bn128", "", file, "curve");
    return {{"a", g1(proof["pi_a"], file, "pi_a")}, {"b", g2(proof["pi_b"], file, "pi_b")}, {"c", g1(proof["pi_c"], file, "pi_c")}};
}

std::vector<FieldElement> snarkjs_public_signals(const json& signals, const fs::path& file) {
    if (!signals.is_array()) throw InputError(file, "(file)", "expected snarkjs' array of public signals, got " + detail::shown(signals));
    std::vector<FieldElement> values;
    for (std::size_t i = 0; i < signals.size(); ++i) {
        const std::string field = fmt::format("[{}]", i);
        const json& signal = signals[i];
        const std::string text = signal.is_string() ? signal.get<std::string>() : "";
        if (text.empty() || text.size() > 77 || (text.size() > 1 && text[0] == '0') || text.find_first_not_of("0123456789") != std::string::npos)
            throw InputError(file, field, fmt::format("expected a decimal number below p without leading zeros, got {}", detail::shown(signal)));
        try {
            values.push_back(FieldElement::from_decimal(text));
        } catch (const std::invalid_argument& e) {
            throw InputError(file, field, e.what());
        }
    }
    return values;
}

Proof read_snarkjs_proof(const fs::path& proof, const fs::path& public_signals) {
    Proof read;
    read.scheme = "g16";
    read.curve = "bn128";
    read.points = snarkjs_proof_points(read_json_file(proof), proof);
    read.inputs = snarkjs_public_signals(read_json_file(public_signals), public_signals);
    return read;
}

}  // namespace zokml
