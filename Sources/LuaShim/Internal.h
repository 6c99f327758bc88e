// LuaShim's private parts: the state behind the opaque LuaShim_State, and what the shim's files
// share. Nothing here is visible to Swift.
#ifndef LUASHIM_INTERNAL_H
#define LUASHIM_INTERNAL_H

#include "LuaShim.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#define LUASHIM_HOOK_PERIOD 100         // VM instructions between two looks at the limits
#define LUASHIM_MAX_DEPTH 256           // nesting of tables crossing the boundary (compose allows 200)
#define LUASHIM_MAX_ENCODED (16u << 20) // bytes of one encoded value list
#define LUASHIM_MAX_MESSAGE 4096        // bytes of an error message handed to the host
#define LUASHIM_BYTES_PER_UNIT 32       // C-library work: one budget unit per this many bytes

struct LuaShim_State {
    lua_State *L;
    LuaShim_Limits limits;
    LuaShim_Stop stop;       // the first reason the state was stopped; never reset
    uint64_t instructions;   // VM instructions, plus the work units C-library loops charge
    size_t used, peak;       // bytes held by the Lua heap
    size_t allocated;        // bytes allocated since the allocator last looked at the clock
    LuaShim_Host host;
    void *context;
    int in_host;             // 1 while the host answers a call: a nested call is refused
    int closed;              // 1 once LuaShim_close began: the host is never called again
    LuaShim_Buffer scratch;  // results and messages handed to Swift
    LuaShim_Buffer reply;    // what the host answers; only the host function touches it
    LuaShim_Buffer compiled; // the compiled form of a chunk, when asked to keep it
    LuaShim_Buffer kept;     // the compiled prelude whose loaded function the registry keeps
    // Arguments of the protected entry points.
    const char *chunk;
    size_t chunk_length;
    const char *chunk_name;
    LuaShim_ChunkMode chunk_mode;
    int give_host;
    int ref;
    const uint8_t *args;
    size_t args_length;
};

/// The registry key of the kept prelude function (LuaShim.c), which a reset keeps (Reset.c).
extern const char shim_kept_prelude_key;

static inline LuaShim_State *shim_state(lua_State *L) { return *(LuaShim_State **)lua_getextraspace(L); }

uint64_t shim_monotonic_ns(void);

// MARK: - Budget.c: the allocator cap, the count hook, and the budget C loops charge

void *shim_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
void shim_hook(lua_State *L, lua_Debug *ar);
const char *shim_stop_message(LuaShim_Stop stop);
/// Stops the state (the first reason wins) and arms the hook so that every later instruction
/// raises again: a script's pcall cannot keep a stopped check alive. Never raises.
void shim_stop(LuaShim_State *S, LuaShim_Stop why);
/// Re-arms the every-instruction hook of a stopped state (after code that may have reset it).
void shim_arm_stop_hook(LuaShim_State *S);
/// Charges `units` of C-library work to the instruction budget and looks at the deadline;
/// raises the stop message when the check is (or now becomes) stopped.   [-0, +0, v]
void shim_charge(lua_State *L, uint64_t units);
/// Raises at once, as an exhausted budget, when `units` more could not be afforded: a loop
/// that would run 2^63 times fails before its first step.   [-0, +0, v]
void shim_reserve(lua_State *L, uint64_t units);

/// Steps of a C loop, charged in batches so that a step costs an increment.
typedef struct {
    lua_State *L;
    unsigned pending;
} ShimWork;

#define SHIM_WORK_BATCH 1024u

static inline void shim_step(ShimWork *w) {
    if (++w->pending >= SHIM_WORK_BATCH) {
        shim_charge(w->L, w->pending);
        w->pending = 0;
    }
}

// MARK: - Codec.c: values between Lua and the host (see LuaShim.h for the encoding)

/// Encodes the values at stack positions [first, last] as a value list into S->scratch;
/// functions become registry references when `functions` is set, else they are refused.   [-0, +0, e]
void shim_encode_list(LuaShim_State *S, lua_State *L, int first, int last, int functions);
/// Pushes an encoded value list; returns how many values were pushed.   [-0, +n, e]
int shim_decode_list(lua_State *L, const uint8_t *bytes, size_t length);

// MARK: - Globals.c, Metatables.c: what a check can see

/// Replaces the state's globals by the allow-list.   [-0, +0, e]
void shim_open_globals(lua_State *L);
/// The operations table the prelude receives: { call = 1, finding = 2, … }.   [-0, +1, m]
void shim_push_host_operations(lua_State *L);
int shim_setmetatable(lua_State *L);

// MARK: - Bounded replacements of library functions that loop in C

int shim_string_rep(lua_State *L);
int shim_string_find(lua_State *L);
int shim_string_match(lua_State *L);
int shim_string_gmatch(lua_State *L);
int shim_string_gsub(lua_State *L);
int shim_table_insert(lua_State *L);
int shim_table_remove(lua_State *L);
int shim_table_move(lua_State *L);
int shim_table_concat(lua_State *L);
int shim_table_unpack(lua_State *L);
int shim_table_sort(lua_State *L);
/// A stock function whose work is linear in its arguments: charges their size, then runs it in
/// the same call frame (so its messages still name it as the script called it).
int shim_metered(lua_State *L);

#endif
