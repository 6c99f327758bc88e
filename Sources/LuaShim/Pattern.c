// Pattern.c: Lua's patterns (manual §6.4.1) for string.find, match, gmatch and gsub, written here
// from the manual so that every step of a match is charged to the instruction budget: Lua's own
// matcher backtracks in C where the count hook never looks, and
// string.find(string.rep("a", 200000), ".-.-.-.-.-.-.-.-b") would run for ages.
//
// A pattern is read once into items (a character set with its repetition, a capture opening or
// closing, %b, %f, a back-reference, the final $), then matched by backtracking over the items
// in the order the manual describes: `*` and `+` longest first, `-` shortest first, `?` with the
// character first. Results are Lua's, including gmatch's and gsub's rule that an empty match
// right where the previous match ended does not count. One difference, stricter: a malformed
// pattern is an error whatever the subject, where Lua only complains when its matcher reaches
// the malformed part.
#define _GNU_SOURCE // memmem
#include "Internal.h"

#include <ctype.h>
#include <string.h>

#define MAX_CAPTURES 32 // LUA_MAXCAPTURES
#define MAX_DEPTH 200   // nested backtracking points: "pattern too complex"
#define SPECIALS "^$*+?.([%-"

#define CAP_UNFINISHED (-1)
#define CAP_POSITION (-2)

typedef enum { ITEM_SET, ITEM_OPEN, ITEM_POSITION, ITEM_CLOSE, ITEM_BALANCE, ITEM_FRONTIER, ITEM_BACKREF, ITEM_END } ItemKind;
typedef enum { ONCE, LONGEST_ANY, LONGEST_SOME, SHORTEST_ANY, MAYBE } Repetition; // x  x*  x+  x-  x?

typedef struct {
    uint8_t kind, repetition;
    uint8_t first, second;   // %b's two characters; the capture a ')' closes or a back-reference names
    uint32_t set[256 / 32];  // ITEM_SET, ITEM_FRONTIER: the characters that belong
} Item;

typedef struct {
    int count;    // items
    int captures; // capture slots the pattern opens
    Item items[];
} Pattern;

static int member(const uint32_t *set, unsigned char c) { return (set[c >> 5] >> (c & 31)) & 1; }
static void add(uint32_t *set, unsigned char c) { set[c >> 5] |= 1u << (c & 31); }

// MARK: - Reading a pattern

typedef struct {
    lua_State *L;
    const char *p, *end;
    Item *out; // NULL while counting
    int count;
    int level;                // captures opened so far
    int open[MAX_CAPTURES];   // the captures still open, innermost last
    int open_count;
    int closed[MAX_CAPTURES]; // whether capture i has been closed
} Reader;

// Adds the characters of class `%c` (a letter of the manual's list, upper case for the
// complement) or, for any other character, that character itself.
static void add_class(uint32_t *set, unsigned char c) {
    int (*test)(int) = NULL;
    switch (tolower(c)) {
    case 'a': test = isalpha; break;
    case 'c': test = iscntrl; break;
    case 'd': test = isdigit; break;
    case 'g': test = isgraph; break;
    case 'l': test = islower; break;
    case 'p': test = ispunct; break;
    case 's': test = isspace; break;
    case 'u': test = isupper; break;
    case 'w': test = isalnum; break;
    case 'x': test = isxdigit; break;
    case 'z': break; // Lua 5.1's "the character 0", still understood by 5.4
    default: add(set, c); return;
    }
    int complement = isupper(c) != 0;
    for (int x = 0; x < 256; x++) {
        int in = test ? test(x) != 0 : x == 0;
        if (in != complement) add(set, (unsigned char)x);
    }
}

// Reads `[set]` at r->p; leaves r->p after the closing ']'.
static void read_set(Reader *r, uint32_t *set) {
    const char *q = r->p + 1;
    int complement = q < r->end && *q == '^';
    if (complement) q++;
    const char *first = q;
    // The first character is always a member (so "[]]" and "[^]]" hold ']'); '%' escapes the next.
    do {
        if (q >= r->end) luaL_error(r->L, "malformed pattern (missing ']')");
        if (*q++ == '%' && q < r->end) q++;
    } while (q >= r->end || *q != ']');
    const char *close = q;
    if (set) {
        for (q = first; q < close;) {
            if (*q == '%') {
                add_class(set, (unsigned char)q[1]);
                q += 2;
            } else if (q + 2 < close && q[1] == '-') {
                for (int c = (unsigned char)q[0]; c <= (unsigned char)q[2]; c++) add(set, (unsigned char)c);
                q += 3;
            } else {
                add(set, (unsigned char)*q++);
            }
        }
        if (complement)
            for (int i = 0; i < 256 / 32; i++) set[i] = ~set[i];
    }
    r->p = close + 1;
}

