// libpq from Debian's libpq-dev; pkg-config libpq adds -I/usr/include/postgresql.
#include <libpq-fe.h>
