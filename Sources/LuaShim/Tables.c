// Tables.c: the table library's loops, bounded. Lua's own trust the list's length, which a
// __len metamethod can make 2^63, and then loop in C where the count hook never looks. Here every
// element touched is a unit of the instruction budget, and a loop longer than the budget can pay
// is refused before its first step (shim_reserve). Semantics are the manual's (§6.6), elements
// are read and written through their metamethods as Lua does; sort is a stable merge sort.
#include "Internal.h"

#include <limits.h>

#define TAB_R 1 // read: __index
#define TAB_W 2 // write: __newindex
#define TAB_L 4 // length: __len

// The list argument is a table, or a value whose metatable has what the operation needs.
static void check_table(lua_State *L, int arg, int what) {
    if (lua_type(L, arg) == LUA_TTABLE) return;
    int pushed = 1;
    if (lua_getmetatable(L, arg)) {
        int ok = 1;
        if (what & TAB_R) ok &= lua_getfield(L, -(pushed++), "__index") != LUA_TNIL;
        if (what & TAB_W) ok &= lua_getfield(L, -(pushed++), "__newindex") != LUA_TNIL;
        if (what & TAB_L) ok &= lua_getfield(L, -(pushed++), "__len") != LUA_TNIL;
        lua_pop(L, pushed);
        if (ok) return;
    }
    luaL_checktype(L, arg, LUA_TTABLE); // raises "table expected, got …"
}

static lua_Unsigned span(lua_Integer from, lua_Integer to) { return (lua_Unsigned)to - (lua_Unsigned)from; }

// MARK: - insert, remove, move

int shim_table_insert(lua_State *L) {
    check_table(L, 1, TAB_R | TAB_W | TAB_L);
    lua_Integer e = (lua_Integer)((lua_Unsigned)luaL_len(L, 1) + 1u); // the first empty slot
    lua_Integer pos;
    switch (lua_gettop(L)) {
    case 2: pos = e; break;
    case 3: {
        pos = luaL_checkinteger(L, 2);
        luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2, "position out of bounds");
        shim_reserve(L, span(pos, e));
        ShimWork work = {L, 0};
        for (lua_Integer i = e; i > pos; i--) { // list[i] = list[i - 1]
            shim_step(&work);
            lua_geti(L, 1, i - 1);
            lua_seti(L, 1, i);
        }
        break;
    }
    default: return luaL_error(L, "wrong number of arguments to 'insert'");
    }
    lua_seti(L, 1, pos);
    return 0;
}

int shim_table_remove(lua_State *L) {
    check_table(L, 1, TAB_R | TAB_W | TAB_L);
    lua_Integer size = luaL_len(L, 1);
    lua_Integer pos = luaL_optinteger(L, 2, size);
    if (pos != size) luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 2, "position out of bounds");
    lua_geti(L, 1, pos); // the result
    if (pos < size) shim_reserve(L, span(pos, size));
    ShimWork work = {L, 0};
    for (; pos < size; pos++) { // list[pos] = list[pos + 1]
        shim_step(&work);
        lua_geti(L, 1, pos + 1);
        lua_seti(L, 1, pos);
    }
    lua_pushnil(L);
    lua_seti(L, 1, pos);
    return 1;
}

int shim_table_move(lua_State *L) {
    lua_Integer f = luaL_checkinteger(L, 2);
    lua_Integer e = luaL_checkinteger(L, 3);
    lua_Integer t = luaL_checkinteger(L, 4);
    int tt = !lua_isnoneornil(L, 5) ? 5 : 1; // the destination table
    check_table(L, 1, TAB_R);
    check_table(L, tt, TAB_W);
    if (e >= f) {
        luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
        lua_Integer n = e - f + 1;
        luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
        shim_reserve(L, (lua_Unsigned)n);
        ShimWork work = {L, 0};
        if (t > e || t <= f || (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ))) {
            for (lua_Integer i = 0; i < n; i++) {
                shim_step(&work);
                lua_geti(L, 1, f + i);
                lua_seti(L, tt, t + i);
            }
        } else { // overlapping, destination after the source: copy from the end
            for (lua_Integer i = n - 1; i >= 0; i--) {
                shim_step(&work);
                lua_geti(L, 1, f + i);
                lua_seti(L, tt, t + i);
            }
        }
    }
    lua_pushvalue(L, tt);
    return 1;
}

// MARK: - concat, unpack

