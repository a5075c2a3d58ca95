#include "zokml/project/ceremony.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <fstream>
#include <stdexcept>

#include "json_fields.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/json.hpp"
#include "zokml/core/random.hpp"
#include "zokml/project/circuit_folder.hpp"
#include "zokml/toolchain/public_values.hpp"

namespace zokml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kCeremonyFormat = "zokml-ceremony";

fs::path ceremony_folder(const fs::path& folder) { return keys_folder(folder) / "ceremony"; }
fs::path ceremony_file(const fs::path& folder) { return ceremony_folder(folder) / "ceremony.json"; }
fs::path zkey_file(const fs::path& folder, std::size_t contributions) {
    return ceremony_folder(folder) / fmt::format("zkey_{:04}.zkey", contributions);
}

std::string file_sha256(const fs::path& file) { return sha256_hex(read_file(file)); }

std::string random_hex(std::size_t bytes) {
    std::vector<std::uint8_t> raw(bytes);
    fill_random(raw);
    return to_hex(raw);
}

json ptau_json(const PowersOfTau& ptau) {
    return {{"file", fs::absolute(ptau.file).string()}, {"sha256", ptau.sha256}, {"contributions", ptau.contributions},
            {"made_by_zokml", ptau.made_by_zokml},      {"single_party", ptau.single_party()}};
}
json contributions_json(const std::vector<SetupContribution>& contributions) {
    json list = json::array();
    for (const auto& c : contributions) list.push_back(c.to_json());
    return list;
}
std::vector<SetupContribution> contributions_from_json(const json& list) {
    std::vector<SetupContribution> contributions;
    for (const json& c : list) contributions.push_back(SetupContribution::from_json(c));
    return contributions;
}

// A running ceremony, as ceremony.json records it: the lock's record so far, and the program.
struct Ceremony {
    std::string program_key;  // the folder's compile key when it started
    CeremonyRecord record;    // its contributions so far
};

void write_ceremony(const fs::path& folder, const Ceremony& c) {
    json document = c.record.to_json();
    document.update({{"format", kCeremonyFormat}, {"version", 1}, {"program_key", c.program_key}});
    write_file_atomically(ceremony_file(folder), dump_json(document, 2) + "\n");
}

Ceremony read_ceremony(const fs::path& folder) {
    const fs::path file = ceremony_file(folder);
    if (!fs::exists(file))
        throw InputError(file, "(file)", "no ceremony runs in this folder: start one with zokml setup --backend snarkjs --ceremony");
    const json document = read_json_file(file);
    return detail::input_errors_named(file, [&] {
        const detail::Fields f(document, file, "");
        if (document.value("format", json()) != kCeremonyFormat || document.value("version", json()) != 1)
            f.fail("format", "expected \"zokml-ceremony\" version 1");
        return Ceremony{f.text("program_key"), CeremonyRecord::from_json(document)};
    });
}

// The r1cs of a compiled program: compiled again with it (the same program, checked), kept in
// the store by the program's SHA-256. The entry stays in use (no prune removes it) while it lives.
ArtifactStore::Entry program_r1cs(const CompiledProgram& program, const fs::path& folder, const Toolchain& toolchain,
                      const ArtifactStore& store) {
    const std::string program_sha256 = file_sha256(program.program);
    const std::string key = ArtifactStore::key("zokml r1cs", {program_sha256, store.toolchain_version(toolchain)});
    const auto entry = store.get(key, [&](const fs::path& dir) {
        const CircuitLock lock = read_lock(folder);
        const TempFolder sources(dir, "sources", TempContents::Public);
        read_sources(folder, lock.main_file).write(sources.path());
        const CompiledProgram again = toolchain.compile(sources.path() / lock.main_file, dir, true);
        if (file_sha256(again.program) != program_sha256)
            throw std::runtime_error("compiling " + folder.string() + " again gave another program: no r1cs for it");
        fs::remove(again.program);
        fs::remove(again.abi_file);
        return json{{"kind", "r1cs"}, {"program", program_sha256}};
    });
    return entry;
}

fs::path r1cs_file(const ArtifactStore::Entry& entry) { return entry.dir / "out.r1cs"; }

std::string local_ptau_key(unsigned power) { return ArtifactStore::key("zokml local powers of tau", {"bn128", std::to_string(power)}); }

// What a snarkjs .ptau file's header says (sections as binfileutils writes them, little-endian):
// the power (section 1, after the field size and modulus) and the number of contributions (section 7).
struct PtauHeader {
    unsigned power = 0;
    std::size_t contributions = 0;
};

