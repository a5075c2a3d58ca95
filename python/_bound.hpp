// What the files of the extension zokml._zokml share: the bound model and salt, JSON across the
// boundary, and float arrays as batches. _zokml.cpp binds the circuit-folder API, _split.cpp
// split proving (bind_split).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "zokml/core/field.hpp"
#include "zokml/core/progress.hpp"
#include "zokml/data/batch.hpp"
#include "zokml/model/model.hpp"

namespace zokml {

namespace py = pybind11;

// JSON crosses as text: json.loads on the Python side gives plain dicts, lists and numbers.
// A progress state as Python's tqdm takes it: {"step", "done", "total", "elapsed_s", "running", "remaining_s"}.
inline py::dict progress_dict(const Progress& p) {
    py::dict d;
    d["step"] = p.step;
    d["done"] = p.done;
    d["total"] = p.total;
    d["elapsed_s"] = p.elapsed_s;
    d["running"] = p.running;
    d["remaining_s"] = p.remaining_s;
    return d;
}

inline py::object to_python(const nlohmann::json& value) { return py::module_::import("json").attr("loads")(value.dump()); }
inline nlohmann::json from_python(const py::object& value) {
    return nlohmann::json::parse(py::module_::import("json").attr("dumps")(value).cast<std::string>());
}

// A model and where it came from: a file, or ONNX bytes (a torch module exported in memory)
// that generate writes into the circuit folder as model.onnx.
struct PyModel {
    Model model;
    std::optional<std::filesystem::path> file;
    std::string onnx_bytes;
};

// The float model with the inputs' range `range` when given (as load_model's override: ONNX states
// none), checked and named as file and field when it is not one.
inline Model with_range(const PyModel& model, const std::optional<InputRange>& range, const std::filesystem::path& file,
                        const std::string& field) {
    Model ranged = model.model;
    if (range) declare_input_range(ranged, *range, file, field);
    return ranged;
}

// The owner's salt: its value never leaves C++ except into a salt file (mode 0600).
struct Salt {
    FieldElement value;
};

using FloatArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

// The rows of a C-contiguous float64 array (1-D: one row).
inline FloatBatch rows_of(const FloatArray& array) {
    FloatBatch batch;
    const std::size_t rows = array.ndim() == 1 ? 1 : static_cast<std::size_t>(array.shape(0));
    const std::size_t width = array.ndim() == 1 ? static_cast<std::size_t>(array.shape(0)) : static_cast<std::size_t>(array.shape(1));
    const double* data = array.data();
    for (std::size_t r = 0; r < rows; ++r) batch.inputs.emplace_back(data + r * width, data + (r + 1) * width);
    return batch;
}

// Split proving (docs/split-proving.md), in _split.cpp.
void bind_split(py::module_& m);

}  // namespace zokml