static Item *next_item(Reader *r, ItemKind kind) {
    Item *item = r->out ? &r->out[r->count] : NULL;
    r->count++;
    if (item) {
        memset(item, 0, sizeof *item);
        item->kind = (uint8_t)kind;
    }
    return item;
}

static void open_capture(Reader *r, int position) {
    if (r->level >= MAX_CAPTURES) luaL_error(r->L, "too many captures");
    next_item(r, position ? ITEM_POSITION : ITEM_OPEN);
    if (position) r->closed[r->level] = 1; // complete at once; a back-reference to it never matches
    else r->open[r->open_count++] = r->level;
    r->level++;
}

// Reads the whole pattern; fills r->out when it is set, else only counts.
static void read_pattern(Reader *r) {
    while (r->p < r->end) {
        const char *p = r->p;
        if (*p == '(') {
            int position = p + 1 < r->end && p[1] == ')';
            open_capture(r, position);
            r->p += position ? 2 : 1;
        } else if (*p == ')') {
            if (r->open_count == 0) luaL_error(r->L, "invalid pattern capture");
            int capture = r->open[--r->open_count];
            Item *item = next_item(r, ITEM_CLOSE);
            if (item) item->first = (uint8_t)capture;
            r->closed[capture] = 1;
            r->p++;
        } else if (*p == '$' && p + 1 == r->end) {
            next_item(r, ITEM_END);
            r->p++;
        } else if (*p == '%' && p + 1 < r->end && p[1] == 'b') {
            if (p + 3 >= r->end) luaL_error(r->L, "malformed pattern (missing arguments to '%%b')");
            Item *item = next_item(r, ITEM_BALANCE);
            if (item) {
                item->first = (uint8_t)p[2];
                item->second = (uint8_t)p[3];
            }
            r->p += 4;
        } else if (*p == '%' && p + 1 < r->end && p[1] == 'f') {
            r->p += 2;
            if (r->p >= r->end || *r->p != '[') luaL_error(r->L, "missing '[' after '%%f' in pattern");
            Item *item = next_item(r, ITEM_FRONTIER);
            read_set(r, item ? item->set : NULL);
        } else if (*p == '%' && p + 1 < r->end && isdigit((unsigned char)p[1])) {
            int capture = p[1] - '1';
            if (capture < 0 || capture >= r->level || !r->closed[capture])
                luaL_error(r->L, "invalid capture index %%%d", capture + 1);
            Item *item = next_item(r, ITEM_BACKREF);
            if (item) item->first = (uint8_t)capture;
            r->p += 2;
        } else { // a single character class, maybe repeated
            Item *item = next_item(r, ITEM_SET);
            uint32_t *set = item ? item->set : NULL;
            if (*p == '.') {
                if (set) memset(set, 0xff, sizeof item->set);
                r->p++;
            } else if (*p == '%') {
                if (p + 1 >= r->end) luaL_error(r->L, "malformed pattern (ends with '%%')");
                if (set) add_class(set, (unsigned char)p[1]);
                r->p += 2;
            } else if (*p == '[') {
                read_set(r, set);
            } else {
                if (set) add(set, (unsigned char)*p);
                r->p++;
            }
            Repetition repetition = ONCE;
            if (r->p < r->end) switch (*r->p) {
                case '*': repetition = LONGEST_ANY; break;
                case '+': repetition = LONGEST_SOME; break;
                case '-': repetition = SHORTEST_ANY; break;
                case '?': repetition = MAYBE; break;
                }
            if (repetition != ONCE) r->p++;
            if (item) item->repetition = (uint8_t)repetition;
        }
    }
    if (r->open_count > 0) luaL_error(r->L, "unfinished capture");
}

