#include "prover/binary_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <openssl/crypto.h>

#include "zokml/core/errors.hpp"

namespace zokml::prover {

namespace {

std::uint64_t little_endian(std::span<const std::uint8_t> bytes) {
    std::uint64_t value = 0;
    for (std::size_t i = bytes.size(); i-- > 0;) value = value << 8 | bytes[i];
    return value;
}

// The file's bytes in one read into a buffer of its size: a key is megabytes, and read_file's
// stream copy took 60 ms of the 784-56-10 key's 100.
std::string read_whole(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError(file, "file", std::string("cannot be opened: ") + std::strerror(errno));
    struct stat status {};
    std::string bytes;
    if (::fstat(fd, &status) == 0 && S_ISREG(status.st_mode)) bytes.resize(static_cast<std::size_t>(status.st_size));
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // shorter than fstat said (truncated meanwhile): what was read is checked as any file
        done += static_cast<std::size_t>(n);
    }
    const bool regular = S_ISREG(status.st_mode);
    ::close(fd);
    if (!regular) throw InputError(file, "file", "is not a regular file");
    bytes.resize(done);
    return bytes;
}

}  // namespace

BinaryFile::BinaryFile(const std::filesystem::path& file, const std::string& magic, std::uint32_t max_version)
    : BinaryFile(read_whole(file), file, magic, max_version) {}

BinaryFile::~BinaryFile() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

BinaryFile::BinaryFile(std::string bytes, const std::filesystem::path& file, const std::string& magic, std::uint32_t max_version)
    : path_(file), bytes_(std::move(bytes)) {
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes_.data());
    const std::uint64_t size = bytes_.size();
    if (size < 12 || bytes_.compare(0, 4, magic) != 0)
        throw InputError(file, "header", fmt::format("not a snarkjs .{} file (it does not start with '{}')", magic, magic));
    const std::uint64_t version = little_endian({data + 4, 4});
    if (version == 0 || version > max_version)
        throw InputError(file, "header", fmt::format("version {} of the .{} format is not one this reader knows (1..{})", version, magic, max_version));
    const std::uint64_t count = little_endian({data + 8, 4});
    std::uint64_t at = 12;
    for (std::uint64_t i = 0; i < count; ++i) {
        if (size - at < 12)
            throw InputError(file, "section table", fmt::format("the file ends in the header of section {} of {}", i + 1, count));
        Section s{static_cast<std::uint32_t>(little_endian({data + at, 4})), at + 12, little_endian({data + at + 4, 8})};
        if (s.size > size - s.offset)
            throw InputError(file, "section table",
                             fmt::format("section {} (type {}) claims {} bytes but only {} are left in the file", i + 1, s.type, s.size,
                                         size - s.offset));
        sections_.push_back(s);
        at = s.offset + s.size;
    }
}

std::span<const std::uint8_t> BinaryFile::section(std::uint32_t type, const std::string& name) const {
    const Section* found = nullptr;
    for (const Section& s : sections_) {
        if (s.type != type) continue;
        if (found) throw InputError(path_, name, fmt::format("the file has more than one section {} ({})", type, name));
        found = &s;
    }
    if (!found) throw InputError(path_, name, fmt::format("the file has no section {} ({})", type, name));
    return {reinterpret_cast<const std::uint8_t*>(bytes_.data()) + found->offset, found->size};
}

std::uint32_t SectionReader::u32() { return static_cast<std::uint32_t>(little_endian(take(4, "a 32-bit number"))); }

std::array<std::uint64_t, 4> SectionReader::limbs(const std::string& what) {
    const auto bytes = take(32, what);
    std::array<std::uint64_t, 4> out{};
    for (std::size_t i = 0; i < 4; ++i) out[i] = little_endian(bytes.subspan(8 * i, 8));
    return out;
}

std::span<const std::uint8_t> SectionReader::take(std::uint64_t size, const std::string& what) {
    if (size > left()) fail(fmt::format("{} needs {} bytes but the section has {} left", what, size, left()));
    const auto out = bytes_.subspan(position_, size);
    position_ += size;
    return out;
}

void SectionReader::fail(const std::string& reason) const { throw InputError(file_.path(), section_, reason); }

void SectionReader::expect_end() const {
    if (left() != 0) fail(fmt::format("{} bytes are left over at the end of the section", left()));
}

}  // namespace zokml::prover
