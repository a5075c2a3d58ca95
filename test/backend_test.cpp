// The proving backends behind one interface (zokml/toolchain/proving_backend.hpp): which one sets up
// and proves by default, the native backend end to end (its proofs checked by ZoKrates, snarkjs and
// the EVM, never by our own code), its witness session, and what each refuses.
#include <catch2/catch.hpp>

#include "support.hpp"
#include "zokml/backend/backends.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/model/model.hpp"
#include "zokml/project/model_prover.hpp"
#include "zokml/prover/groth16.hpp"
#include "zokml/prover/setup.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/toolchain/prover_session.hpp"
#include "zokml/toolchain/snarkjs.hpp"

using namespace zokml;
namespace fs = std::filesystem;

namespace {

// The tiny model's private-input circuit, set up by the default backend for g16, once per process.
struct TinyDefault {
    test::TempDir dir;
    QuantizedModel model = quantize(load_model(test::tiny_model(dir / "tiny.json")));
    ModelProver prover{test::real_toolchain(), {}, {model}, dir / "work"};

    const CircuitProver& circuit() const { return prover.circuit_prover(); }
    std::vector<Value> arguments(const std::vector<std::int64_t>& input) const { return private_input_arguments(model, {}, input); }
};

TinyDefault& tiny() {
    static TinyDefault fixture;
    return fixture;
}

struct Verdicts {
    bool zokrates, snarkjs, evm;
};
Verdicts verify_everywhere(const Proof& proof, const fs::path& work) {
    const Keypair& keypair = tiny().circuit().keypair();
    fs::create_directories(work);
    return {test::real_toolchain().verify(keypair, proof, work), Snarkjs().verify(keypair, proof, work),
            test::EvmVerifier(keypair, work / "evm").call(proof).verified};
}

}  // namespace

TEST_CASE("g16 keys are set up by the native backend unless told otherwise, gm17 keys by zokrates-js", "[backend]") {
    CHECK(default_setup_backend(Scheme::G16) == Backend::Native);
    CHECK(default_setup_backend(Scheme::GM17) == Backend::Zokrates);
    Keypair keys;
    for (const Backend made_by : {Backend::Native, Backend::Snarkjs}) {
        keys.backend = made_by;
        CHECK(proving_backend(keys) == Backend::Native);  // every .zkey
    }
    keys.backend = Backend::Zokrates;
    CHECK(proving_backend(keys) == Backend::Zokrates);
    for (const Backend b : {Backend::Zokrates, Backend::Snarkjs, Backend::Native}) {
        CHECK(backend_from_string(to_string(b)) == b);
        CHECK(make_backend(b, test::real_toolchain())->kind() == b);
    }
    CHECK_THROWS_AS(backend_from_string("rapidsnark"), std::invalid_argument);
}

TEST_CASE("the native backend sets up g16 only and proves from a .zkey only", "[backend]") {
    const auto native = make_backend(Backend::Native, test::real_toolchain());
    const test::TempDir dir;
    CompiledProgram program;
    program.r1cs = dir / "out.r1cs";
    CHECK_THROWS_AS(native->setup(program, Scheme::GM17, dir / "keys"), std::invalid_argument);
    Keypair zokrates_keys;
    zokrates_keys.backend = Backend::Zokrates;
    zokrates_keys.proving_key = dir / "proving.key";
    CHECK_THROWS_AS(native->prover(program, zokrates_keys, dir.path(), true), std::invalid_argument);
}

TEST_CASE("a native proof of the default setup's keys is accepted by ZoKrates, snarkjs and the EVM; a tampered one by none",
          "[backend][native][slow]") {
    REQUIRE(tiny().circuit().keypair().backend == Backend::Native);
    const ModelProof proven = tiny().prover.prove({.input = std::vector<std::int64_t>{200, 10, 30}});
    CHECK(std::get<PrivateInputPublic>(proven.public_output).predicted_class == 0);
    CHECK(tiny().prover.verify(proven.proof));
    const test::TempDir work;
    const Verdicts honest = verify_everywhere(proven.proof, work / "honest");
    CHECK((honest.zokrates && honest.snarkjs && honest.evm));
    const Verdicts swapped = verify_everywhere(test::swapped_a_c(proven.proof), work / "swapped");
    CHECK_FALSE((swapped.zokrates || swapped.snarkjs || swapped.evm));
    Proof other_class = proven.proof;
    other_class.inputs.back() = FieldElement::from_int(1);
    const Verdicts claimed = verify_everywhere(other_class, work / "claimed");
    CHECK_FALSE((claimed.zokrates || claimed.snarkjs || claimed.evm));
}

TEST_CASE("a witness session computes, in memory, the witness zokrates-js writes to a file, in one process for every input",
          "[backend][native][slow]") {
    const CompiledProgram& program = tiny().circuit().program();
    const test::TempDir dir;
    WitnessSession session(test::real_toolchain(), program);
    for (const std::vector<std::int64_t>& input : {std::vector<std::int64_t>{200, 10, 30}, {0, 255, 7}}) {
        const WitnessSession::Result computed = session.compute(tiny().arguments(input));
        const Value output = Snarkjs().write_witness(program, tiny().arguments(input), dir / "witness.wtns");
        CHECK(computed.wtns == read_file(dir / "witness.wtns"));
        CHECK(computed.output == output);
        const prover::Groth16Witness witness(computed.wtns, "(memory)");
        CHECK(witness.size() == prover::Groth16ProvingKey(tiny().circuit().keypair().proving_key).variables());
    }
    CHECK(session.starts() == 1);
}

