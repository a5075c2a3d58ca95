// Quantizes a model with the installed zokml and prints its fingerprint and commitment; no
// toolchain needed.
#include <iostream>

#include "zokml/crypto/commitment.hpp"
#include "zokml/model/model.hpp"
#include "zokml/quantize/quantize.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: consumer MODEL.json\n";
        return 2;
    }
    const zokml::QuantizedModel model = zokml::quantize(zokml::load_model(argv[1]));
    std::cout << "fingerprint " << model.fingerprint() << "\n";
    std::cout << "commitment " << zokml::commit_model(model).to_decimal() << "\n";
    return 0;
}
