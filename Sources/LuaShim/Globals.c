// Globals.c: what a check can see, as an allow-list with the reason each entry is safe (as
// Redis's script_lua.c keeps its lists). A check's globals are built from the entries below and
// nothing else (no library is opened in a sandbox): whatever a new Lua version adds to a library
// stays out until someone lists it here.
//
// Never listed: load, loadfile, dofile, require, collectgarbage, warn (stderr), print (the prelude
// defines one that logs through the host), string.dump (bytecode), string.pack/packsize/unpack
// (binary packing no check needs), math.random/randomseed (two runs must give the same report),
// and the io, os, debug, package and coroutine libraries, which are never opened.
#include "Internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STOCK LuaShim_GlobalStock
#define METERED LuaShim_GlobalMetered
#define REPLACED LuaShim_GlobalReplaced

static const char *const LINEAR = "linear in its arguments: charged for their size before it runs, and its results' after";
static const char *const CONSTANT = "constant time";

typedef struct {
    LuaShim_Global entry;
    lua_CFunction replacement; // REPLACED entries only
} Allowed;

static const Allowed allowed[] = {
    // MARK: base
    {{NULL, "assert", STOCK, "raises an error when its argument is false"}, NULL},
    {{NULL, "error", STOCK, "raises an error"}, NULL},
    {{NULL, "getmetatable", STOCK, "answers __metatable when set: handles, strings and frozen metatables give no way to the real one"}, NULL},
    {{NULL, "ipairs", STOCK, "each step is a VM instruction the hook counts"}, NULL},
    {{NULL, "next", STOCK, CONSTANT}, NULL},
    {{NULL, "pairs", STOCK, "__pairs is a call whose instructions the hook counts"}, NULL},
    {{NULL, "pcall", STOCK, "a stopped check's error is raised again at its next instruction"}, NULL},
    {{NULL, "rawequal", STOCK, CONSTANT}, NULL},
    {{NULL, "rawget", STOCK, CONSTANT}, NULL},
    {{NULL, "rawlen", STOCK, CONSTANT}, NULL},
    {{NULL, "rawset", STOCK, CONSTANT}, NULL},
    {{NULL, "select", METERED, LINEAR}, NULL},
    {{NULL, "setmetatable", REPLACED, "installs a checked, frozen copy: no __gc, __close or __mode, __call a function"}, shim_setmetatable},
    {{NULL, "tonumber", METERED, LINEAR}, NULL},
    {{NULL, "tostring", METERED, "linear in its argument (__tostring is a call the hook counts)"}, NULL},
    {{NULL, "type", STOCK, CONSTANT}, NULL},
    {{NULL, "xpcall", STOCK, "as pcall"}, NULL},
    {{NULL, "_VERSION", STOCK, "a string"}, NULL},
    // MARK: string (also the methods of every string value)
    {{"string", "byte", METERED, LINEAR}, NULL},
    {{"string", "char", METERED, LINEAR}, NULL},
    {{"string", "find", REPLACED, "Pattern.c: a matcher that charges every step; plain finds are linear"}, shim_string_find},
    {{"string", "format", METERED, "linear: Lua allows at most two digits of width and precision"}, NULL},
    {{"string", "gmatch", REPLACED, "Pattern.c"}, shim_string_gmatch},
    {{"string", "gsub", REPLACED, "Pattern.c, and the result is built under the memory cap"}, shim_string_gsub},
    {{"string", "len", STOCK, CONSTANT}, NULL},
    {{"string", "lower", METERED, LINEAR}, NULL},
    {{"string", "match", REPLACED, "Pattern.c"}, shim_string_match},
    {{"string", "rep", REPLACED, "the result's size is checked before anything is copied: rep(\"\", 2^63) is instant"}, shim_string_rep},
    {{"string", "reverse", METERED, LINEAR}, NULL},
    {{"string", "sub", METERED, LINEAR}, NULL},
    {{"string", "upper", METERED, LINEAR}, NULL},
    // MARK: table (a lying __len must not drive a C loop)
    {{"table", "concat", REPLACED, "charges every element and byte"}, shim_table_concat},
    {{"table", "insert", REPLACED, "charges every element it shifts, refused at once when the budget cannot pay"}, shim_table_insert},
    {{"table", "move", REPLACED, "charges every element it moves, refused at once when the budget cannot pay"}, shim_table_move},
    {{"table", "pack", METERED, LINEAR}, NULL},
    {{"table", "remove", REPLACED, "charges every element it shifts"}, shim_table_remove},
    {{"table", "sort", REPLACED, "a stable merge sort that charges every comparison"}, shim_table_sort},
    {{"table", "unpack", REPLACED, "charges every element"}, shim_table_unpack},
    // MARK: math (no random: two runs on the same state give the same report)
    {{"math", "abs", STOCK, CONSTANT}, NULL},
    {{"math", "acos", STOCK, CONSTANT}, NULL},
    {{"math", "asin", STOCK, CONSTANT}, NULL},
    {{"math", "atan", STOCK, CONSTANT}, NULL},
    {{"math", "ceil", STOCK, CONSTANT}, NULL},
    {{"math", "cos", STOCK, CONSTANT}, NULL},
    {{"math", "deg", STOCK, CONSTANT}, NULL},
    {{"math", "exp", STOCK, CONSTANT}, NULL},
    {{"math", "floor", STOCK, CONSTANT}, NULL},
    {{"math", "fmod", STOCK, CONSTANT}, NULL},
    {{"math", "huge", STOCK, "a number"}, NULL},
    {{"math", "log", STOCK, CONSTANT}, NULL},
    {{"math", "max", METERED, LINEAR}, NULL},
    {{"math", "maxinteger", STOCK, "a number"}, NULL},
    {{"math", "min", METERED, LINEAR}, NULL},
    {{"math", "mininteger", STOCK, "a number"}, NULL},
    {{"math", "modf", STOCK, CONSTANT}, NULL},
    {{"math", "pi", STOCK, "a number"}, NULL},
    {{"math", "rad", STOCK, CONSTANT}, NULL},
    {{"math", "sin", STOCK, CONSTANT}, NULL},
    {{"math", "sqrt", STOCK, CONSTANT}, NULL},
    {{"math", "tan", STOCK, CONSTANT}, NULL},
    {{"math", "tointeger", STOCK, CONSTANT}, NULL},
    {{"math", "type", STOCK, CONSTANT}, NULL},
    {{"math", "ult", STOCK, CONSTANT}, NULL},
    // MARK: utf8
    {{"utf8", "char", METERED, LINEAR}, NULL},
    {{"utf8", "charpattern", STOCK, "a string"}, NULL},
    {{"utf8", "codepoint", METERED, LINEAR}, NULL},
    {{"utf8", "codes", METERED, "each step of its iterator is a call the hook counts"}, NULL},
    {{"utf8", "len", METERED, LINEAR}, NULL},
    {{"utf8", "offset", METERED, LINEAR}, NULL},
};

