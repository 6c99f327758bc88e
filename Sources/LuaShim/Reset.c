// Reset.c: a used state made as good as new for the next check (LuaShim_reset), so that a pool can
// hand it out again instead of opening a state per check run. What a check can leave behind, and
// what removes it:
//   - globals, and the library tables reached through them (`string.upper = f`, `assay.x = 1`):
//     a new globals table is built from the allow-list, exactly as LuaShim_open builds it;
//   - the string metatable, shared by every string of the state: replaced along with the globals
//     (its __index is the new `string` table);
//   - the registry (function references handed to the host, the prelude's entry point): every
//     entry but the main thread, the new globals and the kept prelude is removed. The kept
//     prelude is the loaded main function of the host's own compiled prelude, which no check can
//     reach or change (LuaShim.c): its _ENV is set to the new globals when it runs again;
//   - metatables of the other types: a check cannot set any (setmetatable takes tables only, and
//     the debug library is never opened);
//   - values still in memory: once nothing above refers to them, a full collection frees them
//     all, so the next check's memory cap and peak start from an empty sandbox;
//   - the C side: stop reason, instruction count, peak, limits, host, and the hook's period.
// No check code runs during a reset: a check cannot create a finalizer (Metatables.c).
#include "Internal.h"

static int protected_reset(lua_State *L) {
    lua_settop(L, 0);
    // Keys are removed while the registry is traversed; Lua allows clearing fields during next().
    lua_pushnil(L);
    while (lua_next(L, LUA_REGISTRYINDEX)) {
        lua_pop(L, 1);
        if (lua_isinteger(L, -1) && lua_tointeger(L, -1) == LUA_RIDX_MAINTHREAD) continue;
        if (lua_touserdata(L, -1) == &shim_kept_prelude_key) continue;
        lua_pushvalue(L, -1);
        lua_pushnil(L);
        lua_rawset(L, LUA_REGISTRYINDEX);
    }
    shim_open_globals(L); // new globals at LUA_RIDX_GLOBALS, new string metatable
    // The kept prelude must not hold the old globals alive until it runs again.
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &shim_kept_prelude_key) == LUA_TFUNCTION) {
        lua_pushglobaltable(L);
        lua_setupvalue(L, -2, 1);
    }
    lua_pop(L, 1);
    return 0;
}

int LuaShim_reset(LuaShim_State *S, LuaShim_Limits limits, LuaShim_Host host, void *context) {
    if (!S || S->closed || S->in_host) return -1;
    lua_State *L = S->L;
    // Nothing is charged to a check while the state is rebuilt; the new limits apply afterwards.
    S->limits = (LuaShim_Limits){0, 0, 0};
    S->stop = LuaShim_StopNone;
    lua_sethook(L, shim_hook, LUA_MASKCOUNT, LUASHIM_HOOK_PERIOD);
    lua_pushcfunction(L, protected_reset);
    int status = lua_pcall(L, 0, 0, 0);
    lua_settop(L, 0);
    if (status != LUA_OK || S->stop != LuaShim_StopNone) return -1;
    lua_gc(L, LUA_GCCOLLECT);
    S->limits = limits;
    S->host = host;
    S->context = context;
    S->instructions = 0;
    S->allocated = 0;
    S->peak = S->used;
    S->compiled.length = 0;
    return 0;
}

size_t LuaShim_registry_entries(const LuaShim_State *S) {
    lua_State *L = S->L;
    size_t count = 0;
    if (!lua_checkstack(L, 3)) return (size_t)-1;
    lua_pushnil(L);
    while (lua_next(L, LUA_REGISTRYINDEX)) { // raw traversal: allocates nothing, cannot raise
        lua_pop(L, 1);
        count++;
    }
    return count;
}
