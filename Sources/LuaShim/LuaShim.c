#include "LuaShim.h"