// Pushes the pattern read from [p, end) as a userdata and returns it (Lua owns its memory, under
// the cap).   [-0, +1, e]
static const Pattern *push_pattern(lua_State *L, const char *p, const char *end) {
    Reader r = {L, p, end, NULL, 0, 0, {0}, 0, {0}};
    read_pattern(&r); // counts and checks
    shim_charge(L, 1 + (uint64_t)(end - p) / LUASHIM_BYTES_PER_UNIT);
    Pattern *pattern = lua_newuserdatauv(L, sizeof(Pattern) + (size_t)r.count * sizeof(Item), 0);
    pattern->count = r.count;
    pattern->captures = r.level;
    Reader fill = {L, p, end, pattern->items, 0, 0, {0}, 0, {0}};
    read_pattern(&fill);
    return pattern;
}

// MARK: - Matching

typedef struct {
    lua_State *L;
    const char *subject, *end;
    const Pattern *pattern;
    int level; // captures opened on the current path
    struct {
        const char *start;
        ptrdiff_t length; // or CAP_UNFINISHED, CAP_POSITION
    } capture[MAX_CAPTURES];
    int depth;
    ShimWork work;
} Matcher;

// The end of a match of items [i, count) at s, or NULL.
static const char *match(Matcher *m, const char *s, int i) {
    if (++m->depth > MAX_DEPTH) luaL_error(m->L, "pattern too complex");
    const char *result = NULL;
    for (;;) {
        shim_step(&m->work);
        if (i == m->pattern->count) {
            result = s;
            break;
        }
        const Item *item = &m->pattern->items[i];
        switch ((ItemKind)item->kind) {
        case ITEM_OPEN:
        case ITEM_POSITION: {
            int capture = m->level++;
            m->capture[capture].start = s;
            m->capture[capture].length = item->kind == ITEM_POSITION ? CAP_POSITION : CAP_UNFINISHED;
            result = match(m, s, i + 1);
            if (!result) m->level--;
            goto done;
        }
        case ITEM_CLOSE: {
            int capture = item->first;
            m->capture[capture].length = s - m->capture[capture].start;
            result = match(m, s, i + 1);
            if (!result) m->capture[capture].length = CAP_UNFINISHED;
            goto done;
        }
        case ITEM_END: result = s == m->end ? s : NULL; goto done;
        case ITEM_BALANCE: {
            if (s >= m->end || (unsigned char)*s != item->first) goto done;
            int open = 1;
            const char *q = s + 1;
            for (; q < m->end; q++) {
                shim_step(&m->work);
                if ((unsigned char)*q == item->second) {
                    if (--open == 0) break;
                } else if ((unsigned char)*q == item->first) {
                    open++;
                }
            }
            if (q >= m->end) goto done;
            s = q + 1;
            i++;
            continue;
        }
        case ITEM_FRONTIER: {
            unsigned char before = s == m->subject ? 0 : (unsigned char)s[-1];
            unsigned char after = s < m->end ? (unsigned char)*s : 0;
            if (member(item->set, before) || !member(item->set, after)) goto done;
            i++;
            continue;
        }
        case ITEM_BACKREF: {
            ptrdiff_t length = m->capture[item->first].length;
            if (length < 0 || m->end - s < length || memcmp(m->capture[item->first].start, s, (size_t)length) != 0)
                goto done; // a position capture never matches text
            s += length;
            i++;
            continue;
        }
        case ITEM_SET: {
            int here = s < m->end && member(item->set, (unsigned char)*s);
            switch ((Repetition)item->repetition) {
            case ONCE:
                if (!here) goto done;
                s++;
                i++;
                continue;
            case MAYBE:
                if (here && (result = match(m, s + 1, i + 1)) != NULL) goto done;
                i++;
                continue;
            case LONGEST_ANY:
            case LONGEST_SOME: {
                ptrdiff_t n = 0;
                while (s + n < m->end && member(item->set, (unsigned char)s[n])) {
                    shim_step(&m->work);
                    n++;
                }
                ptrdiff_t least = item->repetition == LONGEST_SOME ? 1 : 0;
                for (; n >= least; n--)
                    if ((result = match(m, s + n, i + 1)) != NULL) goto done;
                goto done;
            }
            case SHORTEST_ANY:
                for (;;) {
                    if ((result = match(m, s, i + 1)) != NULL) goto done;
                    if (!(s < m->end && member(item->set, (unsigned char)*s))) goto done;
                    s++;
                }
            }
        }
        }
    }
done:
    m->depth--;
    return result;
}

