/* The native DNS over TCP listener (see tcp.c); the bindings declared here are in tcp-napi.c. */
#ifndef CHAINDNS_TCP_H
#define CHAINDNS_TCP_H
#include <node_api.h>

/* Int32 words per event row, and rows per JS call. */
#define TCP_ROW 10
#define TCP_ROWS 1024
/* An id's low bits: its slot, reused as connections close. */
#define TCP_SLOT_BITS 20

napi_value js_tcp_listen(napi_env env, napi_callback_info info);
napi_value js_tcp_sockname(napi_env env, napi_callback_info info);
napi_value js_tcp_send(napi_env env, napi_callback_info info);
napi_value js_tcp_answered(napi_env env, napi_callback_info info);
napi_value js_tcp_close(napi_env env, napi_callback_info info);
napi_value js_tcp_end(napi_env env, napi_callback_info info);
napi_value js_tcp_stop(napi_env env, napi_callback_info info);
napi_value js_tcp_dispose(napi_env env, napi_callback_info info);

#endif
