// zokml._zokml's split proving (docs/split-proving.md), as the commands do it: the layout a model
// owner publishes (zokml commit --split --layout), a split folder's programs (zokml split-setup),
// a bundle of sub-proofs (zokml split-prove) and its verdict (zokml verify --bundle). Each
// function calls the library; the GIL is released while zokml compiles, sets up, proves and verifies.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "_bound.hpp"
#include "zokml/core/json.hpp"
#include "zokml/project/settings.hpp"
#include "zokml/split/folder.hpp"
#include "zokml/split/layout.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace zokml {
namespace {

PublishedLayout layout_from(const py::object& document) { return PublishedLayout::from_json(from_python(document), "layout"); }

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// zokml commit --split: the model quantized with the settings, committed in parts of `neurons` neurons.
json publish(const PyModel& model, const CircuitSettings& settings, std::size_t neurons, const Salt& salt) {
    if (neurons < 1) throw std::invalid_argument("neurons_per_part: expected at least 1");
    return publish_layout(with_range(model, settings.input_range, "settings", "input_range"), settings.quantization, neurons, salt.value)
        .to_json();
}

// zokml split-setup: a private-model folder on a labelled batch (the arrays, or batch_size
// held-out MNIST digits), or an inference or both-private folder for batch_size inputs a proof.
json split_setup(const PublishedLayout& layout, const fs::path& folder, const std::optional<FloatBatch>& batch,
                 std::optional<std::size_t> batch_size, const std::string& variant, std::optional<std::size_t> inputs_per_slice,
                 std::size_t jobs) {
    SplitOptions options = split_options(layout, split_variant_from(variant));
    const bool labelled = options.variant == SplitVariant::PrivateModel;
    if (batch && batch_size) throw std::invalid_argument("batch and batch_size exclude each other");
    if (!labelled && batch) throw std::invalid_argument("an inference or both-private folder keeps no batch: give batch_size=N");
    if (inputs_per_slice && *inputs_per_slice < 1) throw std::invalid_argument("inputs_per_slice: expected at least 1");
    if (jobs < 1) throw std::invalid_argument("jobs: expected at least 1");
    options.inputs_per_slice = inputs_per_slice.value_or(options.inputs_per_slice);
    const auto start = std::chrono::steady_clock::now();
    const SplitPrograms programs =
        !labelled ? setup_split_folder(folder, layout, batch_size.value_or(default_batch_size(options.variant)), options, Toolchain(), ArtifactStore(), jobs)
                  : setup_split_folder(folder, layout, batch ? split_batch(layout, *batch, "batch") : split_batch(layout, batch_size.value_or(default_batch_size(options.variant))),
                                       options, Toolchain(), ArtifactStore(), jobs);
    json list = json::object();
    for (const auto& [name, program] : programs.compiled) list[name] = {{"constraints", program.constraints}};
    return {{"folder", fs::absolute(folder).string()}, {"programs", list}, {"compile_s", programs.compile_s},
            {"setup_s", programs.setup_s}, {"seconds", seconds_since(start)}};
}

json times_json(const SplitProveTimes& t) {
    return {{"reference_s", t.reference_s}, {"witness_s", t.witness_s}, {"prove_s", t.prove_s}, {"wall_s", t.wall_s}};
}

// zokml split-prove: the model quantized as the folder's layout records (its input range and
// widths), proven on the folder's batch (private-model) or on `inputs` (inference, both-private).
json split_prove(const fs::path& folder, const PyModel& source, const Salt& salt, std::optional<std::int64_t> threshold,
                 const std::optional<FloatBatch>& inputs, std::size_t jobs, const std::function<void(const Progress&)>& progress) {
    if (inputs && threshold) throw std::invalid_argument("inputs (inference and both-private folders) take no threshold");
    if (jobs < 1) throw std::invalid_argument("jobs: expected at least 1");
    const PublishedLayout layout = read_split_folder(folder, false).layout;
    const QuantizedModel model = quantize(with_range(source, layout.input_range(), split_file(folder), "layout.input"), layout.quantization());
    SplitProveTimes times;
    const ProofBundle bundle =
        inputs ? prove_split_folder(folder, model, salt.value, split_batch(layout, *inputs, "inputs"), Toolchain(), jobs, progress, &times)
               : prove_split_folder(folder, model, salt.value, threshold, Toolchain(), jobs, progress, &times);
    return {{"bundle", bundle.to_json()}, {"public", bundle.statement()}, {"times", times_json(times)}};
}

// A bundle's JSON, read as the library reads it (InputError naming `name` and the member): what it states.
json read_bundle(const json& document, const fs::path& name) {
    const ProofBundle bundle = ProofBundle::from_json(document, name);
    return {{"bundle", bundle.to_json()}, {"public", bundle.statement()}};
}

// zokml verify --bundle: the bundle against the split folder's plan, keys and published commitment
// (inference: on the public `inputs`).
json verify_bundle(const fs::path& folder, const json& document, const std::optional<FloatBatch>& inputs) {
    const ProofBundle bundle = ProofBundle::from_json(document, "bundle");
    const auto start = std::chrono::steady_clock::now();
    const LabeledBatch public_inputs = inputs ? split_batch(read_split_folder(folder, false).layout, *inputs, "inputs") : LabeledBatch{};
    const BundleVerdict verdict = verify_split_folder(folder, bundle, Toolchain(), public_inputs);
    return {{"verified", verdict.verified}, {"problems", verdict.problems}, {"public", bundle.statement()},
            {"seconds", seconds_since(start)}};
}

std::optional<FloatBatch> batch_of(const std::optional<FloatArray>& array, const std::optional<std::vector<int>>& labels) {
    if (!array) return std::nullopt;
    FloatBatch batch = rows_of(*array);
    batch.labels = labels.value_or(std::vector<int>{});
    return batch;
}

}  // namespace

