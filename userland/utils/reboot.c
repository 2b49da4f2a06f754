/* reboot: restarts the machine now. */
#include <viperdos/viper.h>

#include "userland/utils/lib/power.h"

static const struct util_program kProgram = {
    .name = "reboot",
    .usage = "",
    .help = "Restarts the machine at once (programs are not asked to end first).\n"};

int main(int argc, char** argv) { return power_main(&kProgram, VIPER_POWER_REBOOT, argc, argv); }
