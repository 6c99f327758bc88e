// LuaShim: sandboxed Lua states for Assay's checks. See include/LuaShim.h for why it exists.
#include "LuaShim.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LUASHIM_HOOK_PERIOD 1000      // instructions between two looks at the limits
#define LUASHIM_MAX_DEPTH 64          // nesting of tables crossing the boundary
#define LUASHIM_MAX_ENCODED (16u << 20) // bytes of one encoded value list

struct LuaShim_State {
    lua_State *L;
    LuaShim_Limits limits;
    LuaShim_Stop stop;
    uint64_t instructions;
    size_t used, peak;
    LuaShim_Host host;
    void *context;
    LuaShim_Buffer scratch; // results and messages handed to Swift
    LuaShim_Buffer reply;   // what the host answers
    LuaShim_Buffer compiled; // the compiled form of a chunk, when asked to keep it
    // Arguments of the protected entry points.
    const char *chunk;
    size_t chunk_length;
    const char *chunk_name;
    LuaShim_ChunkMode chunk_mode;
    int ref;
    const uint8_t *args;
    size_t args_length;
};

static LuaShim_State *state_of(lua_State *L) { return *(LuaShim_State **)lua_getextraspace(L); }

static uint64_t monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

// MARK: - Buffers

int LuaShim_append(LuaShim_Buffer *b, const void *bytes, size_t length) {
    if (b->length + length > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 256;
        while (capacity < b->length + length) capacity *= 2;
        uint8_t *grown = realloc(b->bytes, capacity);
        if (!grown) return -1;
        b->bytes = grown;
        b->capacity = capacity;
    }
    if (length) memcpy(b->bytes + b->length, bytes, length);
    b->length += length;
    return 0;
}

static int put_tag(LuaShim_Buffer *b, char tag) { return LuaShim_append(b, &tag, 1); }
static int put_u32(LuaShim_Buffer *b, uint32_t v) { return LuaShim_append(b, &v, sizeof v); }

// MARK: - Limits: allocator and count hook

static void shim_hook(lua_State *L, lua_Debug *ar);

static void *shim_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    LuaShim_State *S = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        S->used -= old;
        return NULL;
    }
    if (S->limits.memory_bytes && nsize > old && S->used - old + nsize > S->limits.memory_bytes) {
        if (S->stop == LuaShim_StopNone && S->L) {
            S->stop = LuaShim_StopMemory;
            lua_sethook(S->L, shim_hook, LUA_MASKCOUNT, 1); // lua_sethook is safe anywhere, even here
        }
        return NULL;
    }
    void *block = realloc(ptr, nsize);
    if (!block) return NULL;
    S->used = S->used - old + nsize;
    if (S->used > S->peak) S->peak = S->used;
    return block;
}

static const char *stop_message(LuaShim_Stop stop) {
    switch (stop) {
    case LuaShim_StopMemory: return "check stopped: memory limit exceeded";
    case LuaShim_StopInstructions: return "check stopped: instruction budget exhausted";
    case LuaShim_StopDeadline: return "check stopped: deadline passed";
    default: return "check stopped";
    }
}

// Once a state is stopped the hook fires on every instruction, so an error caught by a
// script's pcall is raised again at its next instruction until nothing is left to run.
static void shim_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    LuaShim_State *S = state_of(L);
    if (S->stop == LuaShim_StopNone) {
        S->instructions += LUASHIM_HOOK_PERIOD;
        if (S->limits.instructions && S->instructions > S->limits.instructions)
            S->stop = LuaShim_StopInstructions;
        else if (S->limits.deadline_ns && monotonic_ns() >= S->limits.deadline_ns)
            S->stop = LuaShim_StopDeadline;
        else
            return;
    }
    lua_sethook(L, shim_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "%s", stop_message(S->stop));
}

