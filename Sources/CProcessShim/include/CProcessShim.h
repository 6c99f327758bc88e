// CProcessShim: what Swift cannot call itself when the supervisor starts a worker process.
//
// Why this shim exists: prctl(2) is variadic, and Swift does not import variadic C functions;
// posix_spawn_file_actions_addclosefrom_np is a GNU extension the Glibc module may not expose.
#ifndef CPROCESSSHIM_H
#define CPROCESSSHIM_H

#include <spawn.h>

/// Asks the kernel to send `signal` to this process when its parent thread exits
/// (PR_SET_PDEATHSIG). Returns 0, or -1 with errno set.
int CProcessShim_set_parent_death_signal(int signal);

/// Adds "close every descriptor from `lowest` up" to a spawn's file actions. Returns 0 or an
/// error number.
int CProcessShim_add_close_from(posix_spawn_file_actions_t *actions, int lowest);

#endif