PtauHeader read_ptau_header(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    const auto fail = [&](const std::string& why) { throw InputError(file, "(file)", "not a snarkjs powers-of-tau file: " + why); };
    const auto u32 = [&] {
        std::uint32_t v = 0;
        in.read(reinterpret_cast<char*>(&v), sizeof v);
        if (!in) fail("truncated");
        return v;
    };
    char magic[4] = {};
    in.read(magic, sizeof magic);
    if (!in || std::string(magic, sizeof magic) != "ptau") fail("it does not start with \"ptau\"");
    u32();  // the format's version
    const std::uint32_t sections = u32();
    if (sections > 64) fail("too many sections");
    PtauHeader header;
    bool has_header = false, has_contributions = false;
    for (std::uint32_t i = 0; i < sections; ++i) {
        const std::uint32_t type = u32();
        std::uint64_t size = 0;
        in.read(reinterpret_cast<char*>(&size), sizeof size);
        if (!in) fail("truncated");
        const std::streamoff start = in.tellg();
        if (type == 1) {
            const std::uint32_t field_bytes = u32();
            if (field_bytes != 32) fail("not BN254");
            in.seekg(field_bytes, std::ios::cur);
            header.power = u32();
            has_header = true;
        } else if (type == 7) {
            header.contributions = u32();
            has_contributions = true;
        }
        in.seekg(start + static_cast<std::streamoff>(size));
        if (!in || size > static_cast<std::uint64_t>(INT64_MAX)) fail("a section runs past the end");
    }
    if (!has_header || !has_contributions || header.power < 1 || header.power > 28) fail("no header or no contributions");
    return header;
}

// The ceremony's powers of tau, checked to be the bytes it started with.
const fs::path& checked_ptau(const PowersOfTau& ptau) {
    std::error_code missing;
    if (!fs::is_regular_file(ptau.file, missing))
        throw InputError(ptau.file, "(file)", "the powers of tau this setup was made on is missing");
    if (file_sha256(ptau.file) != ptau.sha256)
        throw InputError(ptau.file, "(file)", "not the powers of tau this setup was made on (its SHA-256 differs)");
    return ptau.file;
}

std::string reason(const SetupTranscript& transcript) {
    return transcript.reason.empty() ? "snarkjs' zkey verify rejects it" : transcript.reason;
}

// The ceremony's transcript up to zkey, checked against the folder's own r1cs and the powers of
// tau, with every contribution the ceremony recorded in it, in order, with the hash its party was
// shown. InputError when it does not hold.
SetupTranscript checked_transcript(const fs::path& folder, const Ceremony& ceremony, const fs::path& zkey,
                                   const Toolchain& toolchain, const ArtifactStore& store) {
    const auto compiled = compile_folder(folder, toolchain, store);
    if (compiled.key != ceremony.program_key)
        throw InputError(ceremony_file(folder), "program_key", "the circuit changed since the ceremony started: start it again");
    const auto r1cs_entry = program_r1cs(compiled.program, folder, toolchain, store);
    const fs::path r1cs = r1cs_file(r1cs_entry);
    const SetupTranscript transcript = Snarkjs(toolchain.timeout()).verify_setup(r1cs, checked_ptau(ceremony.record.ptau), zkey);
    if (!transcript.valid)
        throw InputError(zkey, "(file)", "the ceremony's transcript does not check (a key tampered with, or not this circuit's): " +
                                             reason(transcript));
    for (const auto& recorded : ceremony.record.contributions)
        if (recorded.index > transcript.contributions.size() || transcript.contributions[recorded.index - 1].hash != recorded.hash)
            throw InputError(ceremony_file(folder), "contributions",
                             fmt::format("contribution {} ({}) is not in the key's transcript", recorded.index, recorded.name));
    return transcript;
}

SetupContribution contribute(const fs::path& folder, Ceremony ceremony, const std::string& name, const Snarkjs& snarkjs) {
    const std::size_t done = ceremony.record.contributions.size();
    SetupContribution contribution{done + 1, name, "", ""};
    contribution.hash = snarkjs.contribute(zkey_file(folder, done), zkey_file(folder, done + 1), name);
    ceremony.record.contributions.push_back(contribution);
    write_ceremony(folder, ceremony);
    return contribution;
}

}  // namespace