void bind_split(py::module_& m) {
    m.def("publish_layout", [](const PyModel& model, const py::object& settings, std::size_t neurons_per_part, const Salt& salt) {
        const CircuitSettings checked = CircuitSettings::from_json(from_python(settings), "settings");
        return to_python(publish(model, checked, neurons_per_part, salt));
    }, py::arg("model"), py::arg("settings"), py::arg("neurons_per_part"), py::arg("salt"));
    m.def("check_layout", [](const py::object& document) { return to_python(layout_from(document).to_json()); });
    m.def("read_layout", [](const fs::path& file) { return to_python(PublishedLayout::from_json(read_json_file(file), file).to_json()); });

    m.def("split_setup", [](const py::object& layout, const fs::path& folder, const std::optional<FloatArray>& batch,
                            const std::optional<std::vector<int>>& labels, std::optional<std::size_t> batch_size,
                            const std::string& variant, std::optional<std::size_t> inputs_per_slice, std::size_t jobs) {
        const PublishedLayout published = layout_from(layout);
        const std::optional<FloatBatch> rows = batch_of(batch, labels);
        json result;
        {
            py::gil_scoped_release release;
            result = split_setup(published, folder, rows, batch_size, variant, inputs_per_slice, jobs);
        }
        return to_python(result);
    }, py::arg("layout"), py::arg("folder"), py::arg("batch") = std::nullopt, py::arg("labels") = std::nullopt,
       py::arg("batch_size") = std::nullopt, py::arg("variant") = "private-model", py::arg("inputs_per_slice") = std::nullopt,
       py::arg("jobs") = 1);

    m.def("split_prove", [](const fs::path& folder, const PyModel& model, const Salt& salt, std::optional<std::int64_t> threshold,
                            const std::optional<FloatArray>& inputs, std::size_t jobs, const std::optional<py::function>& progress) {
        const std::optional<FloatBatch> rows = batch_of(inputs, std::nullopt);
        // Called from the proving threads, the GIL taken back for it; a callback that raises is
        // reported as unraisable, never thrown into the threads.
        std::function<void(const Progress&)> on_progress;
        if (progress) on_progress = [&progress](const Progress& p) {
            py::gil_scoped_acquire acquire;
            try {
                (*progress)(progress_dict(p));
            } catch (py::error_already_set& e) {
                e.discard_as_unraisable("zokml split_prove progress");
            }
        };
        json result;
        {
            py::gil_scoped_release release;
            result = split_prove(folder, model, salt, threshold, rows, jobs, on_progress);
        }
        return to_python(result);
    }, py::arg("folder"), py::arg("model"), py::arg("salt"), py::arg("threshold") = std::nullopt, py::arg("inputs") = std::nullopt,
       py::arg("jobs") = 1, py::arg("progress") = std::nullopt);

    m.def("read_bundle", [](const py::object& document, const std::string& name) { return to_python(read_bundle(from_python(document), name)); },
          py::arg("bundle"), py::arg("name") = "bundle");
    m.def("read_bundle_file", [](const fs::path& file) { return to_python(read_bundle(read_json_file(file), file)); });

    m.def("verify_bundle", [](const fs::path& folder, const py::object& bundle, const std::optional<FloatArray>& inputs) {
        const json document = from_python(bundle);
        const std::optional<FloatBatch> rows = batch_of(inputs, std::nullopt);
        json result;
        {
            py::gil_scoped_release release;
            result = verify_bundle(folder, document, rows);
        }
        return to_python(result);
    }, py::arg("folder"), py::arg("bundle"), py::arg("inputs") = std::nullopt);
}

}  // namespace zokml
