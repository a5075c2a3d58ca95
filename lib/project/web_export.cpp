#include "zokml/project/web_export.hpp"

#include <fcntl.h>
#include <stdio.h>

#include <fmt/format.h>

#include <cerrno>
#include <regex>
#include <system_error>

#include "core/templates.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/json.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/project/circuit_folder.hpp"

namespace zokml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kSiteFormat = "zokml-web-export";
constexpr const char* kPageFiles[] = {"index.html", "style.css", "app.js", "worker.js"};  // templates/web/
constexpr std::size_t kMnistSide = 28;  // MNIST digits: the page fits the ink into 20 x 20 as they were made

// zokrates-js's browser bundle (a UMD script with the WebAssembly module inlined) beside the
// bundled zokrates command, its license (the site redistributes it), and the ZoKrates version it
// runs ("ZoKrates 0.8.8").
struct BrowserProver {
    fs::path bundle;
    fs::path license;
    std::string toolchain;
};

BrowserProver browser_prover() {
    const fs::path dir = Toolchain::bundled().parent_path() / "node_modules" / "zokrates-js";
    const auto missing = [&](const fs::path& file) {
        return ToolchainError(Step::Locate, ToolchainError::Kind::NotFound, -1, "",
                              "zokrates-js's " + file.string() + " is missing; run scripts/setup.sh");
    };
    BrowserProver prover{dir / "umd.min.js", dir / "LICENSE", ""};
    for (const fs::path& file : {prover.bundle, prover.license})
        if (!fs::is_regular_file(file)) throw missing(file);
    std::smatch version;
    const std::string metadata = fs::is_regular_file(dir / "metadata.js") ? read_file(dir / "metadata.js") : "";
    if (!std::regex_search(metadata, version, std::regex(R"re("version"\s*:\s*"([^"]+)")re"))) throw missing(dir / "metadata.js");
    prover.toolchain = "ZoKrates " + version[1].str();
    return prover;
}

// The folder's model, checked to be one the page proves: a private-input circuit whose only
// arguments are the private input (and its bits), unchanged since generated.
QuantizedModel page_model(const fs::path& folder, const CircuitLock& lock) {
    const CircuitSettings& settings = lock.spec.settings;
    const fs::path file = lock_file(folder);
    if (settings.variant != Variant::PrivateInput)
        throw InputError(file, "variant",
                         fmt::format("is {}: the page proves private-input circuits (a private input, a public class)",
                                     to_string(settings.variant)));
    if (settings.private_input.claimed_class || settings.private_input.hash_input)
        throw InputError(file, settings.private_input.claimed_class ? "options.claimed_class" : "options.hash_input",
                         "the page proves circuits whose only argument is the private input: generate one without it");
    QuantizedModel model = quantize(lock.spec.float_model(), settings.quantization);
    if (model.fingerprint() != lock.model_fingerprint)
        throw InputError(lock.spec.model, "(file)", "changed since the circuit was generated: run zokml generate again");
    return model;
}

// The side of a square input (0 when the input size is not a square).
std::size_t square_side(std::size_t size) {
    std::size_t side = 0;
    while ((side + 1) * (side + 1) <= size) ++side;
    return side * side == size ? side : 0;
}

// Whether the page draws the input: asked for, or (Auto) MNIST's 28 x 28 or a first layer that
// convolves one square grey channel.
bool draws(const QuantizedModel& model, WebInput input, const fs::path& model_file) {
    const std::size_t side = square_side(model.input_size);
    if (input == WebInput::Image && side == 0)
        throw InputError(model_file, "(file)",
                         fmt::format("takes {} inputs, not a square image: export it with --input values", model.input_size));
    if (input != WebInput::Auto) return input == WebInput::Image;
    const auto& first = model.layers.front();
    return side == kMnistSide ||
           (first.kind == Layer::Kind::Conv2D && first.conv.input.channels == 1 && first.conv.input.height == first.conv.input.width);
}

// For each grey level 0..255, the integer the circuit takes for a pixel of that level: for 28 x 28
// exactly what zokml gives for a digit's pixel (digit_input, level / 255), for other sides the
// level mapped onto the model's input range (min + level / 255 * (max - min)), quantized as zokml
// quantizes any input (quantize_input), so that the page and zokml agree.
json input_levels(const QuantizedModel& model, const Model& float_model, std::size_t side) {
    json levels = json::array();
    Digit grey;
    for (int level = 0; level < 256; ++level) {
        if (side == kMnistSide) {
            grey.pixels.fill(static_cast<std::uint8_t>(level));
            levels.push_back(digit_input(model, grey)[0]);
        } else {
            const double x = float_model.input_min + level / 255.0 * (float_model.input_max - float_model.input_min);
            levels.push_back(quantize_input(model, std::vector<double>(model.input_size, x))[0]);
        }
    }
    return levels;
}

// site.json's "input": what the page asks for and how it becomes the circuit's integers.
json page_input(const QuantizedModel& model, const Model& float_model, WebInput input, const fs::path& model_file) {
    if (draws(model, input, model_file)) {
        const std::size_t side = square_side(model.input_size);
        return {{"kind", "image"}, {"width", side}, {"height", side}, {"levels", input_levels(model, float_model, side)}};
    }
    return {{"kind", "values"},          {"size", model.input_size},          {"min", float_model.input_min},
            {"max", float_model.input_max}, {"bits", model.input_bits},          {"integer_max", model.input_max},
            {"offset", model.input_min_float}, {"scale", model.input_scale}};
}

// Refuses an `out` that is neither missing, an empty folder nor an earlier export.
void check_replaceable(const fs::path& out) {
    if (!fs::exists(out) || (fs::is_directory(out) && fs::is_empty(out))) return;
    try {
        const json record = read_json_file(out / "site.json");
        if (record.is_object() && record.contains("format") && record["format"] == kSiteFormat) return;
    } catch (const InputError&) {  // no site.json (or `out` is a file), or not JSON: not an export
    }
    throw InputError(out, "(folder)", "exists and is not a zokml web export: choose another folder, or remove it");
}

// The site's files, written into a staging folder and recorded (SHA-256, size) for site.json.
class SiteWriter {
public:
    explicit SiteWriter(const fs::path& dir) : dir_(dir) {}

    void text(const std::string& name, const std::string& contents) {
        fs::create_directories((dir_ / name).parent_path());
        write_file_atomically(dir_ / name, contents);
        record(name, contents);
    }
    void copy(const std::string& name, const fs::path& from) {
        fs::create_directories((dir_ / name).parent_path());
        copy_file_atomically(from, dir_ / name);
        record(name, read_file(dir_ / name));
    }
    const json& files() const { return files_; }
    std::size_t bytes() const { return bytes_; }

private:
    void record(const std::string& name, const std::string& contents) {
        files_[name] = {{"sha256", sha256_hex(contents)}, {"bytes", contents.size()}};
        bytes_ += contents.size();
    }

    fs::path dir_;
    json files_ = json::object();
    std::size_t bytes_ = 0;
};

// Folders 0755 and files 0644: a web server reads them (the staging folder was private).
void make_readable(const fs::path& dir) {
    fs::permissions(dir, fs::perms(0755));
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        fs::permissions(entry.path(), entry.is_directory() ? fs::perms(0755) : fs::perms(0644));
}

// Puts the staged site at `out` in one step: exchanged with an earlier site (which is left in
// the staging folder's place, to be removed with it), else renamed. File systems without
// RENAME_EXCHANGE take two renames.
void publish(TempFolder& staging, const fs::path& out) {
    if (fs::exists(out)) {
        if (::renameat2(AT_FDCWD, staging.path().c_str(), AT_FDCWD, out.c_str(), RENAME_EXCHANGE) == 0) return;
        if (errno != EINVAL && errno != ENOSYS)
            throw std::system_error(errno, std::generic_category(), "cannot replace " + out.string());
        const TempFolder old(out.parent_path(), ".zokml-web-old");
        fs::rename(out, old / "site");
    }
    fs::rename(staging.path(), out);
    staging.release();
}

}  // namespace

WebExport export_web(const fs::path& folder, const fs::path& out, const Toolchain& toolchain, const ArtifactStore& store,
                     WebInput input) {
    fs::path target = fs::absolute(out).lexically_normal();
    if (!target.has_filename()) target = target.parent_path();  // "site/" is "site"
    check_replaceable(target);
    const BrowserProver prover = browser_prover();
    const CircuitLock generated = read_lock(folder);
    const QuantizedModel model = page_model(folder, generated);
    const json page = page_input(model, generated.spec.float_model(), input, generated.spec.model);
    const FolderArtifacts artifacts = folder_artifacts(folder, toolchain, store);  // compiled, set up, the key checked
    if (artifacts.keypair.backend != Backend::Zokrates)
        throw InputError(lock_file(folder), "keys.backend",
                         fmt::format("set up by {}, but the page proves with zokrates-js, which reads ZoKrates' keys only: set the "
                                     "folder up with --backend zokrates", to_string(artifacts.keypair.backend)));
    const CircuitLock lock = read_lock(folder);  // with the compile record folder_artifacts checked
    if (lock.compiled->toolchain != prover.toolchain)
        throw InputError(lock_file(folder), "compiled.toolchain",
                         fmt::format("is {}, but the page proves with zokrates-js's {}: compile and set up with it",
                                     lock.compiled->toolchain, prover.toolchain));
    const fs::path verification_key = verification_key_file(folder);
    if (!fs::is_regular_file(verification_key))
        throw InputError(verification_key, "(file)", "missing: the page shows its fingerprint; run zokml setup again");
    const std::string curve = verification_keypair(verification_key).verification_key.curve;

    fs::create_directories(target.parent_path());
    TempFolder staging(target.parent_path(), ".zokml-web");
    SiteWriter site(staging.path());
    for (const char* page : kPageFiles) site.text(page, detail::render_template(std::string("web/") + page, {}));
    site.copy("zokrates.js", prover.bundle);
    site.copy("zokrates.js.LICENSE", prover.license);
    site.copy("circuit/program", artifacts.program.program);
    site.copy("circuit/abi.json", abi_file(folder));
    site.copy("circuit/proving.key", artifacts.keypair.proving_key);
    site.copy("circuit/verification.key", verification_key);
    WebExport result{out, site.files().at("circuit/verification.key").at("sha256"), 0, 0,
                     page["kind"] == "image" ? fmt::format("a {0} x {0} image", page["width"].get<std::size_t>())
                                             : fmt::format("{} values", model.input_size)};
    const json record = {{"format", kSiteFormat},
                         {"version", 2},
                         {"model", {{"name", model.name}, {"fingerprint", model.fingerprint()}}},
                         {"circuit_fingerprint", lock.circuit_fingerprint},
                         {"constraints", lock.compiled->constraints},
                         {"scheme", to_string(artifacts.keypair.scheme)},
                         {"curve", curve},
                         {"toolchain", lock.compiled->toolchain},
                         {"input", page},
                         {"verification_key_sha256", result.verification_key_sha256},
                         {"files", site.files()}};
    site.text("site.json", dump_json(record, 2) + "\n");
    result.files = site.files().size();
    result.bytes = site.bytes();
    make_readable(staging.path());
    publish(staging, target);
    return result;
}

}  // namespace zokml