PowersOfTau read_powers_of_tau(const fs::path& file, const ArtifactStore& store) {
    std::error_code missing;
    if (!fs::is_regular_file(file, missing)) throw InputError(file, "(file)", "no such powers-of-tau file");
    const PtauHeader header = read_ptau_header(file);
    PowersOfTau ptau{fs::absolute(file), file_sha256(file), header.contributions, false};
    if (const auto own = store.find(local_ptau_key(header.power)))
        ptau.made_by_zokml = file_sha256(own->dir / "powers.ptau") == ptau.sha256;
    return ptau;
}

std::string CeremonyRecord::description() const {
    const std::size_t parties = contributions.empty() ? 0 : contributions.size() - 1;  // the last is the beacon
    std::string text = local_contributions ? "snarkjs, one contribution and a beacon drawn by zokml setup"
                                           : fmt::format("snarkjs ceremony, {} contribution{} and a beacon", parties,
                                                         parties == 1 ? "" : "s");
    text += fmt::format("; powers of tau {}... with {} contribution{}{}", ptau.sha256.substr(0, 16), ptau.contributions,
                        ptau.contributions == 1 ? "" : "s", ptau.made_by_zokml ? ", made by zokml on this machine" : "");
    if (single_party()) text += ": single party, whoever made it could forge proofs";
    return text;
}

json CeremonyRecord::to_json() const {
    return {{"ptau", ptau_json(ptau)},
            {"contributions", contributions_json(contributions)},
            {"r1cs_sha256", r1cs_sha256},
            {"local_contributions", local_contributions}};
}

CeremonyRecord CeremonyRecord::from_json(const json& j) {
    const json& ptau = j.at("ptau");
    return {{ptau.at("file").get<std::string>(), ptau.at("sha256").get<std::string>(), ptau.at("contributions").get<std::size_t>(),
             ptau.at("made_by_zokml").get<bool>()},
            contributions_from_json(j.at("contributions")),
            j.at("r1cs_sha256").get<std::string>(),
            j.at("local_contributions").get<bool>()};
}

LocalPowersOfTau local_powers_of_tau(unsigned power, const Snarkjs& snarkjs, const ArtifactStore& store) {
    const auto entry = store.get(local_ptau_key(power), [&](const fs::path& dir) {
        snarkjs.make_ptau(power, dir / "powers.ptau");
        return json{{"kind", "ptau"}, {"power", power}, {"single_party", true}};
    });
    return {read_powers_of_tau(entry.dir / "powers.ptau", store), entry.outcome, entry.in_use};
}

void start_ceremony(const fs::path& folder, const std::optional<fs::path>& ptau_file, const Toolchain& toolchain,
                    const ArtifactStore& store) {
    const Snarkjs snarkjs(toolchain.timeout());
    const auto compiled = compile_folder(folder, toolchain, store);
    const auto r1cs_entry = program_r1cs(compiled.program, folder, toolchain, store);
    const fs::path r1cs = r1cs_file(r1cs_entry);
    const LocalPowersOfTau local = ptau_file ? LocalPowersOfTau{} : local_powers_of_tau(snarkjs.required_power(r1cs), snarkjs, store);
    const PowersOfTau ptau = ptau_file ? read_powers_of_tau(*ptau_file, store) : local.ptau;

    CircuitLock lock = read_lock(folder);
    lock.keys.reset();
    write_lock(folder, lock);
    fs::remove_all(keys_folder(folder));
    make_private_dir(keys_folder(folder));
    fs::create_directories(ceremony_folder(folder));
    snarkjs.start_setup(r1cs, ptau.file, zkey_file(folder, 0));
    write_ceremony(folder, Ceremony{compiled.key, CeremonyRecord{ptau, {}, file_sha256(r1cs), false}});
}

SetupContribution contribute_to_ceremony(const fs::path& folder, const std::string& name, const Toolchain& toolchain,
                                         const ArtifactStore& store) {
    const Ceremony ceremony = read_ceremony(folder);
    // Never build on a tampered key: a party's contribution would be wasted, found only at the end.
    checked_transcript(folder, ceremony, zkey_file(folder, ceremony.record.contributions.size()), toolchain, store);
    return contribute(folder, ceremony, name, Snarkjs(toolchain.timeout()));
}

std::vector<SetupContribution> ceremony_contributions(const fs::path& folder) { return read_ceremony(folder).record.contributions; }

