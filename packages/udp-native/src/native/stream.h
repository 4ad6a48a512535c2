/* The listening TCP sockets chaindns shares between threads and processes (see stream.c), and the
 * native DNS over TCP listener's (tcp-napi.c). */
#ifndef CHAINDNS_STREAM_H
#define CHAINDNS_STREAM_H
#include <stdint.h>
#include <sys/socket.h>
#include <node_api.h>

napi_value js_bind_stream(napi_env env, napi_callback_info info);
/* A bound, non-blocking TCP socket ("::" dual-stack, SO_REUSEADDR, SO_REUSEPORT when asked):
 * its descriptor, or a negative libuv error with the failed call in *syscall. */
int stream_socket(const char *address, int port, int reuse_port, const char **syscall);
/* The address row udp.c fills: [length, family (4|6), port, w0..w3, scope]; a v4-mapped peer as IPv4. */
void row_from_sockaddr(int32_t *row, const struct sockaddr_storage *ss);

#endif