// A match of the whole pattern starting exactly at s, or NULL.
static const char *match_at(Matcher *m, const char *s) {
    m->level = 0;
    m->depth = 0;
    return match(m, s, 0);
}

static void init_matcher(Matcher *m, lua_State *L, const char *subject, size_t length, const Pattern *pattern) {
    m->L = L;
    m->subject = subject;
    m->end = subject + length;
    m->pattern = pattern;
    m->level = 0;
    m->depth = 0;
    m->work.L = L;
    m->work.pending = 0;
}

// MARK: - Captures

// Pushes capture i; with no capture at all, capture 0 is the whole match [s, e).   [-0, +1, e]
static void push_capture(Matcher *m, int i, const char *s, const char *e) {
    if (i >= m->level) {
        if (i != 0) luaL_error(m->L, "invalid capture index %%%d", i + 1);
        lua_pushlstring(m->L, s, (size_t)(e - s));
        return;
    }
    ptrdiff_t length = m->capture[i].length;
    if (length == CAP_UNFINISHED) luaL_error(m->L, "unfinished capture");
    if (length == CAP_POSITION) lua_pushinteger(m->L, (m->capture[i].start - m->subject) + 1);
    else lua_pushlstring(m->L, m->capture[i].start, (size_t)length);
}

// Pushes every capture (or the whole match when there is none and s is set); returns how many.
static int push_captures(Matcher *m, const char *s, const char *e) {
    int count = (m->level == 0 && s) ? 1 : m->level;
    luaL_checkstack(m->L, count, "too many captures");
    for (int i = 0; i < count; i++) push_capture(m, i, s, e);
    return count;
}

// MARK: - find, match

// Lua's reading of a start position: negative counts from the end, 0 is 1, before the start is 1.
static size_t start_position(lua_Integer position, size_t length) {
    if (position > 0) return (size_t)position;
    if (position == 0) return 1;
    if (position < -(lua_Integer)length) return 1;
    return length + (size_t)position + 1;
}

static int has_specials(const char *p, size_t length) {
    for (size_t i = 0; i < length; i++)
        if (p[i] && strchr(SPECIALS, p[i])) return 1;
    return 0;
}

static int find_or_match(lua_State *L, int find) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_position(luaL_optinteger(L, 3, 1), ls) - 1;
    if (init > ls) {
        luaL_pushfail(L);
        return 1;
    }
    if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) { // a plain search: linear (glibc's two-way memmem)
        shim_charge(L, 1 + (ls - init + lp) / LUASHIM_BYTES_PER_UNIT);
        const char *found = lp == 0 ? s + init : memmem(s + init, ls - init, p, lp);
        if (!found) {
            luaL_pushfail(L);
            return 1;
        }
        lua_pushinteger(L, (lua_Integer)(found - s) + 1);
        lua_pushinteger(L, (lua_Integer)(found - s + lp));
        return 2;
    }
    int anchored = lp > 0 && *p == '^';
    const Pattern *pattern = push_pattern(L, p + anchored, p + lp);
    Matcher m;
    init_matcher(&m, L, s, ls, pattern);
    const char *start = s + init;
    do {
        const char *e = match_at(&m, start);
        if (e) {
            if (find) {
                lua_pushinteger(L, (lua_Integer)(start - s) + 1);
                lua_pushinteger(L, (lua_Integer)(e - s));
                return push_captures(&m, NULL, NULL) + 2;
            }
            return push_captures(&m, start, e);
        }
        shim_step(&m.work);
    } while (start++ < m.end && !anchored);
    luaL_pushfail(L);
    return 1;
}

int shim_string_find(lua_State *L) { return find_or_match(L, 1); }
int shim_string_match(lua_State *L) { return find_or_match(L, 0); }

// MARK: - gmatch

typedef struct {
    size_t next;      // where the next search starts
    size_t last_end;  // where the previous match ended, or SIZE_MAX
} GmatchState;

