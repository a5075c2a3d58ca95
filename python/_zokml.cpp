// zokml._zokml: the library's circuit-folder API for Python (python/zokml/__init__.py wraps it).
// Each function calls the library as the command does; none holds logic of its own beyond
// converting values. The GIL is released while the toolchain runs (compile, setup, prove, verify).
#include <dlfcn.h>

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "_bound.hpp"
#include "zokml/backend/backends.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/installation.hpp"
#include "zokml/core/progress.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/data/batch.hpp"
#include "zokml/data/inputs.hpp"
#include "zokml/model/model.hpp"
#include "zokml/model/onnx.hpp"
#include "zokml/project/calibrate.hpp"
#include "zokml/project/folder_setup.hpp"
#include "zokml/project/circuit_folder.hpp"
#include "zokml/project/folder_proof.hpp"
#include "zokml/project/proof_verification.hpp"
#include "zokml/project/salt_file.hpp"
#include "zokml/project/settings.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace py = pybind11;
namespace fs = std::filesystem;
using nlohmann::json;

namespace zokml {
namespace {

// The progress of a step that counts what it has done.
Progress counted(const std::string& step, std::size_t done, std::size_t total) {
    Progress p;
    p.step = step;
    p.done = done;
    p.total = total;
    return p;
}

// The share/zokml folder of an installed prefix, from where this module lies:
// <prefix>/lib/python3/dist-packages/zokml/_zokml.so -> <prefix>/share/zokml (ZOKML_SHARE_FROM_MODULE),
// registered when it holds the toolchain, wherever the prefix was moved to. In a build tree or
// a pip installation without it, the library's own fallbacks (the source tree) apply.
void register_share_folder() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<const void*>(&register_share_folder), &info) == 0 || info.dli_fname == nullptr) return;
    std::error_code error;
    const fs::path share = fs::weakly_canonical(fs::path(info.dli_fname).parent_path() / ZOKML_SHARE_FROM_MODULE, error);
    if (!error && fs::is_directory(share / "tools", error)) register_installation(share);
}

PyModel load(const fs::path& file) { return {load_model(file), fs::absolute(file), {}}; }

PyModel from_onnx_bytes(const py::bytes& bytes, const std::string& name) {
    PyModel m;
    m.onnx_bytes = bytes;
    OnnxOptions options;
    options.name = name;
    m.model = model_from_onnx(m.onnx_bytes, name + ".onnx", options);
    m.model.input_range_declared = false;  // as load_model reads an ONNX file
    return m;
}

CircuitSettings settings_from(const py::object& settings) { return CircuitSettings::from_json(from_python(settings), "settings"); }

// A circuit folder: spec.output; the model file is the folder's own model.onnx when the model
// came as bytes, the public batch the folder's batch.json (a zokml-batch file) when given.
json generate(const PyModel& model, const fs::path& folder, const CircuitSettings& settings, const std::optional<FloatBatch>& batch) {
    CircuitSpec spec;
    spec.name = model.model.name;
    spec.settings = settings;
    spec.output = fs::absolute(folder);
    fs::create_directories(spec.output);
    if (model.file) {
        spec.model = *model.file;
    } else {
        spec.model = spec.output / "model.onnx";
        write_file_atomically(spec.model, model.onnx_bytes);
    }
    if (batch) {
        spec.batch = spec.output / "batch.json";
        const json file = {{"format", "zokml-batch"}, {"version", 1}, {"inputs", batch->inputs}, {"labels", batch->labels}};
        write_file_atomically(spec.batch, file.dump());
    }
    json result = generated_json(write_generated(spec, generate_circuit(spec)));
    result["folder"] = spec.output.string();
    return result;
}

json compile(const fs::path& folder) {
    return to_json(compile_folder(folder, Toolchain(), ArtifactStore()));
}

