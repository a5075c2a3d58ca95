// NumPy .npy arrays (numpy.save), as ML code holds its inputs and labels, read with xtensor's npy
// support (Debian's libxtensor-dev). docs/batch-format.md.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace zokml {

// An array of numbers, row-major (C order) whatever the file's order.
struct NpyArray {
    std::vector<std::size_t> shape;
    std::vector<double> values;
};

// Whether the bytes start as a .npy file does ("\x93NUMPY").
bool looks_like_npy(const std::string& bytes);

// The array of a .npy file's bytes: booleans, integers of 1 to 8 bytes or floats of 4 or 8 bytes,
// little-endian, C or Fortran order, at most 2^24 values, every float finite. Throws InputError
// naming the file and the reason: not a .npy file, a malformed or truncated one, another type.
NpyArray npy_from_bytes(const std::string& bytes, const std::filesystem::path& file);
NpyArray read_npy(const std::filesystem::path& file);

}  // namespace zokml
