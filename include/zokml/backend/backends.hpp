// The proving backends (zokml/toolchain/proving_backend.hpp) and which one does what by default
// (docs/toolchain.md#backends): zokml's native prover for every .zkey, and its native setup for
// new g16 keys; zokrates-js for gm17 and for ZoKrates' own keys; snarkjs when asked.
#pragma once

#include <memory>

#include "zokml/toolchain/proving_backend.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml {

// The backend, running its tools with the toolchain's timeout (zokrates-js: the toolchain itself).
// The toolchain must outlive it.
std::unique_ptr<ProvingBackend> make_backend(Backend backend, const Toolchain& toolchain);

// Who proves with a keypair unless told otherwise: the native prover for a .zkey (the native and
// the snarkjs setups' keys), zokrates-js for ZoKrates' keys (the native prover cannot read them).
Backend proving_backend(const Keypair& keypair);

// Who sets up new keys of the scheme unless told otherwise: native for g16, zokrates-js for the
// others (the native prover is Groth16's only).
Backend default_setup_backend(Scheme scheme);

}  // namespace zokml
