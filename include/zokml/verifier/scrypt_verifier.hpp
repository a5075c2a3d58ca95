// A Bitcoin verifier: an sCrypt smart contract (scrypt-ts, TypeScript) that checks Groth16
// proofs on BN254 with sCrypt's BN256 pairing library (npm package scrypt-ts-lib).
// docs/scrypt.md tells how to compile, deploy and call it.
#pragma once

#include <cstddef>
#include <string>

#include "zokml/toolchain/artifacts.hpp"

namespace zokml {

// The number of public inputs a Groth16 key verifies (its gamma_abc points less one).
std::size_t scrypt_public_inputs(const VerificationKey& key);

// The contract module (verifier.ts) for a g16 key on bn128, as sCrypt's ZoKrates export lays it
// out: N_PUB_INPUTS, the key's points (VERIFYING_KEY, decimal bigint literals), the prepared
// key type, a verify method over the proof, and the contract Verifier whose public inputs are
// fixed when it is deployed and whose public method verifyProof(proof) unlocks it. Helpers
// read a ZoKrates proof.json. Deterministic; headed by the key's SHA-256. Throws
// std::invalid_argument for another scheme or curve, or a malformed key.
std::string generate_scrypt_verifier(const VerificationKey& key);

}  // namespace zokml
