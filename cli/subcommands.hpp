// Every `zokml` subcommand, one file each (cli/NAME.cpp); main.cpp dispatches to them.
#pragma once

#include "args.hpp"

namespace zokml::cli {

Subcommand inspect_command();
Subcommand quantize_command();
Subcommand calibrate_command();
Subcommand commit_command();
Subcommand generate_command();
Subcommand compile_command();
Subcommand setup_command();
Subcommand prove_command();
Subcommand verify_command();
Subcommand export_verifier_command();
Subcommand calldata_command();
Subcommand export_web_command();
Subcommand convert_proof_command();
Subcommand run_command();
Subcommand build_command();
Subcommand split_setup_command();
Subcommand split_prove_command();
Subcommand cache_command();

}  // namespace zokml::cli