SetupTranscript finalize_ceremony(const fs::path& folder, const std::string& beacon_hex, unsigned iterations,
                                  const Toolchain& toolchain, const ArtifactStore& store) {
    const Ceremony ceremony = read_ceremony(folder);
    const std::vector<SetupContribution>& recorded_contributions = ceremony.record.contributions;
    if (recorded_contributions.empty())
        throw InputError(ceremony_file(folder), "contributions", "no contribution yet: a beacon alone would leave the keys known to all");
    const Snarkjs snarkjs(toolchain.timeout());
    const fs::path final_zkey = ceremony_folder(folder) / "final.zkey";
    snarkjs.beacon(zkey_file(folder, recorded_contributions.size()), final_zkey, beacon_hex, iterations);
    SetupTranscript transcript;
    try {
        transcript = checked_transcript(folder, ceremony, final_zkey, toolchain, store);
    } catch (...) {
        fs::remove(final_zkey);
        throw;
    }

    snarkjs.export_verification_key(final_zkey, verification_key_file(folder),
                                    flattened_size(Abi::from_json(read_json_file(abi_file(folder))).output));
    fs::rename(final_zkey, keys_folder(folder) / "proving.key");
    CircuitLock lock = read_lock(folder);
    CircuitLock::Keys keys;
    keys.program_key = ceremony.program_key;
    keys.scheme = Scheme::G16;
    keys.backend = Backend::Snarkjs;
    keys.proving_key_sha256 = file_sha256(keys_folder(folder) / "proving.key");
    keys.key = keys.proving_key_sha256;
    keys.ceremony = ceremony.record;
    keys.ceremony->contributions = transcript.contributions;
    lock.keys = keys;
    write_lock(folder, lock);
    fs::remove_all(ceremony_folder(folder));
    return transcript;
}

SetupTranscript setup_folder_single_party(const fs::path& folder, const std::optional<fs::path>& ptau_file,
                                          const Toolchain& toolchain, const ArtifactStore& store) {
    start_ceremony(folder, ptau_file, toolchain, store);
    contribute(folder, read_ceremony(folder), "zokml (single party)", Snarkjs(toolchain.timeout()));  // on the key just made
    const SetupTranscript transcript = finalize_ceremony(folder, random_hex(32), kBeaconIterations, toolchain, store);
    CircuitLock lock = read_lock(folder);
    lock.keys->ceremony->local_contributions = true;
    write_lock(folder, lock);
    return transcript;
}

SetupTranscript check_ceremony(const fs::path& folder, const Toolchain& toolchain, const ArtifactStore& store) {
    const CircuitLock lock = read_lock(folder);
    if (!lock.keys || lock.keys->backend != Backend::Snarkjs || !lock.keys->ceremony)
        throw InputError(lock_file(folder), "keys", "no snarkjs setup in this folder");
    const CeremonyRecord& record = *lock.keys->ceremony;
    const fs::path zkey = keys_folder(folder) / "proving.key";
    const fs::path vk = verification_key_file(folder);
    for (const auto& file : {zkey, vk}) {
        std::error_code missing;
        if (!fs::is_regular_file(file, missing)) throw InputError(file, "(file)", "missing: run zokml setup again");
    }
    const auto compiled = compile_folder(folder, toolchain, store);
    const auto r1cs_entry = program_r1cs(compiled.program, folder, toolchain, store);
    const fs::path r1cs = r1cs_file(r1cs_entry);
    const std::string key = ArtifactStore::key("zokml setup check", {file_sha256(zkey), file_sha256(vk), file_sha256(r1cs), record.ptau.sha256});
    const Snarkjs snarkjs(toolchain.timeout());
    const auto entry = store.get(key, [&](const fs::path& dir) {
        const SetupTranscript transcript = snarkjs.verify_setup(r1cs, checked_ptau(record.ptau), zkey);
        if (!transcript.valid)
            throw InputError(zkey, "(file)", "the setup's transcript does not check (tampered or not this circuit's): " + reason(transcript));
        const VerificationKey exported = snarkjs.export_verification_key(zkey, dir / "verification.key", flattened_size(compiled.program.abi.output));
        fs::remove(dir / "verification.key");
        if (!(exported == VerificationKey::from_json(read_json_file(vk))))
            throw InputError(vk, "(file)", "not the verification key of the checked proving key");
        return json{{"kind", "setup-check"}, {"contributions", contributions_json(transcript.contributions)}};
    });
    SetupTranscript transcript;
    transcript.valid = true;
    transcript.contributions = contributions_from_json(entry.metadata.at("contributions"));
    if (transcript.contributions != record.contributions)
        throw InputError(lock_file(folder), "keys.ceremony.contributions", "not the contributions in the proving key's transcript");
    return transcript;
}

}  // namespace zokml
