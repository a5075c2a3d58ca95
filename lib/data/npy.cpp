#include "zokml/data/npy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <xtensor/xarray.hpp>
#include <xtensor/xnpy.hpp>

#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/model/model.hpp"

namespace zokml {
namespace {

constexpr char kMagic[] = "\x93NUMPY";

// The framing that xtensor's reader trusts, checked first: version 1.0 or 2.0, a header inside
// the file, ending in a newline, holding a {...} dictionary.
void check_framing(const std::string& bytes, const std::filesystem::path& file) {
    const auto fail = [&](const std::string& why) { throw InputError(file, "(file)", "not a NumPy .npy array: " + why); };
    if (!looks_like_npy(bytes)) fail("it does not start with \\x93NUMPY");
    if (bytes.size() < 10) fail("truncated header");
    const auto byte = [&](std::size_t i) { return static_cast<std::size_t>(static_cast<unsigned char>(bytes[i])); };
    const std::size_t major = byte(6), minor = byte(7);
    if ((major != 1 && major != 2) || minor != 0) fail(fmt::format("format version {}.{} (zokml reads 1.0 and 2.0)", major, minor));
    // xtensor 0.24 reads a version 1.0 length byte as signed: lengths of 128 or more in either byte
    // would be misread, so they are refused here (numpy writes 118 for every ordinary array).
    if (major == 1 && (byte(8) >= 128 || byte(9) >= 128)) fail("a header longer than zokml reads");
    if (major == 2 && (bytes.size() < 12 || byte(8) >= 128 || byte(9) >= 128 || byte(10) != 0 || byte(11) != 0))
        fail("a header longer than zokml reads");
    const std::size_t offset = major == 1 ? 10 : 12;
    const std::size_t length = byte(8) | byte(9) << 8;
    if (length < 3 || offset + length > bytes.size()) fail("truncated header");
    std::string header = bytes.substr(offset, length);
    if (header.back() != '\n') fail("its header does not end in a newline");
    header.pop_back();
    // The dictionary as numpy writes it (keys in this order, spaces aside), checked whole: xtensor
    // 0.24's reader takes its pieces apart without checking that each is there.
    header.erase(std::remove(header.begin(), header.end(), ' '), header.end());
    static const std::regex dictionary(R"(\{'descr':'[<>|][a-zA-Z][0-9]{1,2}','fortran_order':(True|False),'shape':\(([0-9]{1,19},)*[0-9]{0,19}\),?\})");
    if (!std::regex_match(header, dictionary)) fail("its header is not the dictionary numpy writes ({'descr', 'fortran_order', 'shape'})");
}

// The array when the file's element type is T's (or `typestring`'s, read as T's bytes).
template <typename T>
bool try_read(const std::string& bytes, NpyArray& out, const std::string& typestring = xt::detail::build_typestring<T>()) {
    std::istringstream stream(bytes);
    auto file = xt::detail::load_npy_file(stream);
    if (file.m_typestring != typestring) return false;
    // Checked before any element is touched: the shape's product (xtensor's wraps around) and the
    // bytes the data needs against the bytes read.
    std::size_t count = 1;
    for (const std::size_t d : file.m_shape) {
        if (d != 0 && count > kMaxCount / d) throw std::length_error("more than 2^24 values");
        count *= d;
    }
    if (count > kMaxCount) throw std::length_error("more than 2^24 values");
    if (!stream || file.n_bytes() != count * sizeof(T)) throw std::length_error("fewer data bytes than its shape needs");
    out.shape = file.m_shape;
    out.values.clear();
    if (count == 0) return true;  // nothing for xtensor to iterate (it would step from a null pointer)
    // Row-major whatever the file's order: the assignment transposes a Fortran-order array.
    const xt::xarray<double, xt::layout_type::row_major> array = std::move(file).cast<T>(false);  // the type was compared above
    out.values.assign(array.data(), array.data() + count);
    return true;
}

}  // namespace

bool looks_like_npy(const std::string& bytes) { return bytes.compare(0, 6, kMagic) == 0; }

NpyArray npy_from_bytes(const std::string& bytes, const std::filesystem::path& file) {
    check_framing(bytes, file);
    NpyArray result;
    try {
        // The element types numpy writes for data: the first that matches the file's.
        const bool read = try_read<float>(bytes, result) || try_read<double>(bytes, result) || try_read<std::uint8_t>(bytes, result) ||
                          try_read<std::int64_t>(bytes, result) || try_read<std::int32_t>(bytes, result) ||
                          try_read<std::int16_t>(bytes, result) || try_read<std::int8_t>(bytes, result) ||
                          try_read<std::uint16_t>(bytes, result) || try_read<std::uint32_t>(bytes, result) ||
                          try_read<std::uint64_t>(bytes, result);
        // Booleans as their bytes: a byte other than 0 or 1 is no bool (xtensor would load it as one).
        const bool booleans = !read && try_read<std::uint8_t>(bytes, result, "|b1");
        if (booleans && std::any_of(result.values.begin(), result.values.end(), [](double v) { return v > 1; }))
            throw std::runtime_error("a boolean byte other than 0 or 1");
        if (!read && !booleans) throw std::runtime_error("an element type other than booleans, integers or 4- or 8-byte floats");
    } catch (const std::exception& e) {  // xtensor's runtime_error, a bad_alloc of a lying header, ours
        throw InputError(file, "(file)", std::string("not a NumPy .npy array zokml reads: ") + e.what());
    }
    for (std::size_t i = 0; i < result.values.size(); ++i)
        if (!std::isfinite(result.values[i])) throw InputError(file, fmt::format("values[{}]", i), "not a finite number");
    return result;
}

NpyArray read_npy(const std::filesystem::path& file) { return npy_from_bytes(read_input_file(file), file); }

}  // namespace zokml