#define ALLOWED_COUNT (sizeof allowed / sizeof allowed[0])

size_t LuaShim_global_count(void) { return ALLOWED_COUNT; }

const LuaShim_Global *LuaShim_global(size_t index) { return index < ALLOWED_COUNT ? &allowed[index].entry : NULL; }

// MARK: - Metering

// Charges the values [first, last] of the stack: one unit each, and one per 32 bytes of strings.
static void charge_values(lua_State *L, int first, int last) {
    uint64_t bytes = 0;
    for (int i = first; i <= last; i++)
        if (lua_type(L, i) == LUA_TSTRING) bytes += lua_rawlen(L, i);
    shim_charge(L, 1 + (uint64_t)(last - first + 1) + bytes / LUASHIM_BYTES_PER_UNIT);
}

int shim_metered(lua_State *L) {
    lua_CFunction stock = lua_tocfunction(L, lua_upvalueindex(1));
    charge_values(L, 1, lua_gettop(L)); // before the work: a stopped check does not start it
    int results = stock(L);             // same frame: "bad argument #1 to 'upper'" still names it
    int top = lua_gettop(L);
    charge_values(L, top - results + 1, top); // and what it made (tostring of a long __name)
    return results;
}

// MARK: - Lua's own functions and constants, read once per process

// The libraries are opened once, in a scratch state, to read what the allow-list takes from them:
// C function pointers (every allow-listed one is a plain C function without upvalues, so it runs
// in any state) and constants. Each sandbox is then built from these, without opening a library.
typedef struct {
    int type; // LUA_TFUNCTION, LUA_TNUMBER, LUA_TSTRING
    lua_CFunction function;
    int is_integer;
    lua_Integer integer;
    lua_Number number;
    char *string;
    size_t length;
} StockValue;

#define MAX_STRING_METAMETHODS 24

static struct {
    pthread_once_t once;
    int failed;
    StockValue values[ALLOWED_COUNT];
    struct {
        char name[16];
        lua_CFunction function;
    } string_metamethods[MAX_STRING_METAMETHODS]; // the string metatable's arithmetic (coercion: "10" + 1)
    int string_metamethod_count;
} stock = {.once = PTHREAD_ONCE_INIT};

static const char *const library_names[] = {"string", "table", "math", "utf8"};
static const lua_CFunction library_openers[] = {luaopen_string, luaopen_table, luaopen_math, luaopen_utf8};
#define LIBRARY_COUNT 4

