// iden3's binary container (snarkjs' .zkey, .wtns, .ptau, .r1cs): a 4-byte magic, a version, then
// sections, each a 32-bit type, a 64-bit size and its bytes, little-endian. The whole file is read
// once; every offset and size is checked against it, so a hostile file gives an InputError naming
// the file and the section, never a read past the end.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace zokml::prover {

class BinaryFile {
public:
    // Reads the file and its section table; InputError when it is not a `magic` file of at most
    // max_version or a section runs past the end.
    BinaryFile(const std::filesystem::path& file, const std::string& magic, std::uint32_t max_version);
    // The same of bytes held in memory; `name` stands for the file in errors.
    BinaryFile(std::string bytes, const std::filesystem::path& name, const std::string& magic, std::uint32_t max_version);
    ~BinaryFile();  // wipes the bytes: a witness holds private values
    BinaryFile(const BinaryFile&) = delete;
    BinaryFile& operator=(const BinaryFile&) = delete;

    const std::filesystem::path& path() const { return path_; }
    // The bytes of the one section of this type (`name` for errors); InputError when there is
    // none or more than one.
    std::span<const std::uint8_t> section(std::uint32_t type, const std::string& name) const;

private:
    struct Section {
        std::uint32_t type;
        std::uint64_t offset, size;
    };
    std::filesystem::path path_;
    std::string bytes_;
    std::vector<Section> sections_;
};

// Reads a section's fields in order, each read checked against the section's end.
class SectionReader {
public:
    SectionReader(std::span<const std::uint8_t> bytes, const BinaryFile& file, std::string section)
        : bytes_(bytes), file_(file), section_(std::move(section)) {}

    std::uint32_t u32();
    // 32 bytes as four little-endian 64-bit words, least significant first.
    std::array<std::uint64_t, 4> limbs(const std::string& what);
    // The next `size` bytes; InputError naming `what` when fewer are left.
    std::span<const std::uint8_t> take(std::uint64_t size, const std::string& what);
    std::uint64_t left() const { return bytes_.size() - position_; }
    // InputError naming the section: `reason`.
    [[noreturn]] void fail(const std::string& reason) const;
    // InputError unless every byte was read.
    void expect_end() const;

private:
    std::span<const std::uint8_t> bytes_;
    const BinaryFile& file_;
    std::string section_;
    std::uint64_t position_ = 0;
};

}  // namespace zokml::prover
