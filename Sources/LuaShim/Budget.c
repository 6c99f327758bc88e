// Budget.c: what stops a check. The allocator caps the Lua heap; the count hook counts VM
// instructions and looks at the deadline; C-library loops the hook never sees charge the same
// budget (shim_charge) and look at the deadline too.
//
// A stopped state stays stopped: the hook then fires on every instruction, so an error caught by
// a script's pcall is raised again at its next instruction until nothing is left to run.
#include "Internal.h"

#include <stdlib.h>

// The allocator looks at the clock once per this many bytes: an instruction that allocates a
// lot (a concatenation of long strings) is stopped at the next instruction once it is late.
#define CLOCK_EVERY_BYTES (1u << 20)

const char *shim_stop_message(LuaShim_Stop stop) {
    switch (stop) {
    case LuaShim_StopMemory: return "check stopped: memory limit exceeded";
    case LuaShim_StopInstructions: return "check stopped: instruction budget exhausted";
    case LuaShim_StopDeadline: return "check stopped: deadline passed";
    case LuaShim_StopHost: return "check stopped by the host";
    default: return "check stopped";
    }
}

void shim_arm_stop_hook(LuaShim_State *S) {
    if (S->stop != LuaShim_StopNone && S->L) lua_sethook(S->L, shim_hook, LUA_MASKCOUNT, 1);
}

void shim_stop(LuaShim_State *S, LuaShim_Stop why) {
    if (S->stop == LuaShim_StopNone) S->stop = why;
    shim_arm_stop_hook(S); // lua_sethook is safe anywhere, even inside the allocator
}

static int late(const LuaShim_State *S) {
    return S->limits.deadline_ns && shim_monotonic_ns() >= S->limits.deadline_ns;
}

// MARK: - The allocator

void *shim_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    LuaShim_State *S = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        S->used -= old;
        return NULL;
    }
    if (S->limits.memory_bytes && nsize > old && S->used - old + nsize > S->limits.memory_bytes) {
        if (S->L) shim_stop(S, LuaShim_StopMemory);
        return NULL;
    }
    void *block = realloc(ptr, nsize);
    if (!block) return NULL;
    S->used = S->used - old + nsize;
    if (S->used > S->peak) S->peak = S->used;
    if (nsize > old && (S->allocated += nsize - old) >= CLOCK_EVERY_BYTES) {
        S->allocated = 0;
        if (S->L && late(S)) shim_stop(S, LuaShim_StopDeadline);
    }
    return block;
}

// MARK: - The count hook

void shim_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    LuaShim_State *S = shim_state(L);
    if (S->stop == LuaShim_StopNone) {
        S->instructions += LUASHIM_HOOK_PERIOD;
        if (S->limits.instructions && S->instructions > S->limits.instructions)
            shim_stop(S, LuaShim_StopInstructions);
        else if (late(S))
            shim_stop(S, LuaShim_StopDeadline);
        else
            return;
    }
    lua_sethook(L, shim_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "%s", shim_stop_message(S->stop));
}

// MARK: - Work of C loops

void shim_charge(lua_State *L, uint64_t units) {
    LuaShim_State *S = shim_state(L);
    if (S->stop == LuaShim_StopNone) {
        S->instructions += units;
        if (S->limits.instructions && S->instructions > S->limits.instructions)
            shim_stop(S, LuaShim_StopInstructions);
        else if (late(S))
            shim_stop(S, LuaShim_StopDeadline);
    }
    if (S->stop != LuaShim_StopNone) luaL_error(L, "%s", shim_stop_message(S->stop));
}

void shim_reserve(lua_State *L, uint64_t units) {
    LuaShim_State *S = shim_state(L);
    uint64_t limit = S->limits.instructions;
    if (limit && (units > limit || S->instructions > limit - units)) {
        shim_stop(S, LuaShim_StopInstructions);
        luaL_error(L, "%s", shim_stop_message(S->stop));
    }
}
