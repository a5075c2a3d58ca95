// The programs of a split plan and its sub-proofs: each program's generated sources, the names of
// what it makes public, and the programs compiled and set up (docs/split-proving.md).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "zokml/quantize/reference.hpp"
#include "zokml/split/plan.hpp"
#include "zokml/toolchain/artifact_store.hpp"
#include "zokml/toolchain/artifacts.hpp"
#include "zokml/toolchain/circuit.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml {

// The programs of a plan: each sub-proof runs one of them. Programs of parts and slices of the same
// size are one program. PrivateModel: part proofs for the first layer (the batch baked in), slice
// proofs for the later ones, an aggregate counting the correct ones. Inference and BothPrivate:
// slice proofs for every layer (the first reads the inputs against their commitment, the last
// makes the classes public) and an aggregate that chains the model commitment only.
struct SplitProgram {
    enum class Kind { Part, Slice, Aggregate };
    Kind kind = Kind::Part;
    std::size_t layer = 0;       // index in SplitPlan::layers (Part: 0)
    std::size_t neurons = 0;     // Part, Slice: the part's neurons or filters
    std::size_t slice_size = 0;  // Slice: inputs in the slice
    std::size_t first_slice = 0, slices = 0;  // Part: the slices it covers (its inputs are baked in)
    std::string name() const;    // e.g. "part-n4-s0-5" (slices 0 to 4), "slice-l1-n10-s10", "aggregate"
    bool operator==(const SplitProgram&) const = default;
};

// One sub-proof of a plan, and the program it runs.
struct SubProof {
    SplitProgram program;
    std::size_t part = 0;   // index in SplitPlan::parts()
    std::size_t slice = 0;  // Slice proofs; Part proofs: the first slice covered
    std::string name() const;  // e.g. "part 3", "layer 1 part 0 slice 7", "aggregate"
};
// Every sub-proof, in an order in which each one's inputs are produced before it.
std::vector<SubProof> sub_proofs(const SplitPlan& plan);

// The program's sources: from the plan (shapes and widths) and the public batch alone.
Circuit generate_split_circuit(const SplitPlan& plan, const SplitProgram& program, const LabeledBatch& batch);

// The names of main's outputs, to read a sub-proof's public values by name (PublicValues).
std::vector<std::string> split_output_names(const SplitPlan& plan, const SplitProgram& program);

// The programs of a plan, compiled and set up through the artifact store, by SplitProgram::name().
struct SplitPrograms {
    std::map<std::string, CompiledProgram> compiled;
    std::map<std::string, Keypair> keys;
    double compile_s = 0;      // the compile phase's wall time (0 when every program was in the store)
    double compile_sum_s = 0;  // the compiles' times summed (those found in the store count 0)
    double setup_s = 0;
};
// Compiles the plan's distinct programs, `jobs` at a time, then sets them up.
SplitPrograms build_split_programs(const Toolchain& toolchain, const ArtifactStore& store, const SplitPlan& plan,
                                   const LabeledBatch& batch, Scheme scheme = Scheme::G16, std::size_t jobs = 1);

}  // namespace zokml
