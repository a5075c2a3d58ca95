// Checking a split proof's bundle against what the verifier knows (docs/split-proving.md).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "zokml/core/field.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/split/bundle.hpp"
#include "zokml/split/plan.hpp"
#include "zokml/split/programs.hpp"
#include "zokml/toolchain/artifacts.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml {

// What verify_bundle found: verified when every proof verifies and every link holds.
struct BundleVerdict {
    bool verified = false;
    std::vector<std::string> problems;  // each names the proof and the link that failed
    // The sub-proofs (indices in sub_proofs(plan)) that are missing, are not proofs, do not verify,
    // or break a link; for a link, both ends: proving these again mends the bundle when the
    // problems are the proofs' and not the statement's.
    std::vector<std::size_t> failed;
};

// Checks a bundle against what the verifier knows, and only that: its own plan (the statement
// its folder was set up for: the parts, the options, the number of inputs, and so the sub-proofs
// and their programs), the published model commitment, the public batch (private-model: the
// labelled batch the plan was made of; inference: the verifier's inputs; both-private: none), and
// its programs' keys. What the bundle says of the statement (variant, parts, options, model name,
// classes and input commitments per input and slice) is compared with the plan, each difference a
// problem. Every sub-proof of the plan appears exactly once, and no other; each verifies under its
// program's key; every commitment a proof reads is the one its producer made; every part's
// commitment is the same in all its proofs and is the one the aggregate chains into the published
// model commitment; the slice proofs' labels are the batch's; the threshold and count are the
// bundle's. A sub-proof that is not a proof, or that the toolchain refuses (InputError, or a
// ToolchainError of a run that failed, panicked or printed no verdict), is a problem naming it;
// the others are still checked. A toolchain that cannot run (not found, killed, timed out) throws.
// `verifies` checks one proof of a program (by default with the toolchain and the program's key;
// e.g. an exported Solidity verifier run in an EVM instead): the links are checked the same way.
using ProofCheck = std::function<bool(const std::string& program, const Proof& proof)>;
BundleVerdict verify_bundle(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan, const ProofBundle& bundle,
                            const LabeledBatch& batch, const FieldElement& published_commitment, const ProofCheck& verifies = {});

}  // namespace zokml
