// CProcessShim: see include/CProcessShim.h for why it exists.
#define _GNU_SOURCE
#include "CProcessShim.h"

#include <sys/prctl.h>

int CProcessShim_set_parent_death_signal(int signal) { return prctl(PR_SET_PDEATHSIG, signal, 0, 0, 0); }

int CProcessShim_add_close_from(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}
