// Reading the members of a JSON object (a lock file, a manifest, settings) with errors that name
// the file and the field.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/core/errors.hpp"

namespace zokml::detail {

// The members of one JSON object, read with errors that name the file and the field.
class Fields {
public:
    Fields(const nlohmann::json& object, const std::filesystem::path& file, std::string field)
        : object_(object), file_(file), field_(std::move(field)) {
        if (!object_.is_object()) fail("", "expected an object");
    }

    std::string path(const std::string& key) const { return field_.empty() ? key : field_ + "." + key; }
    [[noreturn]] void fail(const std::string& key, const std::string& reason) const {
        throw InputError(file_, !key.empty() ? path(key) : field_.empty() ? "(file)" : field_, reason);
    }
    const nlohmann::json* find(const std::string& key) const {
        const auto it = object_.find(key);
        return it == object_.end() ? nullptr : &*it;
    }
    const nlohmann::json& required(const std::string& key) const {
        if (const nlohmann::json* value = find(key)) return *value;
        fail(key, "missing");
    }
    std::string text(const std::string& key) const {
        const nlohmann::json& value = required(key);
        if (!value.is_string() || value.get<std::string>().empty()) fail(key, "expected a non-empty string");
        return value.get<std::string>();
    }
    std::string text_or(const std::string& key, const std::string& fallback) const { return find(key) ? text(key) : fallback; }
    std::size_t count(const std::string& key, std::size_t fallback, std::size_t min = 1, std::size_t max = 1u << 20) const {
        const nlohmann::json* value = find(key);
        if (!value) return fallback;
        const bool in_range = value->is_number_unsigned() ? value->get<std::uint64_t>() >= min && value->get<std::uint64_t>() <= max
                                                           : value->is_number_integer() && value->get<std::int64_t>() >= 0 &&
                                                                 static_cast<std::uint64_t>(value->get<std::int64_t>()) >= min &&
                                                                 static_cast<std::uint64_t>(value->get<std::int64_t>()) <= max;
        if (!in_range) fail(key, fmt::format("expected an integer from {} to {}, got {}", min, max, value->dump()));
        return static_cast<std::size_t>(value->get<std::uint64_t>());
    }
    double number(const std::string& key) const {
        const nlohmann::json& value = required(key);
        if (!value.is_number()) fail(key, "expected a number, got " + value.dump());
        return value.get<double>();
    }
    bool flag(const std::string& key, bool fallback) const {
        const nlohmann::json* value = find(key);
        if (!value) return fallback;
        if (!value->is_boolean()) fail(key, "expected true or false, got " + value->dump());
        return value->get<bool>();
    }
    // text(key) read by `parse`, whose InputError or std::invalid_argument then names this file and key.
    template <typename Parse>
    auto parsed(const std::string& key, Parse parse) const {
        const std::string value = text(key);
        try {
            return parse(value);
        } catch (const InputError& e) {
            fail(key, e.reason());
        } catch (const std::invalid_argument& e) {
            fail(key, e.what());
        }
    }
    void only(const std::vector<std::string>& known) const {
        for (const auto& [key, value] : object_.items())
            if (std::find(known.begin(), known.end(), key) == known.end())
                fail(key, fmt::format("unknown member (expected one of: {})", fmt::join(known, ", ")));
    }
    // The object held by `key`, read with this file and the key's path.
    Fields member(const std::string& key) const { return Fields(required(key), file_, path(key)); }

private:
    const nlohmann::json& object_;
    const std::filesystem::path& file_;
    std::string field_;
};

// Runs f; any error but an InputError becomes one naming the file.
template <typename F>
auto input_errors_named(const std::filesystem::path& file, F&& f) {
    try {
        return f();
    } catch (const InputError&) {
        throw;
    } catch (const nlohmann::json::exception& e) {
        throw InputError(file, "(file)", std::string("malformed JSON: ") + e.what());
    } catch (const std::exception& e) {
        throw InputError(file, "(file)", e.what());
    }
}

}  // namespace zokml::detail
