// The points of a proof as read from text, each checked before anything else sees it: a
// coordinate is one canonical number below q, a G1 point is on the curve, a G2 point on the
// twist and in the subgroup of order r. Every refusal is an InputError naming the file and field.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "crypto/bn254/curve.hpp"

namespace zokml::detail {

// "0x" and 64 hex digits (ZoKrates' JSON), or a decimal number without sign or leading zeros
// (snarkjs' JSON), of a value below q.
bn254::Fq hex_coordinate(const nlohmann::json& text, const std::filesystem::path& file, const std::string& field);
bn254::Fq decimal_coordinate(const nlohmann::json& text, const std::filesystem::path& file, const std::string& field);
std::string to_hex(const bn254::Fq& coordinate);  // "0x" and 64 lowercase hex digits

// The point itself when it is in G1 (on the curve) or G2 (on the twist, of order r). The point at
// infinity has no affine coordinates: written as (0, 0) it is not on the curve.
const bn254::G1Affine& checked_g1(const bn254::G1Affine& point, const std::filesystem::path& file, const std::string& field);
const bn254::G2Affine& checked_g2(const bn254::G2Affine& point, const std::filesystem::path& file, const std::string& field);

// The value for a message: JSON with every non-ASCII character escaped, at most 80 characters.
std::string shown(const nlohmann::json& value);

// The JSON array of `size` elements, else InputError.
const nlohmann::json& array_of(const nlohmann::json& json, std::size_t size, const std::filesystem::path& file, const std::string& field);

}  // namespace zokml::detail
