// Split proving: every sub-proof of a plan proven, `jobs` at a time, and the bundle assembled.
#include "zokml/split/prover.hpp"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <iterator>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <variant>

#include "time_left.hpp"
#include "zokml/backend/backends.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/timing.hpp"
#include "zokml/split/verify.hpp"

namespace zokml {

namespace fs = std::filesystem;

ProofBundle prove_split(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan,
                        const QuantizedModel& model, const LabeledBatch& batch, const FieldElement& salt, std::int64_t threshold,
                        std::size_t jobs, const std::function<void(const Progress&)>& progress, SplitProveTimes* times) {
    double reference_s = 0;
    const SplitWitnessData data = timed(reference_s, [&] { return split_witness_data(plan, model, batch, salt); });
    ProofBundle bundle = prove_split(toolchain, programs, plan, model, batch, data, threshold, jobs, progress, times);
    if (times) times->reference_s = reference_s;
    return bundle;
}

ProofBundle prove_split(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan,
                        const QuantizedModel& model, const LabeledBatch& batch, const SplitWitnessData& data,
                        std::int64_t threshold, std::size_t jobs, const std::function<void(const Progress&)>& progress,
                        SplitProveTimes* times) {
    SplitProveTimes local;
    SplitProveTimes& t = times ? *times : local;
    if (plan.options.variant == SplitVariant::PrivateModel && (threshold < 0 || threshold > data.correct))
        throw InputError("", "threshold",
                         fmt::format("the model classifies {} of the {} batch inputs correctly: no proof of at least {} exists",
                                     data.correct, batch.inputs.size(), threshold));
    const auto proofs = sub_proofs(plan);
    std::vector<std::optional<Proof>> results(proofs.size());
    std::atomic<std::size_t> next = 0;
    std::mutex mutex;  // guards the progress, the times and the first error
    std::size_t done = 0;
    std::vector<TimeLeft::Task> tasks;
    for (const SubProof& proof : proofs) tasks.push_back({proof.program.name(), programs.compiled.at(proof.program.name()).constraints});
    TimeLeft time_left(tasks, jobs);
    std::exception_ptr error;
    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    const auto worker = [&] {
        // One prover, and so one witness process and one key read, for a run of sub-proofs of one
        // program (a layer's slices); the witnesses stay in a private folder of this worker.
        const TempFolder scratch(fs::temp_directory_path(), "zokml-prove");
        std::string program;
        std::optional<CircuitProver> prover;
        for (std::size_t i = next++; i < proofs.size(); i = next++) {
            {
                const std::lock_guard lock(mutex);
                if (error) return;
                if (progress) progress({"prove", elapsed(), done, proofs.size(), proofs[i].name(), time_left.remaining()});
            }
            try {
                const auto begun = std::chrono::steady_clock::now();
                if (!prover || program != proofs[i].program.name()) {
                    program = proofs[i].program.name();
                    prover.reset();  // its process ends before the next one starts
                    prover.emplace(toolchain, programs.compiled.at(program), programs.keys.at(program), scratch.path());
                    // zokrates-js keys keep a process per step (a native zokrates has no sessions)
                    if (proving_backend(prover->keypair()) != Backend::Zokrates) prover->use_session();
                }
                results[i] = prover->prove(split_arguments(plan, proofs[i], model, batch, data, threshold));
                const std::lock_guard lock(mutex);
                t.witness_s += prover->times().witness_s;
                t.prove_s += prover->times().prove_s;
                time_left.done(program, std::chrono::duration<double>(std::chrono::steady_clock::now() - begun).count());
                ++done;
            } catch (...) {
                const std::lock_guard lock(mutex);
                if (!error) error = std::current_exception();
                return;
            }
        }
    };
    std::vector<std::thread> threads;
    for (std::size_t j = 1; j < std::max<std::size_t>(jobs, 1); ++j) threads.emplace_back(worker);
    worker();
    for (auto& thread : threads) thread.join();
    t.wall_s = elapsed();
    if (error) std::rethrow_exception(error);
    if (progress) progress({"prove", t.wall_s, done, proofs.size(), "", 0});

    std::vector<Proof> proven;
    for (auto& result : results) proven.push_back(std::move(*result));
    return assemble_bundle(toolchain, programs, plan, batch, data, threshold, std::move(proven));
}

Proof prove_sub_proof(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan, const QuantizedModel& model,
                      const LabeledBatch& batch, const SplitWitnessData& data, std::int64_t threshold, std::size_t index,
                      StepTimes* times) {
    const SubProof sub = sub_proofs(plan).at(index);
    const std::string name = sub.program.name();
    const TempFolder scratch(fs::temp_directory_path(), "zokml-prove");  // the witness holds private values
    CircuitProver prover(toolchain, programs.compiled.at(name), programs.keys.at(name), scratch.path());
    Proof proof = prover.prove(split_arguments(plan, sub, model, batch, data, threshold));
    if (times) *times = prover.times();
    return proof;
}

ProofBundle unchecked_bundle(const SplitPrograms& programs, const SplitPlan& plan, const LabeledBatch& batch,
                             const SplitWitnessData& data, std::int64_t threshold,
                             std::vector<std::variant<Proof, UnreadableProof>> proofs) {
    const auto subs = sub_proofs(plan);
    if (proofs.size() != subs.size()) throw std::invalid_argument(fmt::format("{} proofs for {} sub-proofs", proofs.size(), subs.size()));
    ProofBundle bundle;
    bundle.model_name = plan.model_name;
    bundle.parts = plan.parts();
    bundle.options = plan.options;
    bundle.batch_fingerprint = public_batch(plan.options.variant, batch).fingerprint();
    bundle.model_commitment = data.model_commitment;
    if (plan.options.variant == SplitVariant::PrivateModel) {
        bundle.threshold = threshold;
        bundle.correct = data.correct;
    } else {
        bundle.classes = data.classes;
    }
    if (plan.options.variant == SplitVariant::BothPrivate) bundle.input_commitments = data.input_commitments;
    for (const auto& [name, keypair] : programs.keys) bundle.verification_keys[name] = verification_key_digest(keypair.verification_key);
    for (std::size_t i = 0; i < subs.size(); ++i) {
        BundleProof member{subs[i].program.name(), subs[i].part, subs[i].slice, {}, {}};
        if (auto* proof = std::get_if<Proof>(&proofs[i])) member.proof = std::move(*proof);
        else member.unreadable = std::get<UnreadableProof>(std::move(proofs[i]));
        bundle.proofs.push_back(std::move(member));
    }
    return bundle;
}

ProofBundle assemble_bundle(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan,
                            const LabeledBatch& batch, const SplitWitnessData& data, std::int64_t threshold,
                            std::vector<Proof> proofs) {
    ProofBundle bundle = unchecked_bundle(programs, plan, batch, data, threshold, {std::make_move_iterator(proofs.begin()),
                                                                                   std::make_move_iterator(proofs.end())});
    // The circuits and the reference agree bit for bit, or zokml has a bug: check before handing out.
    const BundleVerdict own = verify_bundle(toolchain, programs, plan, bundle, batch, data.model_commitment);
    if (!own.verified) throw std::logic_error("the split proof does not check out: " + own.problems.front());
    return bundle;
}

}  // namespace zokml
