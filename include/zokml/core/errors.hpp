// The exceptions zokml throws for bad input.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace zokml {

// Bad user input (a model, an image, a setting): names the file, the field and the reason.
class InputError : public std::runtime_error {
public:
    InputError(std::filesystem::path file, std::string field, std::string reason);
    const std::filesystem::path& file() const { return file_; }
    const std::string& field() const { return field_; }
    const std::string& reason() const { return reason_; }

private:
    std::filesystem::path file_;
    std::string field_;
    std::string reason_;
};

}  // namespace zokml
