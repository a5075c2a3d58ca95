// NumPy .npy batches: arrays numpy.save writes read as inputs and labels, and every malformed,
// truncated or lying file refused naming it, before any value is touched.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>
#include <xtensor/xnpy.hpp>

#include "support.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/data/batch.hpp"
#include "zokml/data/npy.hpp"

using namespace zokml;
using Catch::Contains;

namespace {

// A .npy file as numpy writes one (version 1.0, the header padded to 64 bytes in all), with any
// header text and data: to write the hostile ones too.
std::string npy(const std::string& descr, const std::string& shape, const std::string& data, bool fortran = false) {
    std::string header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
    while ((10 + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    std::string bytes = "\x93NUMPY";
    bytes += '\x01';
    bytes += '\x00';
    bytes += static_cast<char>(header.size() & 0xff);
    bytes += static_cast<char>(header.size() >> 8);
    return bytes + header + data;
}

template <typename T>
std::string raw(const std::vector<T>& values) {
    std::string bytes(values.size() * sizeof(T), '\0');
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

std::string rejection(const std::string& bytes) {
    try {
        npy_from_bytes(bytes, "x.npy");
    } catch (const InputError& e) {
        CHECK(e.file() == "x.npy");
        return e.field() + ": " + e.reason();
    }
    return "accepted";
}

}  // namespace

TEST_CASE("a NumPy batch: inputs a row each, labels from a second .npy, any numeric type and order", "[batch][npy]") {
    const test::TempDir dir;
    // What xtensor's own writer (numpy's format) makes: float32 images of 1x2x2, int64 labels.
    const xt::xarray<float> images = {{{{0.0f, 0.25f}, {0.5f, 1.0f}}}, {{{1.0f, 0.0f}, {0.0f, 0.75f}}}, {{{0.5f, 0.5f}, {0.5f, 0.5f}}}};
    xt::dump_npy((dir / "x.npy").string(), images);
    xt::dump_npy((dir / "y.npy").string(), xt::xarray<std::int64_t>{7, 0, 3});
    const FloatBatch batch = read_batch_file(dir / "x.npy", Labels::Required, dir / "y.npy");
    REQUIRE(batch.inputs.size() == 3);
    CHECK(batch.inputs[0] == std::vector<double>{0.0, 0.25, 0.5, 1.0});
    CHECK(batch.inputs[2] == std::vector<double>(4, 0.5));
    CHECK(batch.labels == std::vector<int>{7, 0, 3});
    // Inputs to classify: the .npy alone, whatever its name.
    write_file_atomically(dir / "inputs.data", read_file(dir / "x.npy"));
    CHECK(read_batch_file(dir / "inputs.data", Labels::None).inputs == batch.inputs);
    // Fortran order is read as C order; bytes and doubles as numbers.
    const NpyArray f = npy_from_bytes(npy("<f8", "(2, 3)", raw<double>({1, 4, 2, 5, 3, 6}), true), "f.npy");
    CHECK(f.shape == std::vector<std::size_t>{2, 3});
    CHECK(f.values == std::vector<double>{1, 2, 3, 4, 5, 6});
    CHECK(npy_from_bytes(npy("|u1", "(3,)", raw<std::uint8_t>({0, 128, 255})), "u.npy").values == std::vector<double>{0, 128, 255});
    // Labels are needed, and must be one per input.
    CHECK_THROWS_WITH(read_batch_file(dir / "x.npy"), Contains("holds no labels"));
    xt::dump_npy((dir / "two.npy").string(), xt::xarray<std::int64_t>{7, 0});
    CHECK_THROWS_WITH(read_batch_file(dir / "x.npy", Labels::Required, dir / "two.npy"), Contains("expected 3 labels"));
    xt::dump_npy((dir / "half.npy").string(), xt::xarray<double>{7, 0.5, 1});
    CHECK_THROWS_WITH(read_batch_file(dir / "x.npy", Labels::Required, dir / "half.npy"), Contains("labels[1]"));
}

TEST_CASE("a malformed, truncated or lying .npy is refused before any value is read", "[batch][npy][hostile]") {
    const std::string floats = raw<float>({1, 2, 3, 4});
    CHECK(rejection(npy("<f4", "(4,)", floats)) == "accepted");
    CHECK_THAT(rejection("{\"format\": \"zokml-batch\"}"), Contains("\\x93NUMPY"));
    CHECK_THAT(rejection(std::string("\x93NUMPY\x03\x00", 8) + "xx"), Contains("version 3.0"));
    CHECK_THAT(rejection(std::string("\x93NUMPY\x01\x00\x00\x00", 10)), Contains("truncated header"));
    CHECK_THAT(rejection(std::string("\x93NUMPY\x01\x00\x40\x00", 10) + "{}"), Contains("truncated header"));
    std::string spaces = npy("<f4", "(4,)", floats);
    std::fill(spaces.begin() + 10, spaces.begin() + 63, ' ');  // a header of spaces only
    CHECK_THAT(rejection(spaces), Contains("dictionary"));
    CHECK_THAT(rejection(npy("<f4", "(4,)", floats.substr(0, 12))), Contains("fewer data bytes"));       // truncated data
    CHECK_THAT(rejection(npy("<f4", "(1099511627776,)", floats)), Contains("npy"));                       // 2^40 values claimed
    CHECK_THAT(rejection(npy("<f4", "(8589934592, 8589934592)", floats)), Contains("more than 2^24"));    // a product that wraps
    CHECK_THAT(rejection(npy("<f4", "(-1,)", floats)), Contains("npy"));
    CHECK_THAT(rejection(npy("<U5", "(1,)", std::string(20, 'a'))), Contains("not a NumPy .npy array zokml reads"));  // strings
    CHECK_THAT(rejection(npy(">f4", "(4,)", floats)), Contains("element type"));  // big-endian
    CHECK_THAT(rejection(npy("<f4", "(4,)", raw<float>({1, 2, NAN, 4}))), Contains("values[2]"));
    CHECK_THAT(rejection(npy("<f4", "4", floats)), Contains("npy"));  // not a tuple
}
