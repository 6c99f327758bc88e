// hiredis from Debian's libhiredis-dev (0.14 on bookworm: no TLS support).
#include <hiredis.h>