int shim_table_concat(lua_State *L) {
    check_table(L, 1, TAB_R | TAB_L);
    size_t lsep;
    const char *sep = luaL_optlstring(L, 2, "", &lsep);
    lua_Integer i = luaL_optinteger(L, 3, 1);
    lua_Integer last = luaL_opt(L, luaL_checkinteger, 4, luaL_len(L, 1));
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    if (i <= last) {
        lua_Unsigned n = span(i, last);
        shim_reserve(L, n == (lua_Unsigned)-1 ? n : n + 1);
        ShimWork work = {L, 0};
        uint64_t bytes = 0;
        for (;; i++) {
            shim_step(&work);
            lua_geti(L, 1, i);
            if (!lua_isstring(L, -1))
                return luaL_error(L, "invalid value (at index %I) in table for 'concat'", (LUAI_UACINT)i);
            bytes += lua_rawlen(L, -1) + lsep; // a number's length is 0 here: a few bytes uncharged
            luaL_addvalue(&b);
            if (i == last) break;
            luaL_addlstring(&b, sep, lsep);
            if (bytes >= 1u << 16) {
                shim_charge(L, bytes / LUASHIM_BYTES_PER_UNIT);
                bytes = 0;
            }
        }
    }
    luaL_pushresult(&b);
    return 1;
}

int shim_table_unpack(lua_State *L) {
    lua_Integer i = luaL_optinteger(L, 2, 1);
    lua_Integer e = luaL_opt(L, luaL_checkinteger, 3, luaL_len(L, 1));
    if (i > e) return 0;
    lua_Unsigned n = span(i, e);
    if (n >= (unsigned int)INT_MAX || !lua_checkstack(L, (int)(++n))) return luaL_error(L, "too many results to unpack");
    shim_reserve(L, n);
    ShimWork work = {L, 0};
    for (; i < e; i++) {
        shim_step(&work);
        lua_geti(L, 1, i);
    }
    lua_geti(L, 1, e);
    return (int)n;
}

// MARK: - sort

// Whether the value at `a` sorts before the one at `b`: the comparator (stack index 2) or `<`.
static int less(lua_State *L, int a, int b) {
    if (lua_isnil(L, 2)) return lua_compare(L, a, b, LUA_OPLT);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, a);
    lua_pushvalue(L, b);
    lua_call(L, 2, 1);
    int result = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return result;
}

// Merges the sorted runs src[lo, mid) and src[mid, hi) into dst[lo, hi); a tie keeps the left
// element first, so the sort is stable.
static void merge(lua_State *L, ShimWork *work, int src, int dst, lua_Integer lo, lua_Integer mid, lua_Integer hi) {
    lua_Integer a = lo, b = mid, k = lo;
    while (a < mid && b < hi) {
        shim_step(work);
        lua_rawgeti(L, src, a);
        lua_rawgeti(L, src, b);
        int top = lua_gettop(L);
        if (less(L, top, top - 1)) { // right strictly before left
            lua_rawseti(L, dst, k++);
            lua_pop(L, 1);
            b++;
        } else {
            lua_pop(L, 1);
            lua_rawseti(L, dst, k++);
            a++;
        }
    }
    for (; a < mid; a++, k++) {
        lua_rawgeti(L, src, a);
        lua_rawseti(L, dst, k);
    }
    for (; b < hi; b++, k++) {
        lua_rawgeti(L, src, b);
        lua_rawseti(L, dst, k);
    }
}

int shim_table_sort(lua_State *L) {
    check_table(L, 1, TAB_R | TAB_W | TAB_L);
    lua_Integer n = luaL_len(L, 1);
    if (n <= 1) return 0;
    luaL_argcheck(L, n < INT_MAX, 1, "array too big");
    if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    uint64_t passes = 0;
    for (lua_Integer width = 1; width < n; width *= 2) passes++;
    shim_reserve(L, (uint64_t)n * (passes + 2)); // n·⌈log2 n⌉ comparisons, reading and writing back
    ShimWork work = {L, 0};
    lua_createtable(L, (int)n, 0); // 3: the elements, read once through the list's metamethods
    lua_createtable(L, (int)n, 0); // 4: where a pass merges to
    for (lua_Integer i = 1; i <= n; i++) {
        shim_step(&work);
        lua_geti(L, 1, i);
        lua_rawseti(L, 3, i);
    }
    int src = 3, dst = 4;
    for (lua_Integer width = 1; width < n; width *= 2) {
        for (lua_Integer lo = 1; lo <= n; lo += 2 * width) {
            lua_Integer mid = lo + width <= n + 1 ? lo + width : n + 1;
            lua_Integer hi = lo + 2 * width <= n + 1 ? lo + 2 * width : n + 1;
            merge(L, &work, src, dst, lo, mid, hi);
        }
        int swap = src;
        src = dst;
        dst = swap;
    }
    for (lua_Integer i = 1; i <= n; i++) {
        shim_step(&work);
        lua_rawgeti(L, src, i);
        lua_seti(L, 1, i);
    }
    return 0;
}
