// What the harnesses share. A harness feeds the fuzzer's bytes to one reader of untrusted input
// and accepts only the outcomes its header documents: a value, or one of the exceptions it names.
// Anything else ends the run as a finding: a sanitizer report, a crash, a timeout, running out of
// memory, or (below) an exception the reader does not document.
#pragma once

#include <cxxabi.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>

#include <nlohmann/json.hpp>

#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/json.hpp"

namespace zokml::fuzz {

// The exceptions a reader documents (combine with |).
enum Expected : unsigned {
    kInputError = 1,       // zokml::InputError
    kInvalidArgument = 2,  // std::invalid_argument
    kOutOfRange = 4,       // std::out_of_range
    kJsonError = 8,        // nlohmann::json::exception (parse, type, out_of_range errors)
};

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void unexpected(const std::exception& e) {
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status), std::free);
    std::fprintf(stderr, "zokml fuzz: an undocumented exception escaped: %s: %s\n",
                 status == 0 ? name.get() : typeid(e).name(), e.what());
    std::abort();
}

// Runs f(); true when it returned, false when it threw one of `expected`. Any other exception
// aborts with its type and message (libFuzzer then saves the input as a crash).
template <typename F>
bool run_expecting(unsigned expected, F&& f) {
    try {
        f();
        return true;
    } catch (const InputError& e) {
        if (expected & kInputError) return false;
        unexpected(e);
    } catch (const nlohmann::json::exception& e) {
        if (expected & kJsonError) return false;
        unexpected(e);
    } catch (const std::invalid_argument& e) {
        if (expected & kInvalidArgument) return false;
        unexpected(e);
    } catch (const std::out_of_range& e) {
        if (expected & kOutOfRange) return false;
        unexpected(e);
    } catch (const std::exception& e) {
        unexpected(e);
    }
}

// A property every accepted input must have (a round trip): aborts with `what` when it fails.
inline void require(bool holds, const char* what) {
    if (holds) return;
    std::fprintf(stderr, "zokml fuzz: property violated: %s\n", what);
    std::abort();
}

// The bytes as JSON (parse_json), or nothing when they are not JSON: where a JSON reader's harness
// starts.
inline std::optional<nlohmann::json> json_of(const std::uint8_t* data, std::size_t size, const char* file) {
    std::optional<nlohmann::json> json;
    run_expecting(kInputError, [&] { json = parse_json(text_of(data, size), file); });
    return json;
}

// A private folder for the readers that take a path: created once per process, removed at exit.
inline const std::filesystem::path& scratch_folder() {
    static const TempFolder folder(std::filesystem::temp_directory_path(), "zokml-fuzz");
    return folder.path();
}

// Writes the input to scratch_folder() / name (replacing the previous input) and returns its path.
inline std::filesystem::path input_file(const std::string& name, std::string_view contents) {
    const std::filesystem::path file = scratch_folder() / name;
    write_file_atomically(file, contents);
    return file;
}

}  // namespace zokml::fuzz
