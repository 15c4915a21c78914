// esimctl: a device-side eUICC (eSIM) profile manager. See README.md.
#include "src/cli/cli_context.h"

int main(int argc, char** argv) { return esim::RunCli(argc, argv); }
