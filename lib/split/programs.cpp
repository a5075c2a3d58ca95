// The programs and sub-proofs of a split plan, and the programs compiled and set up.
#include "zokml/split/programs.hpp"

#include <fmt/format.h>

#include <optional>
#include <stdexcept>
#include <utility>

#include "zokml/backend/backends.hpp"
#include "zokml/core/jobs.hpp"
#include "zokml/core/timing.hpp"

namespace zokml {
namespace {

// The distinct programs of a plan, by name.
std::map<std::string, SplitProgram> programs_of(const SplitPlan& plan) {
    std::map<std::string, SplitProgram> programs;
    for (const auto& proof : sub_proofs(plan)) programs.emplace(proof.program.name(), proof.program);
    return programs;
}

}  // namespace

std::string SplitProgram::name() const {
    switch (kind) {
        case Kind::Part: return fmt::format("part-n{}-s{}-{}", neurons, first_slice, first_slice + slices);
        case Kind::Slice: return fmt::format("slice-l{}-n{}-s{}", layer, neurons, slice_size);
        case Kind::Aggregate: return "aggregate";
    }
    return "?";
}

std::string SubProof::name() const {
    switch (program.kind) {
        case SplitProgram::Kind::Part: return fmt::format("part {}", part);
        case SplitProgram::Kind::Slice: return fmt::format("part {} slice {}", part, slice);
        case SplitProgram::Kind::Aggregate: return "aggregate";
    }
    return "?";
}

std::vector<SubProof> sub_proofs(const SplitPlan& plan) {
    std::vector<SubProof> proofs;
    std::size_t part = 0;
    for (std::size_t l = 0; l < plan.layers.size(); ++l) {
        for (const auto& range : plan.layers[l].parts) {
            if (l == 0 && plan.options.variant == SplitVariant::PrivateModel) {
                const std::size_t step = plan.slices_per_part_proof(range.count);
                for (std::size_t s = 0; s < plan.slices(); s += step) {
                    proofs.push_back({{SplitProgram::Kind::Part, 0, range.count, 0, s, std::min(step, plan.slices() - s)}, part, s});
                }
            } else {
                for (std::size_t s = 0; s < plan.slices(); ++s)
                    proofs.push_back({{SplitProgram::Kind::Slice, l, range.count, plan.slice_size(s)}, part, s});
            }
            ++part;
        }
    }
    proofs.push_back({{SplitProgram::Kind::Aggregate, 0, 0, 0}, 0, 0});
    return proofs;
}

std::vector<std::string> split_output_names(const SplitPlan& plan, const SplitProgram& program) {
    switch (program.kind) {
        case SplitProgram::Kind::Part: return {"part_commitment", "activation_commitments"};
        case SplitProgram::Kind::Slice:
            if (!plan.layers.at(program.layer).last) return {"part_commitment", "input_commitments", "activation_commitment"};
            if (plan.options.variant == SplitVariant::PrivateModel) return {"part_commitment", "input_commitments", "count_commitment"};
            return {"part_commitment", "input_commitments", "classes"};
        case SplitProgram::Kind::Aggregate:
            if (plan.options.variant == SplitVariant::PrivateModel) return {"model_commitment", "count_commitments", "correct"};
            return {"model_commitment"};
    }
    throw std::logic_error("unknown split program");
}

SplitPrograms build_split_programs(const Toolchain& toolchain, const ArtifactStore& store, const SplitPlan& plan,
                                   const LabeledBatch& batch, Scheme scheme, std::size_t jobs) {
    SplitPrograms programs;
    const auto named = programs_of(plan);
    const std::vector<std::pair<std::string, SplitProgram>> list(named.begin(), named.end());
    // Each compile is one single-threaded zokrates process: `jobs` of them side by side.
    std::vector<std::optional<ArtifactStore::CachedProgram>> compiled(list.size());
    std::vector<double> seconds(list.size());
    timed(programs.compile_s, [&] {
        for_each_job(list.size(), jobs, [&](std::size_t i) {
            compiled[i] = timed(seconds[i], [&] { return store.compile(toolchain, generate_split_circuit(plan, list[i].second, batch)); });
        });
        return 0;
    });
    std::vector<CompiledProgram> to_set_up;
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (compiled[i]->outcome != ArtifactStore::Outcome::Hit) programs.compile_sum_s += seconds[i];
        to_set_up.push_back(compiled[i]->program);
    }
    // Set up together: the native setup makes one powers of tau for programs of one size.
    const auto backend = make_backend(default_setup_backend(scheme), toolchain);
    const auto keys = timed(programs.setup_s, [&] { return store.setup(*backend, to_set_up, scheme); });
    bool all_found = true;
    for (std::size_t i = 0; i < list.size(); ++i) {
        all_found = all_found && keys[i].outcome == ArtifactStore::Outcome::Hit;
        programs.compiled.emplace(list[i].first, to_set_up[i]);
        programs.keys.emplace(list[i].first, keys[i].keypair);
    }
    if (all_found) programs.setup_s = 0;
    if (programs.compile_sum_s == 0) programs.compile_s = 0;  // every program came from the store
    return programs;
}

}  // namespace zokml
