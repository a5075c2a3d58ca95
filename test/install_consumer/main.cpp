// An application built against an installed zokml (find_package): quantizes a model and prints its
// fingerprint and commitment (with the model owner's salt file); with --prove, also proves a held-out MNIST digit's class with the
// installation's toolchain and digits, and prints where it found them.
#include <filesystem>
#include <iostream>
#include <string>

#include "zokml/core/files.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/model/model.hpp"
#include "zokml/project/model_prover.hpp"
#include "zokml/project/salt_file.hpp"
#include "zokml/quantize/quantize.hpp"

int main(int argc, char** argv) {
    if (argc < 3 || argc > 4 || (argc == 4 && std::string(argv[3]) != "--prove")) {
        std::cerr << "usage: consumer MODEL.json SALT_FILE [--prove]\n";
        return 2;
    }
    const zokml::QuantizedModel model = zokml::quantize(zokml::load_model(argv[1]));
    std::cout << "fingerprint " << model.fingerprint() << "\n";
    std::cout << "commitment " << zokml::commit_model(model, zokml::read_salt_file(argv[2])).to_decimal() << "\n";
    if (argc == 4) {
        const zokml::Toolchain toolchain;
        std::cout << "toolchain " << toolchain.executable().string() << "\n";
        std::cout << "digits " << zokml::default_mnist_dir().string() << "\n";
        const zokml::Digit& digit = zokml::held_out_digits().at(0);
        const zokml::TempFolder work(std::filesystem::temp_directory_path(), "zokml-consumer");
        zokml::ModelProver prover(toolchain, {}, {model}, work.path());
        const auto proof = prover.prove({.input = zokml::digit_input(model, digit)});
        std::cout << "class " << std::get<zokml::PrivateInputPublic>(proof.public_output).predicted_class << " label " << digit.label << " verified "
                  << (prover.verify(proof.proof) ? "yes" : "no") << "\n";
    }
    return 0;
}
