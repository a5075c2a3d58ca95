// The exported Solidity verifiers, compiled with solc and run in an in-process EVM
// (tools/evm-verify.mjs), called with the call data zokml::VerifyTxCall encodes.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <memory>

#include "toolchain/subprocess.hpp"
#include "support.hpp"
#include "zokml/verifier/calldata.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/project/provers.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/quantize/reference.hpp"

using namespace zokml;
namespace fs = std::filesystem;

using test::EvmAnswer;
using test::EvmVerifier;

namespace {

// square.zok (private a, public b, returns a + b) proven for a = 3, b = 9, and its verifier;
// set up once per scheme and test process.
struct Square {
    test::TempDir dir;
    CircuitProver prover;
    Proof proof;
    EvmVerifier evm;
    explicit Square(Scheme scheme)
        : prover(test::real_toolchain(), test::fixture_circuit("toolchain/square.zok"), dir / "circuit", scheme),
          proof(prover.prove({Value::of_field(3), Value::of_field(9)})),
          evm(prover.keypair(), dir / "evm") {}
};

const Square& square(Scheme scheme) {
    static std::map<Scheme, std::unique_ptr<Square>> proven;
    auto& entry = proven[scheme];
    if (!entry) entry = std::make_unique<Square>(scheme);
    return *entry;
}

}  // namespace

TEST_CASE("the exported g16 verifier accepts the real proof in the EVM, given zokml's call data", "[evm][slow]") {
    const auto& s = square(Scheme::G16);
    const auto answer = s.evm.call(s.proof);
    CHECK(answer.verified);
    CHECK_FALSE(answer.reverted);
    CHECK(answer.deploy_gas > 100000);
    CHECK(answer.verify_gas > 21000);
}

TEST_CASE("the EVM rejects a g16 proof with points a and c swapped", "[evm][slow]") {
    const auto& s = square(Scheme::G16);
    CHECK_FALSE(s.evm.call(test::swapped_a_c(s.proof)).verified);
}

TEST_CASE("the EVM rejects a g16 proof with a changed public input", "[evm][slow]") {
    const auto& s = square(Scheme::G16);
    auto call = VerifyTxCall::from_proof(s.proof);
    call.inputs[1] = FieldElement::from_int(13);  // claims a + b = 13
    CHECK_FALSE(s.evm.call(call).verified);
}

TEST_CASE("the remix JSON arguments and proof.json itself verify in the EVM too", "[evm][slow]") {
    const auto& s = square(Scheme::G16);
    CHECK(s.evm.run("--arguments", VerifyTxCall::from_proof(s.proof).to_json().dump()).verified);
    CHECK(s.evm.run("--proof", s.proof.to_json().dump()).verified);
}

TEST_CASE("call data for another function is an error, not a rejected proof", "[evm][slow]") {
    const auto& s = square(Scheme::G16);
    std::string calldata = VerifyTxCall::from_proof(s.proof).calldata_hex();
    calldata.replace(2, 8, "a9059cbb");  // transfer(address,uint256)
    const auto result = s.evm.run_raw("--calldata", calldata);
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.out, Catch::Contains("0xa9059cbb") && Catch::Contains("0x43cd76fc"));
}

TEST_CASE("the exported gm17 verifier accepts the real proof and rejects tampered ones in the EVM", "[evm][slow]") {
    const auto& s = square(Scheme::GM17);
    const auto answer = s.evm.call(s.proof);
    CHECK(answer.verified);
    CHECK(answer.deploy_gas > 100000);  // the verifier and its BN256G2 library
    CHECK_FALSE(s.evm.call(test::swapped_a_c(s.proof)).verified);
    auto call = VerifyTxCall::from_proof(s.proof);
    call.inputs[0] = FieldElement::from_int(10);  // claims b = 10
    CHECK_FALSE(s.evm.call(call).verified);
}

TEST_CASE("a verifier without public inputs takes verifyTx(proof) in the EVM", "[evm][slow]") {
    const test::TempDir dir;
    CircuitProver prover(test::real_toolchain(), test::fixture_circuit("evm/no_inputs.zok"), dir / "circuit");
    const auto proof = prover.prove({Value::of_field(3)});
    REQUIRE(proof.inputs.empty());
    const EvmVerifier evm(prover.keypair(), dir / "evm");
    CHECK(evm.call(proof).verified);
    CHECK_FALSE(evm.call(test::swapped_a_c(proof)).verified);
}

TEST_CASE("a private MNIST digit's class proof verifies in the EVM, and a different class does not", "[evm][slow]") {
    const test::TempDir dir;
    auto& prover = test::small_mnist_prover();
    const auto proven = prover.prove({.input = digit_input(test::small_mnist_model(), held_out_digits().at(0))});
    const EvmVerifier evm(prover.circuit_prover().keypair(), dir / "evm");

    const auto answer = evm.call(proven.proof);
    CHECK(answer.verified);
    auto call = VerifyTxCall::from_proof(proven.proof);
    REQUIRE(call.inputs.size() == 1);  // the public class
    CHECK(call.inputs[0] == FieldElement::from_int(std::get<PrivateInputPublic>(proven.public_output).predicted_class));
    call.inputs[0] = FieldElement::from_int((std::get<PrivateInputPublic>(proven.public_output).predicted_class + 1) % 10);
    CHECK_FALSE(evm.call(call).verified);
}
