// zokml's native Groth16 prover for BN254 (docs/toolchain.md, ARCHITECTURE "The proving
// boundary"): it proves from snarkjs' files, the final .zkey of a snarkjs setup and a .wtns
// witness, as rapidsnark does, on every core. Its proofs are ZoKrates' g16 JSON, checked by the
// same verifiers as every other proof (ZoKrates, snarkjs, the EVM): a wrong prover can only make
// proofs that they reject.
#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/core/field.hpp"

namespace zokml::prover {

// A Groth16 proving key, read once from a snarkjs .zkey into flat arrays (its points stay in the
// file's Montgomery form). Throws InputError naming the file and the section when the file is not
// a BN254 Groth16 .zkey, or a count or size in it does not match the file.
class Groth16ProvingKey {
public:
    explicit Groth16ProvingKey(const std::filesystem::path& zkey);
    ~Groth16ProvingKey();
    Groth16ProvingKey(Groth16ProvingKey&&) noexcept;
    Groth16ProvingKey& operator=(Groth16ProvingKey&&) noexcept;

    std::size_t variables() const;      // the witness's length, 1 included
    std::size_t public_inputs() const;  // the statement's values (ZoKrates: inputs, then outputs)
    std::size_t domain_size() const;    // a power of two, above the constraints

    struct Data;  // lib/prover/proving_key.hpp
    const Data& data() const { return *data_; }

private:
    std::unique_ptr<Data> data_;
};

// Every variable's value (1 first, then the public inputs, then the private ones), read from a
// snarkjs .wtns. Throws InputError naming the file and the section when it is not a BN254 witness
// or a value is not below the field's modulus.
class Groth16Witness {
public:
    explicit Groth16Witness(const std::filesystem::path& wtns);
    // The same of a .wtns held in memory (WitnessSession's); `name` stands for the file in errors.
    Groth16Witness(std::string wtns_bytes, const std::filesystem::path& name);
    ~Groth16Witness();  // wipes the values
    Groth16Witness(Groth16Witness&&) noexcept;
    Groth16Witness& operator=(Groth16Witness&&) noexcept;

    std::size_t size() const;
    FieldElement operator[](std::size_t index) const;

    struct Data;  // lib/prover/witness.hpp
    const Data& data() const { return *data_; }

private:
    std::unique_ptr<Data> data_;
};

// A proof in ZoKrates' g16 JSON: coordinates as "0x" and 64 hex digits, b's as [[x.c0, x.c1],
// [y.c0, y.c1]]; inputs are the witness's public values.
struct Groth16Proof {
    std::array<std::string, 2> a, c;
    std::array<std::array<std::string, 2>, 2> b;
    std::vector<FieldElement> inputs;

    // {"scheme": "g16", "curve": "bn128", "proof": {"a", "b", "c"}, "inputs"}: what
    // zokml::Proof::from_json reads.
    nlohmann::json to_json() const;
};

// A proof of the witness under the key, with r and s drawn from OpenSSL's CSPRNG (two proofs of
// one witness differ). threads: 0 for every core. Throws InputError when the witness is not the
// key's circuit's (another length); a witness that does not satisfy the circuit gives a proof that
// no verifier accepts.
Groth16Proof prove(const Groth16ProvingKey& key, const Groth16Witness& witness, unsigned threads = 0);

}  // namespace zokml::prover
