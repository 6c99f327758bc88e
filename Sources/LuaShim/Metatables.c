// Metatables.c: setmetatable(t, mt) as Lua's, except that what it installs is a checked copy of
// mt, frozen at that call:
//   - no __gc: Lua runs finalizers with hooks off, so a looping one could never be stopped, and a
//     finalizer could reach the host after run(ctx) returned;
//   - no __close: a to-be-closed variable runs code while a scope unwinds, stopped or not;
//   - no __mode: what a weak table holds depends on when the collector ran, and two runs on the
//     same state must give the same report;
//   - __call must be a function: a table whose __call is a callable table re-dispatches inside
//     the VM without an instruction in between (luaD_tryfuncTM), a C loop nothing could stop;
//   - frozen: later changes to mt never reach t, so none of the above can be added afterwards.
// getmetatable(t) still answers mt (the copy's __metatable), as code comparing classes expects;
// the copy itself is never reachable from Lua. A metatable that has its own __metatable field
// keeps Lua's meaning: getmetatable answers that field and setmetatable refuses to change it.
#include "Internal.h"

#include <string.h>

// The key, in a copy, that says the copy was made here from a metatable without __metatable (so
// a later setmetatable may replace it).
static const char replaceable = 0;

typedef struct {
    const char *name;
    const char *why;
} Refused;

static const Refused refused[] = {
    {"__gc", "__gc metamethods are not allowed in checks (Lua runs finalizers outside every limit)"},
    {"__close", "__close metamethods are not allowed in checks (to-be-closed values run code while a scope unwinds)"},
    {"__mode", "__mode is not allowed in checks (weak tables make a report depend on the garbage collector)"},
};

// Pushes the checked copy of the metatable at `mt`.   [-0, +1, e]
static void push_frozen_copy(lua_State *L, int mt) {
    ShimWork work = {L, 0};
    int protected = 0;
    lua_createtable(L, 0, 8);
    int copy = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, mt)) { // key at -2, value at -1
        shim_step(&work);
        if (lua_type(L, -2) == LUA_TSTRING) {
            const char *key = lua_tostring(L, -2);
            for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
                if (strcmp(key, refused[i].name) == 0) luaL_error(L, "%s", refused[i].why);
            if (strcmp(key, "__call") == 0 && !lua_isfunction(L, -1))
                luaL_error(L, "__call must be a function in checks (not a %s)", luaL_typename(L, -1));
            if (strcmp(key, "__metatable") == 0) protected = 1;
        }
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, copy);
    }
    if (!protected) {
        lua_pushvalue(L, mt);
        lua_setfield(L, copy, "__metatable");
        lua_pushboolean(L, 1);
        lua_rawsetp(L, copy, &replaceable);
    }
}

int shim_setmetatable(lua_State *L) {
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (lua_getmetatable(L, 1)) {
        int ours = lua_rawgetp(L, -1, &replaceable) != LUA_TNIL;
        lua_pop(L, 1);
        lua_pushliteral(L, "__metatable");
        if (!ours && lua_rawget(L, -2) != LUA_TNIL) return luaL_error(L, "cannot change a protected metatable");
    }
    lua_settop(L, 2);
    if (t == LUA_TTABLE) {
        push_frozen_copy(L, 2);
        lua_replace(L, 2);
    }
    lua_setmetatable(L, 1);
    return 1;
}
