// The gadgets of the circom2 baseline (bench/circom_baseline_bench.cpp writes the circuit that
// includes them): the same constraints as zokml's private-input circuit (docs/circuit-layout.md),
// written in circom. Compiled with --O2, which substitutes every linear constraint away.
pragma circom 2.1.0;

// An input in [0, 2^n): its n - 1 high bits are each asserted to be 0 or 1, and so is what
// remains of the input below them. n constraints, as zokml's input_bits_check.zok: with every
// term 0 or its weight, the input is at most 2^n - 1.
template InputRange(n) {
    signal input in;
    signal high[n - 1];
    var sum = 0;
    for (var j = 0; j < n - 1; j++) {
        high[j] <-- (in >> (n - 1 - j)) & 1;
        high[j] * (high[j] - 1) === 0;
        sum += high[j] * 2 ** (n - 1 - j);
    }
    (in - sum) * (in - sum - 1) === 0;
}

// 1 when in >= 0, 0 otherwise, for in in [-2^(N-1), 2^(N-1)) (the width comes from the static
// bounds, as zokml's is_nonnegative::<N>): in + 2^(N-1) has exactly one N-bit decomposition, whose
// top bit is the sign; an in outside the range has none, so the witness fails. N booleans and the
// packing (linear: --O2 folds it into one of the booleans).
template IsNonnegative(N) {
    signal input in;
    signal output out;
    signal bits[N];
    var sum = 0;
    for (var j = 0; j < N; j++) {
        bits[j] <-- ((in + 2 ** (N - 1)) >> j) & 1;
        bits[j] * (bits[j] - 1) === 0;
        sum += bits[j] * 2 ** j;
    }
    sum === in + 2 ** (N - 1);
    out <== bits[N - 1];
}

// max(in, 0) for in in [-2^(N-1), 2^(N-1)): the sign test and one product.
template Relu(N) {
    signal input in;
    signal output out;
    signal nonnegative <== IsNonnegative(N)(in);
    out <== nonnegative * in;
}

// c ? a : b for a bit c: one product.
template Select() {
    signal input c;
    signal input a;
    signal input b;
    signal output out;
    out <== c * (a - b) + b;
}
