// Codec.c: values between Lua and the host, in the encoding described in LuaShim.h.
#include "Internal.h"

#include <string.h>

static int put_tag(LuaShim_Buffer *b, char tag) { return LuaShim_append(b, &tag, 1); }
static int put_u32(LuaShim_Buffer *b, uint32_t v) { return LuaShim_append(b, &v, sizeof v); }

// MARK: - Lua → bytes

typedef struct {
    LuaShim_State *S;
    lua_State *L;
    int functions;
    ShimWork work; // a table of a million keys is a C loop the hook never sees
} Encoder;

static void encode(Encoder *e, int index, int depth);

static void encode_table(Encoder *e, int index, int depth) {
    lua_State *L = e->L;
    LuaShim_Buffer *b = &e->S->scratch;
    if (depth >= LUASHIM_MAX_DEPTH) luaL_error(L, "table nesting deeper than %d (a cycle?)", LUASHIM_MAX_DEPTH);
    luaL_checkstack(L, 3, "table too deep");
    size_t count_at = b->length;
    uint32_t pairs = 0;
    if (put_tag(b, 'T') || put_u32(b, 0)) luaL_error(L, "out of memory");
    lua_pushnil(L);
    while (lua_next(L, index)) { // raw: no metamethod runs
        int top = lua_gettop(L);
        encode(e, top - 1, depth + 1);
        encode(e, top, depth + 1);
        lua_pop(L, 1);
        pairs++;
    }
    memcpy(b->bytes + count_at + 1, &pairs, sizeof pairs);
}

static void encode(Encoder *e, int index, int depth) {
    lua_State *L = e->L;
    LuaShim_Buffer *b = &e->S->scratch;
    int failed = 0;
    shim_step(&e->work);
    if (b->length > LUASHIM_MAX_ENCODED) luaL_error(L, "value too large to pass to the host (more than %d MiB)", LUASHIM_MAX_ENCODED >> 20);
    switch (lua_type(L, index)) {
    case LUA_TNIL: failed = put_tag(b, 'n'); break;
    case LUA_TBOOLEAN: failed = put_tag(b, lua_toboolean(L, index) ? 't' : 'f'); break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, index)) {
            int64_t v = lua_tointeger(L, index);
            failed = put_tag(b, 'i') || LuaShim_append(b, &v, sizeof v);
        } else {
            double v = lua_tonumber(L, index);
            failed = put_tag(b, 'd') || LuaShim_append(b, &v, sizeof v);
        }
        break;
    case LUA_TSTRING: {
        size_t length;
        const char *s = lua_tolstring(L, index, &length); // a string: no conversion, no allocation
        if (length > LUASHIM_MAX_ENCODED) luaL_error(L, "string too large to pass to the host (more than %d MiB)", LUASHIM_MAX_ENCODED >> 20);
        failed = put_tag(b, 's') || put_u32(b, (uint32_t)length) || LuaShim_append(b, s, length);
        break;
    }
    case LUA_TTABLE: encode_table(e, lua_absindex(L, index), depth); return;
    case LUA_TFUNCTION:
        if (e->functions) {
            lua_pushvalue(L, index);
            int32_t ref = luaL_ref(L, LUA_REGISTRYINDEX);
            failed = put_tag(b, 'F') || LuaShim_append(b, &ref, sizeof ref);
            break;
        }
        /* fall through */
    default:
        luaL_error(L, "a %s value cannot be passed to the host", luaL_typename(L, index));
    }
    if (failed) luaL_error(L, "out of memory");
}

void shim_encode_list(LuaShim_State *S, lua_State *L, int first, int last, int functions) {
    Encoder e = {S, L, functions, {L, 0}};
    S->scratch.length = 0;
    uint32_t count = last >= first ? (uint32_t)(last - first + 1) : 0;
    if (put_u32(&S->scratch, count)) luaL_error(L, "out of memory");
    for (int i = first; i <= last; i++) encode(&e, i, 0);
}

// MARK: - Bytes → Lua

typedef struct {
    const uint8_t *p, *end;
} Reader;

static int read_bytes(Reader *r, void *out, size_t n) {
    if ((size_t)(r->end - r->p) < n) return -1;
    memcpy(out, r->p, n);
    r->p += n;
    return 0;
}

// Counts come from the host, but are still checked against the bytes left before anything is
// sized from them: a value takes at least one byte, a pair two.
static void decode(lua_State *L, Reader *r, int depth) {
    char tag;
    uint32_t n;
    if (depth > LUASHIM_MAX_DEPTH) luaL_error(L, "host value nested too deeply");
    luaL_checkstack(L, 3, "host value nested too deeply");
    if (read_bytes(r, &tag, 1)) luaL_error(L, "truncated host value");
    switch (tag) {
    case 'n': lua_pushnil(L); return;
    case 'f': lua_pushboolean(L, 0); return;
    case 't': lua_pushboolean(L, 1); return;
    case 'i': {
        int64_t v;
        if (read_bytes(r, &v, sizeof v)) break;
        lua_pushinteger(L, (lua_Integer)v);
        return;
    }
    case 'd': {
        double v;
        if (read_bytes(r, &v, sizeof v)) break;
        lua_pushnumber(L, v);
        return;
    }
    case 's':
        if (read_bytes(r, &n, sizeof n) || (size_t)(r->end - r->p) < n) break;
        lua_pushlstring(L, (const char *)r->p, n);
        r->p += n;
        return;
    case 'A':
        if (read_bytes(r, &n, sizeof n) || (size_t)(r->end - r->p) < n) break;
        lua_createtable(L, (int)(n < 1u << 20 ? n : 0), 0);
        for (uint32_t i = 1; i <= n; i++) {
            decode(L, r, depth + 1);
            lua_rawseti(L, -2, (lua_Integer)i);
        }
        return;
    case 'T':
        if (read_bytes(r, &n, sizeof n) || (size_t)(r->end - r->p) / 2 < n) break;
        lua_createtable(L, 0, (int)(n < 1u << 20 ? n : 0));
        for (uint32_t i = 0; i < n; i++) {
            decode(L, r, depth + 1);
            decode(L, r, depth + 1);
            if (lua_isnil(L, -2) || lua_isnil(L, -1)) lua_pop(L, 2); // JSON null: absent, as SQL NULL reads nil
            else lua_rawset(L, -3);
        }
        return;
    case 'F': {
        int32_t ref;
        if (read_bytes(r, &ref, sizeof ref)) break;
        lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
        return;
    }
    }
    luaL_error(L, "malformed host value");
}

int shim_decode_list(lua_State *L, const uint8_t *bytes, size_t length) {
    Reader r = {bytes, bytes + length};
    uint32_t count;
    if (read_bytes(&r, &count, sizeof count) || (size_t)(r.end - r.p) < count) luaL_error(L, "malformed host value list");
    luaL_checkstack(L, (int)(count < 250 ? count + 5 : 255), "too many values from the host");
    for (uint32_t i = 0; i < count; i++) {
        luaL_checkstack(L, 5, "too many values from the host");
        decode(L, &r, 0);
    }
    return (int)count;
}
