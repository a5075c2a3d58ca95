#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <iterator>

#include <nlohmann/json.hpp>

#include "support.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/crypto/poseidon.hpp"
#include "zokml/project/salt_file.hpp"

using namespace zokml;

TEST_CASE("signed values pack offset by 2^(bits-1), little-endian, values_per_element to an element", "[commitment]") {
    CHECK(values_per_element(8) == 31);
    CHECK(values_per_element(10) == 25);
    const CommittedTensor t{"t", {-128, 127, 0}, 8, true};
    const auto packed = pack_tensor(t);
    REQUIRE(packed.size() == 1);
    CHECK(packed[0] == FieldElement::from_int(0 + 255 * 256 + 128 * 65536));
}

TEST_CASE("a tensor starts a new element after values_per_element values", "[commitment]") {
    const CommittedTensor t{"t", std::vector<std::int64_t>(32, 1), 8, false};
    const auto packed = pack_tensor(t);
    REQUIRE(packed.size() == 2);
    CHECK(packed[1] == FieldElement::from_int(1));
}

TEST_CASE("a value outside its width cannot be committed", "[commitment]") {
    CHECK_THROWS_WITH(pack_tensor({"layers[0].weights[2]", {0, 128}, 8, true}), Catch::Contains("layers[0].weights[2][1]"));
    CHECK_THROWS_AS(pack_tensor({"t", {-129}, 8, true}), InputError);
    CHECK_THROWS_AS(pack_tensor({"t", {-1}, 8, false}), InputError);
}

TEST_CASE("absorbing chains poseidon over groups of five, padding the last with zeros", "[commitment]") {
    const FieldElement s = FieldElement::from_int(7);
    const std::vector<FieldElement> e{FieldElement::from_int(1), FieldElement::from_int(2)};
    const FieldElement z{};
    CHECK(absorb(s, e) == poseidon({s, e[0], e[1], z, z, z}));
    CHECK(absorb(s, {}) == s);
}

TEST_CASE("the seed binds the layout: names, sizes, widths and signedness", "[commitment]") {
    const std::vector<CommittedTensor> a{{"w", {1, 2}, 8, true}};
    auto b = a;
    b[0].bits = 9;
    auto c = a;
    c[0].is_signed = false;
    CHECK(commitment_seed("d", a) != commitment_seed("d", b));
    CHECK(commitment_seed("d", a) != commitment_seed("d", c));
    CHECK(commitment_seed("d", a) != commitment_seed("e", a));
}

TEST_CASE("a model's commitment changes with any one parameter", "[commitment]") {
    const QuantizedModel model = quantize(load_model(test::example_model("mnist-784-16-10.json")));
    QuantizedModel changed = model;
    changed.layers[2].dense.weights[17] += 1;
    const FieldElement salt = random_salt();
    CHECK(commit_model(model, salt) != commit_model(changed, salt));
    CHECK(commit_model(model, salt) == commit_model(model, salt));
}

TEST_CASE("two commitments of one model with different salts differ: a guess of the model cannot be checked", "[commitment]") {
    const QuantizedModel model = quantize(load_model(test::example_model("mnist-784-16-10.json")));
    const FieldElement a = random_salt(), b = random_salt();
    CHECK(a != b);
    CHECK(commit_model(model, a) != commit_model(model, b));
    // The salted chain absorbs the salt first, then the tensors as the unsalted one does.
    const std::vector<CommittedTensor> t{{"w", {1, -2, 3}, 8, true}};
    CHECK(commit("d", t, a) == absorb(absorb(commitment_seed("d", t), {a}), pack_tensor(t[0])));
    CHECK(commit("d", t, a) != commit("d", t));
}

TEST_CASE("a fresh salt is 248 random bits", "[commitment]") {
    for (int i = 0; i < 8; ++i) {
        const FieldElement salt = random_salt();
        CHECK(salt.bytes()[0] == 0);
        CHECK(salt != FieldElement());
    }
}

TEST_CASE("the salt file is drawn once, mode 0600, and read back the same", "[commitment]") {
    const test::TempDir dir;
    const auto file = dir / "owner.salt";
    const OwnerSalt drawn = read_or_create_salt_file(file);
    CHECK(drawn.created);
    CHECK((std::filesystem::status(file).permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
    const OwnerSalt again = read_or_create_salt_file(file);  // never drawn over
    CHECK_FALSE(again.created);
    CHECK(again.salt == drawn.salt);
    CHECK(read_salt_file(file) == drawn.salt);
    CHECK(nlohmann::json::parse(read_file(file))["format"] == "zokml-salt");
    // Nothing else in the folder: no temporary file left.
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 1);
}

TEST_CASE("a missing or malformed salt file is an InputError naming the file, never quoting it", "[commitment]") {
    const test::TempDir dir;
    const auto refused = [&](const std::string& contents, const std::string& reason) {
        const auto file = dir / "bad.salt";
        write_file_atomically(file, contents);
        try {
            read_salt_file(file);
            FAIL("accepted: " << contents);
        } catch (const InputError& e) {
            CHECK(e.file() == file);
            CHECK_THAT(e.what(), Catch::Contains(reason));
            CHECK_THAT(e.what(), !Catch::Contains("1234567"));  // the secret is never shown
        }
    };
    CHECK_THROWS_WITH(read_salt_file(dir / "none.salt"), Catch::Contains("none.salt") && Catch::Contains("zokml commit --salt"));
    refused("1234567", "not a zokml salt file");
    refused("{\"format\": \"zokml-salt\", \"version\": 1, \"salt\": \"1234567x\"}", "not a field element");
    refused("{\"format\": \"zokml-salt\", \"version\": 1, \"salt\": 1234567}", "salt");
    refused(fmt::format("{{\"format\": \"zokml-salt\", \"version\": 1, \"salt\": \"{}\"}}", FieldElement::modulus_decimal()),
            "not a field element");
    refused("{\"format\": \"zokml-salt\", \"version\": 1, \"salt\": \"0\"}", "is 0");
    refused("{\"format\": \"zokml-salt\", \"version\": 2, \"salt\": \"1234567\"}", "version");
    refused("{\"format\": \"zokml-salt\", \"version\": 1, \"salt\": \"1234567\", \"other\": 1}", "other");
    refused(std::string(5000, ' ') + "1234567", "too large");
}
