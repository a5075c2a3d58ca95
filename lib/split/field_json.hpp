// Field elements in the JSON of bundles and witness files: decimal strings.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/core/field.hpp"

namespace zokml::detail {

inline nlohmann::json fields_json(const std::vector<FieldElement>& elements) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : elements) out.push_back(e.to_decimal());
    return out;
}

}  // namespace zokml::detail