static int read_stock(lua_State *L) {
    lua_pushglobaltable(L);
    int base = lua_gettop(L);
    lua_pushcfunction(L, luaopen_base);
    lua_call(L, 0, 0);
    for (int i = 0; i < LIBRARY_COUNT; i++) {
        lua_pushcfunction(L, library_openers[i]);
        lua_call(L, 0, 1);
    }
    for (size_t i = 0; i < ALLOWED_COUNT; i++) {
        const Allowed *a = &allowed[i];
        if (a->entry.kind == REPLACED) continue;
        int source = base;
        for (int l = 0; a->entry.library && l < LIBRARY_COUNT; l++)
            if (strcmp(library_names[l], a->entry.library) == 0) source = base + 1 + l;
        lua_getfield(L, source, a->entry.name);
        StockValue *v = &stock.values[i];
        v->type = lua_type(L, -1);
        switch (v->type) {
        case LUA_TFUNCTION:
            if (!lua_iscfunction(L, -1) || lua_getupvalue(L, -1, 1)) return luaL_error(L, "%s is not a plain C function", a->entry.name);
            v->function = lua_tocfunction(L, -1);
            break;
        case LUA_TNUMBER:
            v->is_integer = lua_isinteger(L, -1);
            v->integer = lua_tointeger(L, -1);
            v->number = lua_tonumber(L, -1);
            break;
        case LUA_TSTRING: {
            const char *text = lua_tolstring(L, -1, &v->length);
            if (!(v->string = malloc(v->length + 1))) return luaL_error(L, "out of memory");
            memcpy(v->string, text, v->length + 1);
            break;
        }
        default: return luaL_error(L, "the allow-list names %s, which Lua lacks", a->entry.name);
        }
        lua_pop(L, 1);
    }
    lua_pushliteral(L, "");
    if (!lua_getmetatable(L, -1)) return luaL_error(L, "strings have no metatable");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (lua_type(L, -2) == LUA_TSTRING && lua_iscfunction(L, -1) && !lua_getupvalue(L, -1, 1)) {
            size_t length;
            const char *name = lua_tolstring(L, -2, &length);
            if (stock.string_metamethod_count == MAX_STRING_METAMETHODS || length >= sizeof stock.string_metamethods[0].name)
                return luaL_error(L, "unexpected string metatable");
            memcpy(stock.string_metamethods[stock.string_metamethod_count].name, name, length + 1);
            stock.string_metamethods[stock.string_metamethod_count++].function = lua_tocfunction(L, -1);
        }
        lua_pop(L, 1);
    }
    return 0;
}

static void read_stock_once(void) {
    lua_State *L = luaL_newstate();
    if (!L) {
        stock.failed = 1;
        return;
    }
    lua_pushcfunction(L, read_stock);
    if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
        fprintf(stderr, "assay: internal: the sandbox's allow-list does not fit this Lua: %s\n", lua_tostring(L, -1));
        stock.failed = 1;
    }
    lua_close(L);
}

// MARK: - Opening a sandbox

void shim_open_globals(lua_State *L) {
    pthread_once(&stock.once, read_stock_once);
    if (stock.failed) luaL_error(L, "internal: Lua's libraries could not be read");
    luaL_checkstack(L, 8, "opening the sandbox");
    lua_createtable(L, 0, 24);
    int globals = lua_gettop(L);
    for (int i = 0; i < LIBRARY_COUNT; i++) {
        lua_createtable(L, 0, 32);
        lua_setfield(L, globals, library_names[i]);
    }
    for (size_t i = 0; i < ALLOWED_COUNT; i++) {
        const Allowed *a = &allowed[i];
        const StockValue *v = &stock.values[i];
        int target = globals;
        if (a->entry.library) {
            lua_getfield(L, globals, a->entry.library);
            target = lua_gettop(L);
        }
        if (a->entry.kind == REPLACED) {
            lua_pushcfunction(L, a->replacement);
        } else if (v->type == LUA_TFUNCTION) {
            lua_pushcfunction(L, v->function);
            if (a->entry.kind == METERED) lua_pushcclosure(L, shim_metered, 1);
        } else if (v->type == LUA_TNUMBER) {
            if (v->is_integer) lua_pushinteger(L, v->integer);
            else lua_pushnumber(L, v->number);
        } else {
            lua_pushlstring(L, v->string, v->length);
        }
        lua_setfield(L, target, a->entry.name);
        if (target != globals) lua_pop(L, 1);
    }
    lua_pushvalue(L, globals);
    lua_setfield(L, globals, "_G");
    // Strings' metatable: Lua's arithmetic coercions ("10" + 1, metered), methods from the
    // check's string table, and out of reach (getmetatable("") is false).
    lua_pushliteral(L, "");
    lua_createtable(L, 0, stock.string_metamethod_count + 2);
    for (int i = 0; i < stock.string_metamethod_count; i++) {
        if (strcmp(stock.string_metamethods[i].name, "__index") == 0) continue;
        lua_pushcfunction(L, stock.string_metamethods[i].function);
        lua_pushcclosure(L, shim_metered, 1); // converting a long string is linear work
        lua_setfield(L, -2, stock.string_metamethods[i].name);
    }
    lua_getfield(L, globals, "string");
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_pop(L, 1);
    lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS); // the state's first globals table is dropped
}

void shim_push_host_operations(lua_State *L) {
    lua_createtable(L, 0, 8);
#define LUASHIM_OPERATION_FIELD(name, value, lua) \
    lua_pushinteger(L, value);                   \
    lua_setfield(L, -2, lua);
    LUASHIM_HOST_OPERATIONS(LUASHIM_OPERATION_FIELD)
#undef LUASHIM_OPERATION_FIELD
}
