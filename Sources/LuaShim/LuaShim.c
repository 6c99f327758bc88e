// LuaShim: sandboxed Lua states for Assay's checks: opening and closing, protected entry points,
// and the host function. See include/LuaShim.h for why it exists.
#define _POSIX_C_SOURCE 200809L // clock_gettime
#include "Internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t shim_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

// MARK: - Buffers

int LuaShim_append(LuaShim_Buffer *b, const void *bytes, size_t length) {
    if (length > SIZE_MAX / 4 - b->length) return -1;
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

// MARK: - The host function   host(operation, ...)

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

// Encodes the arguments, asks the host, decodes its answer: in a protected call of its own, so
// that shim_host always clears `in_host`, whatever raises in between. The reply buffer is read
// only here, and no nested host call can reach it (shim_host refuses those), so nothing frees it
// while it is decoded.   [-(n), +r, e]
static int exchange(lua_State *L) {
    LuaShim_State *S = shim_state(L);
    LuaShim_HostOp operation = (LuaShim_HostOp)lua_tointeger(L, 1);
    const char *source;
    int line;
    script_position(L, &source, &line);
    if (operation == LuaShim_HostOpLine) {
        lua_pushinteger(L, line);
        return 1;
    }
    shim_encode_list(S, L, 2, lua_gettop(L), 0);
    S->reply.length = 0;
    LuaShim_HostStatus status =
        S->host(S->context, operation, S->scratch.bytes, S->scratch.length, source, line, &S->reply);
    if (status != LuaShim_HostValues) {
        if (status == LuaShim_HostStop) shim_stop(S, LuaShim_StopHost);
        lua_pushfstring(L, "%s:%d: ", source, line);
        lua_pushlstring(L, (const char *)S->reply.bytes, S->reply.length);
        lua_concat(L, 2);
        return lua_error(L);
    }
    int top = lua_gettop(L);
    shim_decode_list(L, S->reply.bytes, S->reply.length);
    return lua_gettop(L) - top;
}

static int shim_host(lua_State *L) {
    LuaShim_State *S = shim_state(L);
    if (S->closed) return luaL_error(L, "the check has ended: ctx can no longer be used");
    if (S->in_host) return luaL_error(L, "the host cannot be called while it answers a call");
    lua_Integer operation = luaL_checkinteger(L, 1);
    switch (operation) {
#define LUASHIM_KNOWN_OPERATION(name, value, lua) case value:
        LUASHIM_HOST_OPERATIONS(LUASHIM_KNOWN_OPERATION)
#undef LUASHIM_KNOWN_OPERATION
        break;
    default: return luaL_error(L, "unknown host operation %d", (int)operation);
    }
    shim_charge(L, 1); // raises when stopped or past the deadline
    S->in_host = 1;
    lua_pushcfunction(L, exchange);
    lua_insert(L, 1);
    int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    S->in_host = 0;
    shim_arm_stop_hook(S);
    if (status != LUA_OK) return lua_error(L);
    return lua_gettop(L);
}

// MARK: - Opening and closing

static int panic(lua_State *L) {
    // Unreachable by design: every call into Lua is protected. Say so loudly if it ever happens.
    fprintf(stderr, "assay: unprotected Lua error: %s\n", lua_tostring(L, -1) ? lua_tostring(L, -1) : "?");
    return 0; // Lua aborts
}

static int open_sandbox(lua_State *L) {
    shim_open_globals(L);
    return 0;
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

void LuaShim_close(LuaShim_State *S) {
    if (!S) return;
    S->closed = 1;
    // Lua turns hooks off while it runs finalizers, so a looping __gc could never be stopped: a
    // check cannot make one (setmetatable refuses __gc, Metatables.c). The only finalizers left
    // are Lua's own C ones (buffer boxes), which free memory and call nothing.
    if (S->L) lua_close(S->L);
    free(S->scratch.bytes);
    free(S->reply.bytes);
    free(S->compiled.bytes);
    free(S->kept.bytes);
    free(S);
}

// MARK: - Running code

// Copies the error at the top of the stack into S->scratch as text, without converting (a
// conversion could allocate outside protection, or run a __tostring). Long messages are cut:
// a check's error message becomes a finding the host keeps.
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
    if (S->stop != LuaShim_StopNone && S->stop != LuaShim_StopHost) {
        message = shim_stop_message(S->stop);
        length = strlen(message);
    }
    if (length > LUASHIM_MAX_MESSAGE) {
        LuaShim_append(&S->scratch, message, LUASHIM_MAX_MESSAGE);
        LuaShim_append(&S->scratch, "… (message cut)", strlen("… (message cut)"));
    } else {
        LuaShim_append(&S->scratch, message, length);
    }
    lua_pop(L, 1);
}

static int dump_writer(lua_State *L, const void *bytes, size_t length, void *buffer) {
    (void)L;
    return LuaShim_append(buffer, bytes, length);
}

// The prelude's loaded main function, kept in the registry under this key (and its compiled
// form in S->kept) so that a state reused by a pool (Reset.c keeps this one entry) calls it again
// without loading it again. Only the compiled prelude is kept: a chunk run `give_host` from its
// compiled form. Its one upvalue, _ENV, is set to the state's current globals at every call; its
// locals are made afresh by each call, and a function's prototype cannot be changed from Lua.
const char shim_kept_prelude_key = 0;

// Pushes the kept prelude when `S->chunk` is the same compiled form; else nothing.   [-0, +(0|1), -]
static int push_kept_prelude(lua_State *L, LuaShim_State *S) {
    if (S->kept.length != S->chunk_length || memcmp(S->kept.bytes, S->chunk, S->chunk_length) != 0) return 0;
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &shim_kept_prelude_key) == LUA_TFUNCTION) return 1;
    lua_pop(L, 1);
    return 0;
}