TEST_CASE("the native prover refuses an input out of range with zokrates-js' message and goes on proving", "[backend][native][slow]") {
    const test::TempDir dir;
    CircuitProver prover(test::real_toolchain(), tiny().circuit().program(), tiny().circuit().keypair(), dir.path());
    prover.use_session();
    try {
        prover.prove(tiny().arguments({256, 0, 0}));  // 8-bit inputs
        FAIL("a witness of an input out of range");
    } catch (const ToolchainError& e) {
        CHECK(e.kind() == ToolchainError::Kind::Failed);
        CHECK(e.step() == Step::ComputeWitness);
    }
    const Proof proof = prover.prove(tiny().arguments({0, 255, 7}));
    CHECK(prover.verify(proof));
    CHECK(prover.times().prove_s > 0);
}

TEST_CASE("the store keeps each backend's keys of one program apart", "[backend][slow]") {
    const test::TempDir dir;
    const ArtifactStore store(dir / "store");
    const auto compiled = store.compile(test::real_toolchain(), generate_private_input_circuit(tiny().model));
    REQUIRE_FALSE(compiled.program.r1cs.empty());
    const auto zokrates = store.setup(*make_backend(Backend::Zokrates, test::real_toolchain()), compiled.program, Scheme::G16);
    const auto native = store.setup(*make_backend(Backend::Native, test::real_toolchain()), compiled.program, Scheme::G16);
    CHECK(zokrates.key != native.key);
    CHECK(zokrates.keypair.backend == Backend::Zokrates);
    CHECK(native.keypair.backend == Backend::Native);
    CHECK(store.setup(*make_backend(Backend::Native, test::real_toolchain()), compiled.program, Scheme::G16).outcome ==
          ArtifactStore::Outcome::Hit);
}

TEST_CASE("programs set up together: those in the store are reused, the others share one powers of tau and each proves",
          "[backend][slow]") {
    const test::TempDir dir;
    const ArtifactStore store(dir / "store");
    const auto backend = make_backend(Backend::Native, test::real_toolchain());
    const std::vector<PrivateInputOptions> variants{{}, {.expose_logits = true}, {.claimed_class = true}};
    std::vector<CompiledProgram> programs;
    for (const PrivateInputOptions& options : variants)
        programs.push_back(store.compile(test::real_toolchain(), generate_private_input_circuit(tiny().model, options)).program);
    const auto first = store.setup(*backend, programs.front(), Scheme::G16);
    const auto all = store.setup(*backend, programs, Scheme::G16);
    REQUIRE(all.size() == 3);
    CHECK(all[0].outcome == ArtifactStore::Outcome::Hit);
    CHECK(all[0].key == first.key);
    CHECK(all[1].outcome == ArtifactStore::Outcome::Built);
    CHECK(all[2].outcome == ArtifactStore::Outcome::Built);
    CHECK(all[1].keypair.verification_key.to_json().at("delta") != all[2].keypair.verification_key.to_json().at("delta"));
    const auto ptau = [](const ArtifactStore::CachedKeypair& k) { return read_file(k.keypair.proving_key.parent_path() / "powers_of_tau.ptau"); };
    if (prover::read_r1cs_size(programs[1].r1cs).power == prover::read_r1cs_size(programs[2].r1cs).power) CHECK(ptau(all[1]) == ptau(all[2]));
    CHECK(ptau(all[0]) != ptau(all[1]));  // set up before, alone
    for (std::size_t k = 1; k < 3; ++k) {
        INFO("program " << k);
        CHECK(Snarkjs().verify_setup(programs[k].r1cs, all[k].keypair.proving_key.parent_path() / "powers_of_tau.ptau",
                                     all[k].keypair.proving_key).valid);
        CircuitProver prover(test::real_toolchain(), programs[k], all[k].keypair, dir / ("prove" + std::to_string(k)));
        const std::vector<std::int64_t> input{1, 2, 3};
        const Proof proof = prover.prove(private_input_arguments(tiny().model, variants[k], input,
                                                                 run_reference(tiny().model, input).predicted_class));
        CHECK(test::real_toolchain().verify(all[k].keypair, proof, dir / ("verify" + std::to_string(k))));
    }
    const auto again = store.setup(*backend, programs, Scheme::G16);
    for (const auto& k : again) CHECK(k.outcome == ArtifactStore::Outcome::Hit);
}

TEST_CASE("proofs of snarkjs' and the native setup's keys list a public input before the output, as ZoKrates' do", "[backend][slow]") {
    // snarkjs' files put outputs first; zokml's proofs and keys keep ZoKrates' order, which the ABI decodes.
    PrivateInputOptions options;
    options.hash_input = true;
    for (const Backend backend : {Backend::Native, Backend::Snarkjs}) {
        const test::TempDir dir;
        CircuitProver circuit(test::real_toolchain(), generate_private_input_circuit(tiny().model, options), dir / "work", Scheme::G16,
                              backend);
        if (backend == Backend::Snarkjs) circuit.prove_with(Backend::Snarkjs);
        CircuitSettings settings;
        settings.private_input = options;
        ModelProver prover(settings, {tiny().model}, std::move(circuit));
        const std::vector<std::int64_t> input{200, 10, 30};
        const ModelProof proven = prover.prove({.input = input});  // compared with the reference inside
        CHECK(std::get<PrivateInputPublic>(proven.public_output).input_hash == hash_input(tiny().model, input));
        CHECK(proven.proof.inputs.front() == hash_input(tiny().model, input));
        const Keypair& keys = prover.circuit_prover().keypair();
        CHECK(test::real_toolchain().verify(keys, proven.proof, dir / "zokrates"));
        CHECK(Snarkjs().verify(keys, proven.proof, dir / "snarkjs"));
        Proof other = proven.proof;
        other.inputs.front() = hash_input(tiny().model, {201, 10, 30});
        CHECK_FALSE(test::real_toolchain().verify(keys, other, dir / "zokrates"));
    }
}
