// LuaShim: the only code that touches a lua_State.
//
// Why this shim exists: almost every Lua API function can raise an error (any allocation can
// fail under a memory cap), and Lua raises errors with longjmp. A longjmp through Swift frames
// is undefined behaviour, so Swift never calls the Lua API. Swift sees an opaque state, byte
// buffers and status codes; every Lua call happens here, in C, inside lua_pcall.
//
// What a check can reach is an allow-list (Globals.c): every library function there either runs
// in constant time, is charged for the size of its arguments, or is a bounded replacement whose
// loops charge the instruction budget (Strings.c, Pattern.c, Tables.c). Metatables are installed
// as checked, frozen copies (Metatables.c): no finalizer, to-be-closed value or weak table can
// exist, so no check code ever runs outside a call the host made.
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
    uint64_t instructions;      // VM instructions plus C-library work units (Internal.h)
    uint64_t deadline_ns;       // absolute CLOCK_MONOTONIC time
} LuaShim_Limits;

/// Why a state was stopped.
typedef enum LuaShim_Stop {
    LuaShim_StopNone = 0,
    LuaShim_StopMemory = 1,
    LuaShim_StopInstructions = 2,
    LuaShim_StopDeadline = 3,
    /// The host refused to go on (a host-side limit: findings, logs, connector calls…).
    LuaShim_StopHost = 4,
} LuaShim_Stop;

// MARK: - Host operations

/// The operations check code can ask of the host, and nothing else: the prelude receives them as
/// a table of numbers (`OP.call`, …) and Swift switches over LuaShim_HostOp. One list, here.
///   call     (target name, operation, arguments…) → the connector's answer, or nil + message
///   finding  (status, fields)                     → nothing; fields are checked by FindingRecorder
///   input    (name)                               → the configured value, or nil
///   targets  (kind)                               → the targets of that kind
///   log      (line)                               → nothing; a line for --verbose
///   line     ()                                   → the line of check code that called (answered in C)
#define LUASHIM_HOST_OPERATIONS(X) \
    X(Call, 1, "call")             \
    X(Finding, 2, "finding")       \
    X(Input, 3, "input")           \
    X(Targets, 4, "targets")       \
    X(Log, 5, "log")               \
    X(Line, 6, "line")             \
    X(Handle, 7, "handle")         \
    X(Components, 8, "components")

#define LUASHIM_HOST_OPERATION_CASE(name, value, lua) LuaShim_HostOp##name = value,
typedef enum __attribute__((enum_extensibility(closed))) LuaShim_HostOp {
    LUASHIM_HOST_OPERATIONS(LUASHIM_HOST_OPERATION_CASE)
} LuaShim_HostOp;
#undef LUASHIM_HOST_OPERATION_CASE

/// What a host callback answers.
typedef enum __attribute__((enum_extensibility(closed))) LuaShim_HostStatus {
    /// An encoded value list is in the reply: the call's results.
    LuaShim_HostValues = 0,
    /// A message is in the reply; C raises it as a Lua error at the script's line.
    LuaShim_HostError = 1,
    /// A message is in the reply; the check is stopped (LuaShim_StopHost) and the message raised.
    LuaShim_HostStop = 2,
} LuaShim_HostStatus;

/// A growable byte buffer owned by C (malloc); Swift appends replies to it.
typedef struct LuaShim_Buffer {
    uint8_t *bytes;
    size_t length;
    size_t capacity;
} LuaShim_Buffer;

/// Host callback, called when the prelude calls its host function, inside a protected call and
/// never re-entered. `args`: the encoded value list after the operation. `source`/`line`: the
/// innermost frame of check code. Appends the answer to `reply` and says what it is.
typedef LuaShim_HostStatus (*LuaShim_Host)(void *context, LuaShim_HostOp operation, const uint8_t *args, size_t length,
                                           const char *source, int line, LuaShim_Buffer *reply);

/// Creates a sandboxed state whose globals are the allow-list (LuaShim_global). Returns NULL
/// when out of memory.
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
/// With `give_host` (the prelude only) the chunk receives the host function and the operations
/// table as its arguments (`local host, OP = ...`); no other chunk ever can.
/// Returns 0 on success, otherwise a Lua status code with the error message in the output.
/// The output stays valid until the next call on `S`.
int LuaShim_run(LuaShim_State *S, const char *chunk, size_t length, const char *name, LuaShim_ChunkMode mode,
                int give_host, const uint8_t **out, size_t *out_length);

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

/// Makes a used state as good as new for another check (Reset.c): the allow-listed globals and
/// string metatable rebuilt, the registry emptied, everything else collected, the counters
/// cleared, and `limits`, `host` and `context` in force. Returns 0, or -1 when the state cannot
/// be reused (closed, inside a host call, or out of memory): then close it.
int LuaShim_reset(LuaShim_State *S, LuaShim_Limits limits, LuaShim_Host host, void *context);

/// How many entries the registry holds (for tests of LuaShim_reset).
size_t LuaShim_registry_entries(const LuaShim_State *S);

/// Bytes the Lua heap holds now.
size_t LuaShim_memory_used(const LuaShim_State *S);

/// Closes the state and frees everything. No check code runs here: a check cannot create a
/// finalizer (Metatables.c), and the host function refuses every call once closing began.
void LuaShim_close(LuaShim_State *S);

// MARK: - The allow-list

/// What one allow-listed global does in the sandbox.
typedef enum __attribute__((enum_extensibility(closed))) LuaShim_GlobalKind {
    /// Lua's own function or value: constant time, or its loops are VM instructions the hook counts.
    LuaShim_GlobalStock = 0,
    /// Lua's own function, charged for the size of its arguments before it runs (linear work).
    LuaShim_GlobalMetered = 1,
    /// A replacement written here: bounded loops that charge the budget, or a checked behaviour.
    LuaShim_GlobalReplaced = 2,
} LuaShim_GlobalKind;

/// One global a check may see: `library`.`name` (library NULL: the base library), and why it is safe.
typedef struct LuaShim_Global {
    const char *library;
    const char *name;
    LuaShim_GlobalKind kind;
    const char *reason;
} LuaShim_Global;

/// The allow-list, in the order it is installed: `count` entries, then NULL.
size_t LuaShim_global_count(void);
const LuaShim_Global *LuaShim_global(size_t index);

#endif