json setup(const fs::path& folder, const std::string& scheme_name, const std::optional<std::string>& backend_name) {
    std::optional<Backend> given;
    if (backend_name) given = backend_from_string(*backend_name);
    const SetupChoice choice = choose_setup(scheme_from_string(scheme_name), given, folder_settings_backend(folder));
    json result = to_json(choice, setup_folder_keys(folder, choice, Toolchain(), ArtifactStore()));
    const CircuitLock lock = read_lock(folder);
    if (lock.compiled) result["constraints"] = lock.compiled->constraints;
    return result;
}

// One record to prove: float values (quantized by the prover with the model's range), or a file
// read as zokml prove --input reads it (read_proof_input: integers, or input `index` of a batch file).
using Record = std::variant<fs::path, FloatArray>;

// The record and what else a proof takes.
ProofRequest proof_request(const std::optional<Record>& input, std::optional<std::size_t> index, std::optional<int> claimed_class,
                           std::optional<std::int64_t> threshold) {
    ProofRequest request;
    if (input && std::holds_alternative<fs::path>(*input)) {
        std::visit([&](auto&& given) { request.input = std::move(given); }, read_proof_input(std::get<fs::path>(*input), index));
    } else if (input) {
        if (index) throw std::invalid_argument("index picks an input of a batch file");
        request.input = FloatInput{rows_of(std::get<FloatArray>(*input)), 0, "input"};
    }
    request.claimed_class = claimed_class;
    request.threshold = threshold;
    return request;
}

json proof_result(const ModelProof& proven) { return {{"proof", proven.proof.to_json()}, {"public", to_json(proven.public_output)}}; }

// zokml calibrate on labelled data in memory: the model on its data as the command takes it
// (model_on_data), then the search.
json calibrate(const PyModel& source, FloatBatch data, const CircuitSettings& settings, const CalibrationGoal& goal,
               const CalibrationGrid& grid, bool from_data, double margin, const CalibrationProgress& progress) {
    if (settings.variant != Variant::PrivateInput && settings.variant != Variant::BothPrivate)
        throw std::invalid_argument("calibrate chooses the quantization of private-input and both-private circuits");
    const ModelOnData on = model_on_data(with_range(source, settings.input_range, "settings", "input_range"),
                                         LabelledData{std::move(data), "data"}, settings, source.file.value_or(source.model.name),
                                         from_data, margin);
    const SettledRange& range = on.range;
    const Calibration search = calibrate_model(on.model, on.data.batch, "data", goal, grid, settings.quantization.activation_error, progress);
    json candidates = json::array();
    for (const auto& c : search.candidates) candidates.push_back(to_json(c));
    json result = {{"float_accuracy", search.float_accuracy}, {"input_range", range.to_json()}, {"goal_met", search.choice.goal_met},
                   {"candidates", candidates}, {"chosen", nullptr}, {"settings", nullptr}, {"missed", nullptr}};
    if (const auto missed = missed_goal(search, goal, source.file.value_or(source.model.name), "data")) result["missed"] = missed->reason;
    result.update(to_json(goal));
    if (const CalibrationCandidate* chosen = search.chosen()) {
        result["chosen"] = to_json(*chosen);
        result["settings"] = calibrated_settings(settings, range, *chosen).to_json();
    }
    return result;
}

// A circuit folder's prover opened once (open_prover) and kept warm: one prover process, the
// program and key loaded once, for every proof until it is closed.
class Session {
public:
    Session(const fs::path& folder, const std::optional<FieldElement>& salt, const std::optional<fs::path>& model)
        : prover_(open_prover(folder, toolchain_, store_, salt, model)) {
        prover_.use_session();
    }
    json prove(ProofRequest request) {
        const std::lock_guard lock(busy_);  // one proof at a time: the GIL is released meanwhile
        const ProofInputs inputs = request_inputs(request, prover_.settings().variant, prover_.model().model);
        return proof_result(prover_.prove(inputs));
    }

private:
    Toolchain toolchain_;  // before the prover, which refers to it
    ArtifactStore store_;
    ModelProver prover_;
    std::mutex busy_;
};

}  // namespace
}  // namespace zokml