// Keeps the function at the top of the stack as the prelude (one upvalue only: its _ENV).   [-0, +0, m]
static void keep_prelude(lua_State *L, LuaShim_State *S) {
    if (lua_getupvalue(L, -1, 2)) { // more than _ENV: not a plain main chunk, not kept
        lua_pop(L, 1);
        return;
    }
    S->kept.length = 0;
    if (LuaShim_append(&S->kept, S->chunk, S->chunk_length) != 0) {
        S->kept.length = 0;
        return;
    }
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &shim_kept_prelude_key);
}

static int protected_run(lua_State *L) {
    LuaShim_State *S = shim_state(L);
    int prelude = S->chunk_mode == LuaShim_Compiled && S->give_host;
    if (prelude && push_kept_prelude(L, S)) {
        lua_pushglobaltable(L);
        lua_setupvalue(L, -2, 1); // _ENV: the globals of this state now
    } else {
        const char *mode = S->chunk_mode == LuaShim_Compiled ? "b" : "t";
        int status = luaL_loadbufferx(L, S->chunk, S->chunk_length, S->chunk_name, mode);
        if (status != LUA_OK) return lua_error(L);
        if (prelude) keep_prelude(L, S);
    }
    if (S->chunk_mode == LuaShim_TextKeepCompiled) {
        S->compiled.length = 0;
        if (lua_dump(L, dump_writer, &S->compiled, 0) != 0) return luaL_error(L, "out of memory");
    }
    int arguments = 0;
    if (S->give_host) {
        lua_pushcfunction(L, shim_host);
        shim_push_host_operations(L);
        arguments = 2;
    }
    lua_call(L, arguments, LUA_MULTRET);
    shim_encode_list(S, L, 1, lua_gettop(L), 1);
    return 0;
}

static int protected_call(lua_State *L) {
    LuaShim_State *S = shim_state(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, S->ref);
    if (!lua_isfunction(L, -1)) return luaL_error(L, "not a function reference");
    int count = shim_decode_list(L, S->args, S->args_length);
    lua_call(L, count, LUA_MULTRET);
    shim_encode_list(S, L, 1, lua_gettop(L), 1);
    return 0;
}

static int run_protected(LuaShim_State *S, lua_CFunction function, const uint8_t **out, size_t *out_length) {
    lua_State *L = S->L;
    lua_settop(L, 0);
    shim_arm_stop_hook(S);
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
                int give_host, const uint8_t **out, size_t *out_length) {
    S->chunk = chunk;
    S->chunk_length = length;
    S->chunk_name = name;
    S->chunk_mode = mode;
    S->give_host = give_host;
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
size_t LuaShim_memory_used(const LuaShim_State *S) { return S->used; }
