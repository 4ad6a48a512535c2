/* The errors the N-API bindings throw (udp-napi.c, tcp-napi.c, stream.c). */
#ifndef CHAINDNS_ERRORS_H
#define CHAINDNS_ERRORS_H
#include <node_api.h>

/* Hidden: not among the addon's exported symbols. */
#pragma GCC visibility push(hidden)
/* Returns NULL after making sure an exception is pending, for `return fail(...)`. */
napi_value fail(napi_env env, const char *message);
/* Throws Node's system error shape ("bind EADDRINUSE 127.0.0.1:53", code "EADDRINUSE"). */
napi_value fail_sys(napi_env env, const char *syscall, int uv_err, const char *address, int port);
#pragma GCC visibility pop

#endif