PYBIND11_MODULE(_zokml, m) {
    using namespace zokml;
    m.doc() = "zokml's library bound for Python (use the package zokml, which wraps it)";
    register_share_folder();

    py::register_exception_translator([](std::exception_ptr p) {
        const auto raise = [](const char* name, py::tuple args) {
            const py::object cls = py::module_::import("zokml._errors").attr(name);
            PyErr_SetObject(cls.ptr(), cls(*args).ptr());
        };
        try {
            if (p) std::rethrow_exception(p);
        } catch (const InputError& e) {
            raise("InputError", py::make_tuple(e.what(), e.file().string(), e.field(), e.reason()));
        } catch (const ToolchainError& e) {
            raise("ToolchainError", py::make_tuple(e.what(), to_string(e.step()), e.exit_code(), e.tool_output()));
        } catch (const std::invalid_argument& e) {
            raise("UsageError", py::make_tuple(e.what()));
        } catch (const std::system_error& e) {  // std::filesystem::filesystem_error among them
            raise("ZokmlIOError", py::make_tuple(e.what()));
        }
    });

    py::class_<PyModel>(m, "Model")
        .def_property_readonly("name", [](const PyModel& self) { return self.model.name; })
        .def_property_readonly("parameters", [](const PyModel& self) { return self.model.parameter_count(); })
        .def_property_readonly("input_size", [](const PyModel& self) { return self.model.input_size; })
        .def_property_readonly("classes", [](const PyModel& self) { return quantize(self.model).classes(); })
        .def_property_readonly("input_range",
                               [](const PyModel& self) -> std::optional<std::pair<double, double>> {
                                   if (!self.model.input_range_declared) return std::nullopt;
                                   return std::pair{self.model.input_min, self.model.input_max};
                               })
        .def_property_readonly("file", [](const PyModel& self) { return self.file; })
        .def("run", [](const PyModel& self, const std::vector<double>& input) { return run_float(self.model, input); });
    m.def("load_model", &load, py::arg("file"));
    m.def("model_from_onnx", &from_onnx_bytes, py::arg("onnx"), py::arg("name"));

    m.def("default_settings", [](const std::string& variant) {
        CircuitSettings settings;
        settings.variant = variant_from_string(variant);
        return to_python(settings.to_json());
    });
    m.def("check_settings", [](const py::object& settings) { return to_python(settings_from(settings).to_json()); });
    m.def("read_settings", [](const fs::path& file) { return to_python(read_settings_file(file).to_json()); });
    m.def("write_settings", [](const fs::path& file, const py::object& settings) { write_settings_file(file, settings_from(settings)); });
    m.def("setting_options", [] {
        json options = json::array();
        for (const auto& o : setting_options()) {
            json variants = json::array();
            for (const Variant v : o.variants) variants.push_back(to_string(v));
            options.push_back({{"name", o.name}, {"help", o.help}, {"variants", variants}, {"min", o.accepted.lo},
                               {"max", o.accepted.hi}, {"flag", o.flag}});
        }
        return to_python(options);
    });

    m.def("generate", [](const PyModel& model, const fs::path& folder, const py::object& settings,
                         const std::optional<FloatArray>& batch,
                         const std::optional<std::vector<int>>& labels) {
        std::optional<FloatBatch> rows;
        if (batch) {
            rows = rows_of(*batch);
            rows->labels = labels.value_or(std::vector<int>{});
        }
        const CircuitSettings checked = settings_from(settings);
        json result;
        {
            py::gil_scoped_release release;
            result = generate(model, folder, checked, rows);
        }
        return to_python(result);
    }, py::arg("model"), py::arg("folder"), py::arg("settings"), py::arg("batch") = std::nullopt, py::arg("labels") = std::nullopt);
    m.def("read_lock", [](const fs::path& folder) {
        const CircuitLock lock = read_lock(folder);
        json result = {{"spec", lock.spec.to_json(folder)}, {"model_fingerprint", lock.model_fingerprint}};
        if (lock.compiled) result["constraints"] = lock.compiled->constraints;
        result["has_keys"] = lock.keys.has_value();
        return to_python(result);
    });

    m.def("compile", [](const fs::path& folder) {
        json result;
        {
            py::gil_scoped_release release;
            result = compile(folder);
        }
        return to_python(result);
    });
    m.def("setup", [](const fs::path& folder, const std::string& scheme, const std::optional<std::string>& backend) {
        json result;
        {
            py::gil_scoped_release release;
            result = setup(folder, scheme, backend);
        }
        return to_python(result);
    }, py::arg("folder"), py::arg("scheme") = "g16", py::arg("backend") = std::nullopt);

    m.def("calibrate", [](const PyModel& model, const FloatArray& inputs,
                          const std::vector<int>& labels, const py::object& settings, const std::string& goal_text,
                          std::optional<double> max_loss, std::optional<unsigned> input_bits, std::optional<unsigned> weight_bits,
                          std::optional<unsigned> activation_bits, bool from_data, double margin,
                          const std::optional<py::function>& progress) {
        FloatBatch data = rows_of(inputs);
        data.labels = labels;
        CalibrationGoal goal = CalibrationGoal::parse(goal_text);
        if (max_loss) {
            if (goal.kind == CalibrationGoal::Kind::Agreement) throw std::invalid_argument("max_loss goes with the goal accuracy or constraints");
            goal.max_loss = *max_loss;
        }
        const CircuitSettings checked = settings_from(settings);
        CalibrationProgress on_progress;
        if (progress) on_progress = [&progress](std::size_t done, std::size_t total) {
            py::gil_scoped_acquire acquire;
            (*progress)(progress_dict(counted("calibrate", done, total)));
        };
        json result;
        {
            py::gil_scoped_release release;
            result = calibrate(model, std::move(data), checked, goal, CalibrationGrid::keeping(input_bits, weight_bits, activation_bits),
                               from_data, margin, on_progress);
        }
        return to_python(result);
    }, py::arg("model"), py::arg("inputs"), py::arg("labels"), py::arg("settings"), py::arg("goal") = "agreement",
       py::arg("max_loss") = std::nullopt, py::arg("input_bits") = std::nullopt, py::arg("weight_bits") = std::nullopt,
       py::arg("activation_bits") = std::nullopt, py::arg("from_data") = false, py::arg("margin") = 0.05, py::arg("progress") = std::nullopt);

    py::class_<Session>(m, "Session")
        .def(py::init([](const fs::path& folder, const std::optional<Salt>& salt, const std::optional<fs::path>& model) {
                 py::gil_scoped_release release;
                 return std::make_unique<Session>(folder, salt ? std::optional(salt->value) : std::nullopt, model);
             }),
             py::arg("folder"), py::arg("salt") = std::nullopt, py::arg("model") = std::nullopt)
        .def("prove", [](Session& self, const std::optional<Record>& input, std::optional<std::size_t> index,
                         std::optional<int> claimed_class, std::optional<std::int64_t> threshold) {
            ProofRequest request = proof_request(input, index, claimed_class, threshold);
            json result;
            {
                py::gil_scoped_release release;
                result = self.prove(std::move(request));
            }
            return to_python(result);
        }, py::arg("input") = std::nullopt, py::arg("index") = std::nullopt, py::arg("claimed_class") = std::nullopt,
           py::arg("threshold") = std::nullopt);

    py::class_<Salt>(m, "Salt")
        .def_static("random", [] { return Salt{random_salt()}; })
        .def_static("load", [](const fs::path& file) { return Salt{read_salt_file(file)}; })
        .def("save", [](const Salt& self, const fs::path& file) {
            if (!write_salt_file(file, self.value)) throw InputError(file, "(file)", "exists already: a salt file is never replaced");
        })
        .def("reveal", [](const Salt& self) { return self.value.to_decimal(); });

    m.def("commit", [](const PyModel& model, const py::object& settings, const Salt& salt) {
        const CircuitSettings checked = settings_from(settings);
        return commit_model(quantize(with_range(model, checked.input_range, "settings", "input_range"), checked.quantization), salt.value)
            .to_decimal();
    });

    m.def("prove", [](const fs::path& folder, const std::optional<Record>& input, std::optional<std::size_t> index,
                      std::optional<int> claimed_class, std::optional<std::int64_t> threshold, const std::optional<Salt>& salt,
                      const std::optional<fs::path>& model) {
        ProofRequest request = proof_request(input, index, claimed_class, threshold);
        if (salt) request.salt = salt->value;
        request.model = model;
        json result;
        {
            py::gil_scoped_release release;
            result = proof_result(prove_folder(folder, request, Toolchain(), ArtifactStore()));
        }
        return to_python(result);
    }, py::arg("folder"), py::arg("input") = std::nullopt, py::arg("index") = std::nullopt, py::arg("claimed_class") = std::nullopt,
       py::arg("threshold") = std::nullopt, py::arg("salt") = std::nullopt, py::arg("model") = std::nullopt);

    m.def("prove_batch", [](const fs::path& folder, const FloatArray& inputs,
                            const std::optional<Salt>& salt, std::size_t jobs, const std::optional<py::function>& done) {
        const FloatBatch rows = rows_of(inputs);
        BatchProofDone on_done;
        std::size_t proven = 0;  // done is called one call at a time
        if (done) on_done = [&done, &proven, total = rows.inputs.size()](std::size_t index, const ModelProof&, double seconds) {
            py::gil_scoped_acquire acquire;
            (*done)(index, seconds, progress_dict(counted("prove", ++proven, total)));
        };
        std::optional<FieldElement> salt_value;
        if (salt) salt_value = salt->value;
        json results = json::array();
        {
            py::gil_scoped_release release;
            for (const auto& proven : prove_folder_batch(folder, rows, "inputs", salt_value, jobs, Toolchain(), ArtifactStore(), on_done))
                results.push_back(proof_result(proven));
        }
        return to_python(results);
    }, py::arg("folder"), py::arg("inputs"), py::arg("salt") = std::nullopt, py::arg("jobs") = 1, py::arg("done") = std::nullopt);

    m.def("verify", [](const fs::path& folder, const py::object& proof_json, const std::optional<std::string>& backend_name) {
        const fs::path proof_name = "proof";
        Proof proof;
        try {
            proof = Proof::from_json(from_python(proof_json));
        } catch (const InputError&) {
            throw;
        } catch (const std::exception& e) {
            throw InputError(proof_name, "(proof)", std::string("not a proof: ") + e.what());
        }
        std::optional<Backend> backend;
        if (backend_name) backend = backend_from_string(*backend_name);
        ProofVerdict verdict;
        {
            py::gil_scoped_release release;
            verdict = verify_proof(verification_key_file(folder), proof, proof_name, Toolchain(), folder, backend,
                                   ArtifactStore());
        }
        return to_python(to_json(verdict));
    }, py::arg("folder"), py::arg("proof"), py::arg("backend") = std::nullopt);

    m.def("export_verifier", [](const fs::path& folder) {
        const Keypair keypair = verification_keypair(verification_key_file(folder));
        py::gil_scoped_release release;
        const TempFolder scratch(fs::temp_directory_path(), ".zokml-scratch");
        return Toolchain().export_verifier(keypair, scratch.path());
    });

    bind_split(m);  // _split.cpp

    m.def("toolchain", [] { return Toolchain::locate(); });
    m.def("installation_dir", &installation_dir);
}
