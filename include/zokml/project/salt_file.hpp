// The model owner's salt (docs/commitment.md): the secret that makes a model's commitments hiding,
// drawn once (zokml commit) and kept in a private file that the proving commands read. The file:
//   {"format": "zokml-salt", "version": 1, "salt": "<decimal field element>"}   mode 0600
// Errors name the file and the reason, never its contents.
#pragma once

#include <filesystem>

#include "zokml/core/field.hpp"

namespace zokml {

// The salt in `file`; InputError naming the file when it is missing, unreadable or malformed.
FieldElement read_salt_file(const std::filesystem::path& file);

// The salt in `file`, or a fresh one (random_salt) written there first when the file does not
// exist: atomically, mode 0600, never over a file that appeared meanwhile.
struct OwnerSalt {
    FieldElement salt;
    bool created = false;  // drawn now
};
OwnerSalt read_or_create_salt_file(const std::filesystem::path& file);

// Writes `salt` to a new salt file (atomically, mode 0600); false, and nothing written, when
// `file` exists: a salt file is never replaced.
bool write_salt_file(const std::filesystem::path& file, const FieldElement& salt);

}  // namespace zokml
