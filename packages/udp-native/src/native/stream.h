/* The listening TCP sockets chaindns shares between threads and processes (see stream.c). */
#ifndef CHAINDNS_STREAM_H
#define CHAINDNS_STREAM_H
#include <node_api.h>

napi_value js_bind_stream(napi_env env, napi_callback_info info);

#endif