// The allocator cannot raise; it only marks the state. Re-arm the hook at every boundary.
static void arm_stop_hook(LuaShim_State *S) {
    if (S->stop != LuaShim_StopNone) lua_sethook(S->L, shim_hook, LUA_MASKCOUNT, 1);
}

// MARK: - Encoding: Lua → bytes   [-0, +0, m]

static int encode(LuaShim_State *S, lua_State *L, int index, int depth, int functions);

static int encode_table(LuaShim_State *S, lua_State *L, int index, int depth, int functions) {
    LuaShim_Buffer *b = &S->scratch;
    if (depth >= LUASHIM_MAX_DEPTH) return luaL_error(L, "table nesting deeper than %d (a cycle?)", LUASHIM_MAX_DEPTH);
    luaL_checkstack(L, 3, "table too deep");
    size_t count_at = b->length;
    uint32_t pairs = 0;
    if (put_tag(b, 'T') || put_u32(b, 0)) return luaL_error(L, "out of memory");
    lua_pushnil(L);
    while (lua_next(L, index)) {
        int top = lua_gettop(L);
        encode(S, L, top - 1, depth + 1, functions);
        encode(S, L, top, depth + 1, functions);
        lua_pop(L, 1);
        pairs++;
    }
    memcpy(b->bytes + count_at + 1, &pairs, sizeof pairs);
    return 0;
}

static int encode(LuaShim_State *S, lua_State *L, int index, int depth, int functions) {
    LuaShim_Buffer *b = &S->scratch;
    int failed = 0;
    if (b->length > LUASHIM_MAX_ENCODED) return luaL_error(L, "value too large to pass to the host");
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
        if (length > LUASHIM_MAX_ENCODED) return luaL_error(L, "string too large to pass to the host");
        failed = put_tag(b, 's') || put_u32(b, (uint32_t)length) || LuaShim_append(b, s, length);
        break;
    }
    case LUA_TTABLE: return encode_table(S, L, lua_absindex(L, index), depth, functions);
    case LUA_TFUNCTION:
        if (functions) {
            lua_pushvalue(L, index);
            int32_t ref = luaL_ref(L, LUA_REGISTRYINDEX);
            failed = put_tag(b, 'F') || LuaShim_append(b, &ref, sizeof ref);
            break;
        }
        /* fall through */
    default:
        return luaL_error(L, "a %s value cannot be passed to the host", luaL_typename(L, index));
    }
    if (failed) return luaL_error(L, "out of memory");
    return 0;
}

// Encodes the values at stack positions [first, last] as a value list into S->scratch.
static void encode_list(LuaShim_State *S, lua_State *L, int first, int last, int functions) {
    S->scratch.length = 0;
    uint32_t count = last >= first ? (uint32_t)(last - first + 1) : 0;
    if (put_u32(&S->scratch, count)) luaL_error(L, "out of memory");
    for (int i = first; i <= last; i++) encode(S, L, i, 0, functions);
}

// MARK: - Decoding: bytes → Lua   [-0, +1, m]

typedef struct { const uint8_t *p, *end; } Reader;

static int read_bytes(Reader *r, void *out, size_t n) {
    if ((size_t)(r->end - r->p) < n) return -1;
    memcpy(out, r->p, n);
    r->p += n;
    return 0;
}

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
        if (read_bytes(r, &n, sizeof n)) break;
        lua_createtable(L, (int)(n < 1u << 20 ? n : 0), 0);
        for (uint32_t i = 1; i <= n; i++) {
            decode(L, r, depth + 1);
            lua_rawseti(L, -2, (lua_Integer)i);
        }
        return;
    case 'T':
        if (read_bytes(r, &n, sizeof n)) break;
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

// Pushes an encoded value list; returns how many values were pushed.
static int decode_list(lua_State *L, const uint8_t *bytes, size_t length) {
    Reader r = {bytes, bytes + length};
    uint32_t count;
    if (read_bytes(&r, &count, sizeof count)) luaL_error(L, "malformed host value list");
    luaL_checkstack(L, (int)(count < 250 ? count + 5 : 255), "too many values from the host");
    for (uint32_t i = 0; i < count; i++) decode(L, &r, 0);
    return (int)count;
}

