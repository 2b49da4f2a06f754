/* poweroff: turns the machine off now. */
#include <viperdos/viper.h>

#include "userland/utils/lib/power.h"

static const struct util_program kProgram = {
    .name = "poweroff",
    .usage = "",
    .help = "Turns the machine off at once (programs are not asked to end first).\n"};

int main(int argc, char** argv) { return power_main(&kProgram, VIPER_POWER_OFF, argc, argv); }
