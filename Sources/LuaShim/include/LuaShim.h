// LuaShim: the only code that touches a lua_State.
//
// Why this shim exists: almost every Lua API function can raise an error (any allocation can
// fail under a memory cap), and Lua raises errors with longjmp. A longjmp through Swift frames
// is undefined behaviour, so Swift never calls the Lua API. Swift sees an opaque state, byte
// buffers and status codes; every Lua call happens here, in C, inside lua_pcall.
//
// Values cross the boundary in a small tagged encoding (native byte order, same process):
//   'n' nil | 'f' false | 't' true | 'i' int64 | 'd' double | 's' u32 length + bytes
//   'T' u32 pairs + key,value… (a table; never emitted for functions' upvalues, metatables are ignored)
//   'A' u32 count + values… (an array, Swift → Lua only) | 'F' i32 registry reference (a function)
// A value list is a u32 count followed by that many values.
#ifndef LUASHIM_H
#define LUASHIM_H

#include <stddef.h>
#include <stdint.h>

typedef struct LuaShim_State LuaShim_State;

/// Limits of one state. Zero means unlimited.
typedef struct LuaShim_Limits {
    size_t memory_bytes;        // bytes the allocator may hand out in total
    uint64_t instructions;      // VM instructions (counted in steps of LUASHIM_HOOK_PERIOD)
    uint64_t deadline_ns;       // absolute CLOCK_MONOTONIC time
} LuaShim_Limits;

/// Why a state was stopped by the host.
typedef enum LuaShim_Stop {
    LuaShim_StopNone = 0,
    LuaShim_StopMemory = 1,
    LuaShim_StopInstructions = 2,
    LuaShim_StopDeadline = 3,
} LuaShim_Stop;

/// A growable byte buffer owned by C (malloc); Swift appends replies to it.
typedef struct LuaShim_Buffer {
    uint8_t *bytes;
    size_t length;
    size_t capacity;
} LuaShim_Buffer;

/// Host callback, called from the Lua function `__assay_host(...)` inside a protected call.
/// `args`: an encoded value list. `source`/`line`: the innermost frame of check code.
/// Returns 0 with an encoded value list appended to `reply`, or 1 with an error message
/// (UTF-8, no terminator) appended to `reply`; C then raises it as a Lua error.
typedef int (*LuaShim_Host)(void *context, const uint8_t *args, size_t length, const char *source, int line,
                            LuaShim_Buffer *reply);

/// Creates a sandboxed state: base, string, table, math and utf8 only; no load, loadfile, dofile,
/// require, collectgarbage, string.dump. The host function is the global `__assay_host` until the
/// prelude removes it. Returns NULL when out of memory.
LuaShim_State *LuaShim_open(LuaShim_Limits limits, LuaShim_Host host, void *context);

/// How a chunk given to LuaShim_run may be read.
typedef enum LuaShim_ChunkMode {
    /// Source text only: every chunk that comes from a file or a user.
    LuaShim_Text = 0,
    /// Source text, and keep its compiled form (see LuaShim_compiled) for later LuaShim_Compiled runs.
    LuaShim_TextKeepCompiled = 1,
    /// A compiled form that this shim produced from text (LuaShim_compiled); never user input.
    LuaShim_Compiled = 2,
} LuaShim_ChunkMode;

/// Loads `chunk`, calls it, and encodes its results (functions become registry references).
/// Returns 0 on success, otherwise a Lua status code with the error message in the output.
/// The output stays valid until the next call on `S`.
int LuaShim_run(LuaShim_State *S, const char *chunk, size_t length, const char *name, LuaShim_ChunkMode mode,
                const uint8_t **out, size_t *out_length);

/// The compiled form of the last chunk run with LuaShim_TextKeepCompiled (debug information kept,
/// so messages still name file and line). Valid until the state is closed.
void LuaShim_compiled(const LuaShim_State *S, const uint8_t **out, size_t *out_length);

/// Calls the function at registry reference `ref` with an encoded value list; same results as
/// LuaShim_run.
int LuaShim_call(LuaShim_State *S, int ref, const uint8_t *args, size_t length,
                 const uint8_t **out, size_t *out_length);

/// Appends bytes to a reply buffer. Returns 0, or -1 when out of memory.
int LuaShim_append(LuaShim_Buffer *buffer, const void *bytes, size_t length);

LuaShim_Stop LuaShim_stop_reason(const LuaShim_State *S);
uint64_t LuaShim_instructions(const LuaShim_State *S);
size_t LuaShim_memory_peak(const LuaShim_State *S);

/// Closes the state (finalizers still run under the limits) and frees everything.
void LuaShim_close(LuaShim_State *S);

#endif
