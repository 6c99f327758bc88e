// libcurl from Debian's libcurl4-openssl-dev (7.88 on bookworm), for the Docker engine's HTTP API
// over its unix socket.
//
// Why a shim: curl_easy_setopt and curl_easy_getinfo are variadic, and Swift cannot call a C
// variadic function. Each wrapper below passes one argument type straight through, and only the
// types Assay uses; nothing else lives here.
#include <curl/curl.h>

/// A write or header callback: receives `size * count` bytes, returns how many it took (fewer
/// aborts the transfer with CURLE_WRITE_ERROR).
typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t count, void *user);

static inline CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// libcurl copies the string (since 7.17): it need not outlive the call.
static inline CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_setopt_callback(CURL *handle, CURLoption option, ccurl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// The string belongs to the handle: copy it before curl_easy_cleanup.
static inline CURLcode ccurl_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}
