// The aelab subcommands. Each returns the process exit code: 0 success, 1 data or model error
// (a one-line message naming the file), 2 usage error.
#pragma once
#include <string>

namespace aelab {

int cmd_train(int argc, char** argv);
int cmd_eval(int argc, char** argv);
int cmd_score(int argc, char** argv);
int cmd_import(int argc, char** argv);
int cmd_reconstruct(int argc, char** argv);
int cmd_encode(int argc, char** argv);
int cmd_decode(int argc, char** argv);
int cmd_export(int argc, char** argv);
int cmd_sample(int argc, char** argv);
int cmd_convert(int argc, char** argv);
int cmd_figure(int argc, char** argv); // cmd_figure.cpp: aelab figure KIND and aelab map
int cmd_map(int argc, char** argv);
int cmd_bench(int argc, char** argv);

// Helpers shared by the commands.
int usage_error(const std::string& command, const std::string& message); // prints, returns 2
int data_error(const std::string& message);                              // prints, returns 1
bool wants_help(int argc, char** argv);
std::string default_data_dir(); // the MNIST folder build.sh fetched, or $AELAB_DATA
// A --data (or --other) value as a folder: "mnist" and "fashion" name the data sets the lab knows
// (default_data_dir(), Debian's /usr/share/datasets/fashion-mnist); anything else is a folder
// (write ./fashion for a folder of that name).
std::string data_dir_named(const std::string& value);

} // namespace aelab
