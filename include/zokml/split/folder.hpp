// A split folder: the programs of a split private-model statement (docs/split-proving.md) for
// one published layout and one public batch, set up by the party that should (the verifier, not
// the model owner: docs/security.md), proven in by the model owner, verified in by anyone.
//   zokml.split.json   the layout (from the model owner's `zokml commit --split --layout`),
//                      the batch's size and fingerprint and the options, the programs' compile
//                      keys, constraint counts and the SHA-256 of their proving keys
//   batch.json         the public batch, as the model's integers (a verifier needs no data set)
//   programs/<name>/   each program's sources
//   abi/<name>.json    its interface
//   keys/<name>/       proving.key and verification.key
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "zokml/core/field.hpp"
#include "zokml/project/settings.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/split/bundle.hpp"
#include "zokml/split/layout.hpp"
#include "zokml/split/plan.hpp"
#include "zokml/split/programs.hpp"
#include "zokml/split/prover.hpp"
#include "zokml/split/verify.hpp"
#include "zokml/toolchain/artifact_store.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml {

// The folder's zokml.split.json (the file InputErrors about the folder name).
std::filesystem::path split_file(const std::filesystem::path& folder);

// Generates, compiles and sets up every program of the plan for the layout and batch, and writes
// the folder (its keys linked or copied from the store, the batch in batch.json), compiling `jobs`
// programs at a time. Returns the programs.
SplitPrograms setup_split_folder(const std::filesystem::path& folder, const PublishedLayout& layout, const LabeledBatch& batch,
                                 const SplitOptions& options, const Toolchain& toolchain, const ArtifactStore& store,
                                 std::size_t jobs = 1);
// An inference or both-private folder (options.variant): programs for `inputs` inputs at a time,
// whatever their values; no batch is kept.
SplitPrograms setup_split_folder(const std::filesystem::path& folder, const PublishedLayout& layout, std::size_t inputs,
                                 SplitOptions options, const Toolchain& toolchain, const ArtifactStore& store, std::size_t jobs = 1);

// The folder's programs from its files: ABIs and keys, each proving key checked against the
// SHA-256 recorded at setup (InputError when damaged or missing). Without proving keys (a
// verifier's copy) when `proving` is false.
struct SplitFolder {
    PublishedLayout layout;
    std::size_t batch_size = 0;  // inputs per statement
    LabeledBatch batch;          // private-model folders: the public batch
    SplitOptions options;
    SplitPrograms programs;
};
SplitFolder read_split_folder(const std::filesystem::path& folder, bool proving);

// The settings a model owner gave for a split proof besides the model file (a settings file,
// flags) and where each came from: source(name) says where the setting `name` (the flag's name:
// "input-bits", "weight-bits", "activation-bits", "input-min", "input-max") was given, e.g.
// "--input-bits" or "the settings file s.json", and is empty when it was not (no `source`: none was).
struct GivenSettings {
    CircuitSettings settings;
    std::function<std::string(const std::string& name)> source;
};

// The float model of `model_file` as the folder's layout says it was committed: loaded with the
// layout's input range and quantized with its widths, so that no setting has to be repeated. A
// setting given that differs from the layout is refused (InputError on the folder's
// zokml.split.json, field "layout.<field>", naming both values and where the other came from).
QuantizedModel committed_model(const std::filesystem::path& folder, const std::filesystem::path& model_file,
                               const GivenSettings& given = {});

// Proves with the folder's keys that the model (whose commitment with the owner's `salt` must be
// the layout's) reaches the threshold (default: its count) on the folder's batch. InputError when
// no proof exists, or when the commitment is another.
ProofBundle prove_split_folder(const std::filesystem::path& folder, const QuantizedModel& model, const FieldElement& salt,
                               std::optional<std::int64_t> threshold, const Toolchain& toolchain, std::size_t jobs,
                               const std::function<void(const Progress&)>& progress, SplitProveTimes* times = nullptr);

// The same with every sub-proof a separate command, for an engine that runs them side by side or
// across machines (GNU parallel, a Slurm job array, a Kubernetes Indexed Job): prepare runs the
// reference and writes what the sub-proofs need into DIR/plan/<SHA-256 of it>/ (witness.json
// holds private values: a private folder, removed by gather); prove_planned writes sub-proof
// `index` there as proof-<index>.json (atomically: a command run twice does no harm); gather
// checks and bundles them. The plan holds the part salts: prove_planned needs no salt file.
struct SplitPlanFolder {
    std::filesystem::path dir;
    std::size_t proofs = 0;
};
SplitPlanFolder prepare_split_plan(const std::filesystem::path& folder, const QuantizedModel& model, const FieldElement& salt,
                                   std::optional<std::int64_t> threshold);
void prove_planned(const std::filesystem::path& folder, const QuantizedModel& model, const std::filesystem::path& plan,
                   std::size_t index, const Toolchain& toolchain);
ProofBundle gather_split_plan(const std::filesystem::path& folder, const std::filesystem::path& plan, const Toolchain& toolchain);

// Inference and both-private folders: proves the classes of `inputs` (as many as the folder takes;
// split_batch(layout, file, Labels::None) reads them).
ProofBundle prove_split_folder(const std::filesystem::path& folder, const QuantizedModel& model, const FieldElement& salt,
                               const LabeledBatch& inputs,
                               const Toolchain& toolchain, std::size_t jobs,
                               const std::function<void(const Progress&)>& progress, SplitProveTimes* times = nullptr);

// Verifies a bundle with the folder's verification keys against the layout's published commitment
// and the folder's own plan (its layout, options and number of inputs; the bundle's are only
// compared, verify_bundle): on the folder's batch (private-model), on the public `inputs`
// (inference: InputError unless as many as the folder takes), or on the private inputs'
// commitments the bundle shows (both-private).
BundleVerdict verify_split_folder(const std::filesystem::path& folder, const ProofBundle& bundle, const Toolchain& toolchain,
                                  const LabeledBatch& inputs = {});

}  // namespace zokml
