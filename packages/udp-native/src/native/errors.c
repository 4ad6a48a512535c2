/* The errors the N-API bindings throw (udp-napi.c, tcp-napi.c, stream.c). */
#include <stdbool.h>
#include <stdio.h>

#include <uv.h>

#include "errors.h"

/* Returns NULL after making sure an exception is pending, for `return fail(...)`. */
napi_value fail(napi_env env, const char *message) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, "ERR_UDP_NATIVE", message);
  return NULL;
}

/* A system error as Node reports it: code "EADDRINUSE", message "bind EADDRINUSE ...". */
napi_value fail_sys(napi_env env, const char *syscall, int uv_err, const char *address, int port) {
  char message[160];
  snprintf(message, sizeof message, "%s %s %s:%d", syscall, uv_err_name(uv_err), address, port);
  napi_throw_error(env, uv_err_name(uv_err), message);
  return NULL;
}
