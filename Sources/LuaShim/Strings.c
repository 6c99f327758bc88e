// Strings.c: string.rep, bounded. Lua's own copies n times whatever it copies, so
// string.rep("", math.maxinteger) loops 2^63 times in C without allocating a byte.
#include "Internal.h"

#include <string.h>

#define MAX_SIZE ((size_t)LUA_MAXINTEGER)

// string.rep(s, n [, sep]): n copies of s separated by sep. The result's size is known before
// anything is copied: nothing to repeat is the empty string at once, a result larger than Lua
// allows is an error, one larger than the memory cap fails its allocation, and the copy itself
// doubles what is written (about log2(n) copies, charged by the byte).
int shim_string_rep(lua_State *L) {
    size_t l, lsep;
    const char *s = luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    const char *sep = luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || (l == 0 && lsep == 0)) {
        lua_pushliteral(L, "");
        return 1;
    }
    size_t unit = l + lsep;
    if (unit < l || unit > MAX_SIZE / (size_t)n) return luaL_error(L, "resulting string too large");
    size_t body = (size_t)(n - 1) * unit; // n - 1 copies of s .. sep, then s
    size_t total = body + l;
    LuaShim_State *S = shim_state(L);
    if (S->limits.memory_bytes && total > S->limits.memory_bytes) {
        shim_stop(S, LuaShim_StopMemory);
        return luaL_error(L, "%s", shim_stop_message(S->stop));
    }
    shim_charge(L, 1 + total / LUASHIM_BYTES_PER_UNIT);
    luaL_Buffer b;
    char *p = luaL_buffinitsize(L, &b, total);
    if (body > 0) {
        memcpy(p, s, l);
        memcpy(p + l, sep, lsep);
        for (size_t done = unit; done < body;) {
            size_t chunk = done < body - done ? done : body - done;
            memcpy(p + done, p, chunk);
            done += chunk;
        }
    }
    memcpy(p + body, s, l);
    luaL_pushresultsize(&b, total);
    return 1;
}
