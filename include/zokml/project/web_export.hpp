// A static web site that proves a private-input circuit folder's statement in the browser
// (docs/web.md): a person draws a digit or picks an image (image models), or types the input's
// numbers or picks a file of one record (any other model); a Web Worker of the page computes the
// proof with zokrates-js from the program and proving key the site serves, and proof.json is
// downloaded. The input never leaves the page.
//   index.html, style.css, app.js, worker.js   the page (templates/web/)
//   zokrates.js, zokrates.js.LICENSE            zokrates-js's browser bundle (its WebAssembly inlined)
//   circuit/program, circuit/abi.json           the compiled program and its interface
//   circuit/proving.key, circuit/verification.key
//   site.json                                   what the site proves with (format below)
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "zokml/toolchain/artifact_store.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml {

struct WebExport {
    std::filesystem::path site;
    std::string verification_key_sha256;  // the fingerprint the page shows
    std::size_t files = 0;
    std::size_t bytes = 0;
    std::string page;  // what the page asks for: "a 28 x 28 image" or "3 values"
};

// What the page asks for: a square grey image (the drawing pad) or the input's numbers (a form and
// a file of one record). Auto: an image for 28 x 28 inputs (MNIST) and for a first layer that is a
// one-channel square convolution, numbers otherwise. Image needs a square input size.
enum class WebInput { Auto, Image, Values };

// Writes the site of `folder` into `out`: the folder must hold a private-input circuit (no claimed
// class, no input hash) that was compiled and set up with the ZoKrates that zokrates-js runs. The site is built beside `out` and renamed into place, so `out`
// is either the earlier site or the new one, whole; `out` may be missing, an empty folder or an
// earlier export. Its files are readable by all (a web server serves them).
// site.json: {"format": "zokml-web-export", "version": 2, "model": {"name", "fingerprint"},
// "circuit_fingerprint", "constraints", "scheme", "curve", "toolchain", "input",
// "verification_key_sha256", "files": {path: {"sha256", "bytes"}}}, where "input" is
//   {"kind": "image", "width", "height", "levels": the integer the circuit takes for each grey level 0..255}
//   {"kind": "values", "size", "min", "max" (the model's float range), "bits", "integer_max",
//    "offset", "scale"}: a value x is the integer round((x - offset) * scale), refused unless
//    (x - offset) * scale lies in [-0.5, integer_max + 0.5) (quantize_batch's rule).
// Throws InputError when the folder is not such a circuit or not set up, or `out` is something
// else; ToolchainError when zokrates-js's browser bundle is missing.
WebExport export_web(const std::filesystem::path& folder, const std::filesystem::path& out, const Toolchain& toolchain,
                     const ArtifactStore& store, WebInput input = WebInput::Auto);

}  // namespace zokml