// MARK: - The host function   __assay_host(...)

// Finds the innermost frame of check code (skipping C functions and the "=assay" prelude).
static void script_position(lua_State *L, const char **source, int *line) {
    lua_Debug ar;
    *source = "?";
    *line = 0;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar)) continue;
        if (ar.currentline <= 0 || strcmp(ar.source, "=assay") == 0) continue;
        *source = ar.source[0] == '@' || ar.source[0] == '=' ? ar.source + 1 : ar.short_src;
        *line = ar.currentline;
        return;
    }
}

static int shim_host(lua_State *L) {
    LuaShim_State *S = state_of(L);
    if (S->stop != LuaShim_StopNone) return luaL_error(L, "%s", stop_message(S->stop));
    if (S->limits.deadline_ns && monotonic_ns() >= S->limits.deadline_ns) {
        S->stop = LuaShim_StopDeadline;
        arm_stop_hook(S);
        return luaL_error(L, "%s", stop_message(S->stop));
    }
    const char *source;
    int line;
    script_position(L, &source, &line);
    encode_list(S, L, 1, lua_gettop(L), 0);
    S->reply.length = 0;
    int status = S->host(S->context, S->scratch.bytes, S->scratch.length, source, line, &S->reply);
    arm_stop_hook(S);
    if (status != 0) {
        lua_pushfstring(L, "%s:%d: ", source, line);
        lua_pushlstring(L, (const char *)S->reply.bytes, S->reply.length);
        lua_concat(L, 2);
        return lua_error(L);
    }
    return decode_list(L, S->reply.bytes, S->reply.length);
}

// MARK: - Opening the sandbox

static const char *const removed_globals[] = {"load", "loadfile", "dofile", "require", "collectgarbage", "print",
                                              "warn", NULL};

static int open_sandbox(lua_State *L) {
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    lua_pop(L, 5);
    for (const char *const *name = removed_globals; *name; name++) {
        lua_pushnil(L);
        lua_setglobal(L, *name);
    }
    lua_getglobal(L, LUA_STRLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 1);
    // luaL_requiref records every library in package.loaded (the registry's _LOADED); drop it
    // so nothing reachable names a library we did not open.
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushcfunction(L, shim_host);
    lua_setglobal(L, "__assay_host");
    return 0;
}

static int panic(lua_State *L) {
    // Unreachable by design: every call into Lua is protected. Say so loudly if it ever happens.
    fprintf(stderr, "assay: unprotected Lua error: %s\n", lua_tostring(L, -1) ? lua_tostring(L, -1) : "?");
    return 0; // Lua aborts
}

LuaShim_State *LuaShim_open(LuaShim_Limits limits, LuaShim_Host host, void *context) {
    LuaShim_State *S = calloc(1, sizeof *S);
    if (!S) return NULL;
    S->limits = limits;
    S->host = host;
    S->context = context;
    lua_State *L = lua_newstate(shim_alloc, S);
    if (!L) {
        free(S);
        return NULL;
    }
    S->L = L;
    *(LuaShim_State **)lua_getextraspace(L) = S;
    lua_atpanic(L, panic);
    lua_sethook(L, shim_hook, LUA_MASKCOUNT, LUASHIM_HOOK_PERIOD);
    lua_pushcfunction(L, open_sandbox);
    if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
        LuaShim_close(S);
        return NULL;
    }
    return S;
}

// MARK: - Running code