// Upvalues: 1 subject, 2 pattern userdata, 3 GmatchState.
static int gmatch_step(lua_State *L) {
    size_t ls;
    const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
    const Pattern *pattern = lua_touserdata(L, lua_upvalueindex(2));
    GmatchState *state = lua_touserdata(L, lua_upvalueindex(3));
    Matcher m;
    init_matcher(&m, L, s, ls, pattern);
    for (const char *start = s + state->next; start <= m.end; start++) {
        const char *e = match_at(&m, start);
        if (e && (size_t)(e - s) != state->last_end) {
            state->next = state->last_end = (size_t)(e - s);
            return push_captures(&m, start, e);
        }
        shim_step(&m.work);
    }
    state->next = ls + 1;
    return 0;
}

// string.gmatch(s, pattern [, init]). A '^' is an ordinary character here (the manual: it would
// stop the iteration), as in Lua.
int shim_string_gmatch(lua_State *L) {
    size_t ls, lp;
    luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_position(luaL_optinteger(L, 3, 1), ls) - 1;
    lua_settop(L, 2);
    push_pattern(L, p, p + lp);
    lua_replace(L, 2);
    GmatchState *state = lua_newuserdatauv(L, sizeof *state, 0);
    state->next = init > ls ? ls + 1 : init;
    state->last_end = SIZE_MAX;
    lua_pushcclosure(L, gmatch_step, 3);
    return 1;
}

// MARK: - gsub

// Appends the replacement string (stack index 3) for the match [s, e): %0 the match, %1…%9 the
// captures, %% a percent sign.
static void add_replacement_string(Matcher *m, luaL_Buffer *b, const char *s, const char *e) {
    lua_State *L = m->L;
    size_t l;
    const char *r = lua_tolstring(L, 3, &l);
    const char *end = r + l;
    while (r < end) {
        const char *percent = memchr(r, '%', (size_t)(end - r));
        if (!percent) {
            luaL_addlstring(b, r, (size_t)(end - r));
            break;
        }
        luaL_addlstring(b, r, (size_t)(percent - r));
        r = percent + 1;
        if (r < end && *r == '%') {
            luaL_addchar(b, '%');
        } else if (r < end && isdigit((unsigned char)*r)) {
            if (*r == '0') {
                luaL_addlstring(b, s, (size_t)(e - s));
            } else {
                push_capture(m, *r - '1', s, e);
                luaL_tolstring(L, -1, NULL); // a position capture is a number
                lua_remove(L, -2);
                luaL_addvalue(b);
            }
        } else {
            luaL_error(L, "invalid use of '%%' in replacement string");
        }
        r++;
    }
}

// Appends what replaces the match [s, e): from the string, the table or the function at stack
// index 3; false or nil keeps the match as it was.
static void add_replacement(Matcher *m, luaL_Buffer *b, const char *s, const char *e, int type) {
    lua_State *L = m->L;
    if (type == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        int n = push_captures(m, s, e);
        lua_call(L, n, 1);
    } else if (type == LUA_TTABLE) {
        push_capture(m, 0, s, e);
        lua_gettable(L, 3);
    } else {
        add_replacement_string(m, b, s, e);
        return;
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
    } else if (!lua_isstring(L, -1)) {
        luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    } else {
        luaL_addvalue(b);
    }
}

int shim_string_gsub(lua_State *L) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    int type = lua_type(L, 3);
    lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    luaL_argexpected(L, type == LUA_TNUMBER || type == LUA_TSTRING || type == LUA_TFUNCTION || type == LUA_TTABLE, 3,
                     "string/function/table");
    lua_settop(L, 3);
    int anchored = lp > 0 && *p == '^';
    const Pattern *pattern = push_pattern(L, p + anchored, p + lp); // 4
    Matcher m;
    init_matcher(&m, L, s, ls, pattern);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    const char *src = s, *last_end = NULL;
    lua_Integer n = 0;
    while (n < max) {
        const char *e = match_at(&m, src);
        if (e && e != last_end) {
            n++;
            add_replacement(&m, &b, src, e, type);
            src = last_end = e;
        } else if (src < m.end) {
            luaL_addchar(&b, *src++);
        } else {
            break;
        }
        if (anchored) break;
        shim_step(&m.work);
    }
    luaL_addlstring(&b, src, (size_t)(m.end - src));
    shim_charge(L, 1 + ls / LUASHIM_BYTES_PER_UNIT);
    luaL_pushresult(&b);
    lua_pushinteger(L, n);
    return 2;
}
