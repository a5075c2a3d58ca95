#include "zokml/core/errors.hpp"

#include <utility>

namespace zokml {

InputError::InputError(std::filesystem::path file, std::string field, std::string reason)
    : std::runtime_error((file.empty() ? std::string("<input>") : file.string()) + ": " + field + ": " + reason),
      file_(std::move(file)), field_(std::move(field)), reason_(std::move(reason)) {}

}  // namespace zokml