// Copies the error at the top of the stack into S->scratch as text, without converting
// (a conversion could allocate outside protection).
static void take_error(LuaShim_State *S) {
    lua_State *L = S->L;
    char text[64];
    const char *message;
    size_t length;
    switch (lua_type(L, -1)) {
    case LUA_TSTRING: message = lua_tolstring(L, -1, &length); break;
    case LUA_TNUMBER:
        length = (size_t)snprintf(text, sizeof text, "%.14g", lua_tonumber(L, -1));
        message = text;
        break;
    default:
        length = (size_t)snprintf(text, sizeof text, "(error object is a %s value)", luaL_typename(L, -1));
        message = text;
    }
    S->scratch.length = 0;
    if (S->stop != LuaShim_StopNone) {
        message = stop_message(S->stop);
        length = strlen(message);
    }
    LuaShim_append(&S->scratch, message, length);
    lua_pop(L, 1);
}

static int dump_writer(lua_State *L, const void *bytes, size_t length, void *buffer) {
    (void)L;
    return LuaShim_append(buffer, bytes, length);
}

static int protected_run(lua_State *L) {
    LuaShim_State *S = state_of(L);
    const char *mode = S->chunk_mode == LuaShim_Compiled ? "b" : "t";
    int status = luaL_loadbufferx(L, S->chunk, S->chunk_length, S->chunk_name, mode);
    if (status != LUA_OK) return lua_error(L);
    if (S->chunk_mode == LuaShim_TextKeepCompiled) {
        S->compiled.length = 0;
        if (lua_dump(L, dump_writer, &S->compiled, 0) != 0) return luaL_error(L, "out of memory");
    }
    lua_call(L, 0, LUA_MULTRET);
    encode_list(S, L, 1, lua_gettop(L), 1);
    return 0;
}

static int protected_call(lua_State *L) {
    LuaShim_State *S = state_of(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, S->ref);
    if (!lua_isfunction(L, -1)) return luaL_error(L, "not a function reference");
    int count = decode_list(L, S->args, S->args_length);
    lua_call(L, count, LUA_MULTRET);
    encode_list(S, L, 1, lua_gettop(L), 1);
    return 0;
}

static int run_protected(LuaShim_State *S, lua_CFunction function, const uint8_t **out, size_t *out_length) {
    lua_State *L = S->L;
    lua_settop(L, 0);
    arm_stop_hook(S);
    lua_pushcfunction(L, function);
    int status = lua_pcall(L, 0, 0, 0);
    if (status == LUA_OK && S->stop != LuaShim_StopNone) status = LUA_ERRRUN;
    if (status != LUA_OK) {
        if (lua_gettop(L) == 0) lua_pushliteral(L, "check stopped");
        take_error(S);
    }
    lua_settop(L, 0);
    *out = S->scratch.bytes;
    *out_length = S->scratch.length;
    return status;
}

int LuaShim_run(LuaShim_State *S, const char *chunk, size_t length, const char *name, LuaShim_ChunkMode mode,
                const uint8_t **out, size_t *out_length) {
    S->chunk = chunk;
    S->chunk_length = length;
    S->chunk_name = name;
    S->chunk_mode = mode;
    return run_protected(S, protected_run, out, out_length);
}

int LuaShim_call(LuaShim_State *S, int ref, const uint8_t *args, size_t length, const uint8_t **out,
                 size_t *out_length) {
    S->ref = ref;
    S->args = args;
    S->args_length = length;
    return run_protected(S, protected_call, out, out_length);
}

void LuaShim_compiled(const LuaShim_State *S, const uint8_t **out, size_t *out_length) {
    *out = S->compiled.bytes;
    *out_length = S->compiled.length;
}

LuaShim_Stop LuaShim_stop_reason(const LuaShim_State *S) { return S->stop; }
uint64_t LuaShim_instructions(const LuaShim_State *S) { return S->instructions; }
size_t LuaShim_memory_peak(const LuaShim_State *S) { return S->peak; }

void LuaShim_close(LuaShim_State *S) {
    if (!S) return;
    if (S->L) lua_close(S->L); // finalizers run protected, still under the hook and the allocator cap
    free(S->scratch.bytes);
    free(S->reply.bytes);
    free(S->compiled.bytes);
    free(S);
}
