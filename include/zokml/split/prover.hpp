// Split proving, end to end (docs/split-proving.md): every sub-proof of a plan proven with its
// program's keys (several at a time), and the proofs gathered in a bundle, checked before it is
// returned (verify.hpp checks a bundle someone else made).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "zokml/core/field.hpp"
#include "zokml/core/progress.hpp"
#include "zokml/project/provers.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/split/bundle.hpp"
#include "zokml/split/plan.hpp"
#include "zokml/split/programs.hpp"
#include "zokml/split/witness.hpp"
#include "zokml/toolchain/artifacts.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml {

struct SplitProveTimes {
    double reference_s = 0;  // the native reference, salts and commitments
    double witness_s = 0;    // summed over the sub-proofs
    double prove_s = 0;      // summed over the sub-proofs
    double wall_s = 0;       // of all sub-proofs, `jobs` at a time
};

// Proves that the model (the one the plan was made of) classifies at least `threshold` inputs of
// the batch correctly: runs the reference, derives the part salts from the owner's `salt` and
// draws the others, then every sub-proof, `jobs` at a time, each in a private scratch folder under
// the system's temporary folder; checks that every proof makes public what the reference predicts.
// Throws InputError when no proof exists (a threshold above the reference's count).
ProofBundle prove_split(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan,
                        const QuantizedModel& model, const LabeledBatch& batch, const FieldElement& salt, std::int64_t threshold,
                        std::size_t jobs = 1,
                        const std::function<void(const Progress&)>& progress = {}, SplitProveTimes* times = nullptr);
// The same with the reference's data computed already (split_witness_data: its salts).
ProofBundle prove_split(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan,
                        const QuantizedModel& model, const LabeledBatch& batch, const SplitWitnessData& data,
                        std::int64_t threshold, std::size_t jobs = 1,
                        const std::function<void(const Progress&)>& progress = {}, SplitProveTimes* times = nullptr);

// The pieces of prove_split, for sub-proofs run elsewhere (one command each, zokml split-prove
// --plan): sub-proof `index` of sub_proofs(plan), in a private scratch folder; the bundle of every
// proof as it came, in the order of sub_proofs(plan), unchecked (a member that could not be read
// kept as UnreadableProof: verify_bundle names it); and the same with every proof, checked before
// it is returned (a bundle that does not verify is a bug of zokml's: std::logic_error).
Proof prove_sub_proof(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan, const QuantizedModel& model,
                      const LabeledBatch& batch, const SplitWitnessData& data, std::int64_t threshold, std::size_t index,
                      StepTimes* times = nullptr);
ProofBundle unchecked_bundle(const SplitPrograms& programs, const SplitPlan& plan, const LabeledBatch& batch,
                             const SplitWitnessData& data, std::int64_t threshold,
                             std::vector<std::variant<Proof, UnreadableProof>> proofs);
ProofBundle assemble_bundle(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan,
                            const LabeledBatch& batch, const SplitWitnessData& data, std::int64_t threshold,
                            std::vector<Proof> proofs);

}  // namespace zokml
