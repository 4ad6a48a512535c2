/* What the batched UDP engine (udp.c) shares with its N-API bindings (udp-napi.c): the sizes of
 * the buffers shared with JS, a row's words, a socket's state, and the engine functions the
 * bindings call. binding_t holds struct mmsghdr: define _GNU_SOURCE before any include. */
#ifndef CHAINDNS_UDP_INTERNAL_H
#define CHAINDNS_UDP_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <node_api.h>
#include <uv.h>

#define BATCH 32      /* datagrams per recvmmsg / sendmmsg */
/* Receive slots hold the largest UDP payload, so no datagram is ever truncated; the
 * memory is malloc'd (mmap'd, lazily faulted), so only the pages written cost RAM. */
#define RECV_SLOT 65536
/* Send slots fit every reply up to the common EDNS limit; larger ones go out directly. */
#define SEND_SLOT 4096
/* One cache line of padding, so slot starts fall in different cache sets. */
#define RECV_STRIDE (RECV_SLOT + 64)
#define SEND_STRIDE (SEND_SLOT + 64)
#define ROW 8

enum { M_LEN, M_FAMILY, M_PORT, M_W0, M_SCOPE = 7 };

typedef struct {
  napi_env env;
  uv_poll_t poll;
  int fd;
  int family;      /* AF_INET or AF_INET6 */
  int closed;      /* fd closed, JS references dropped: touch no JS memory */
  int poll_closed; /* uv_close has called back */
  int finalized;   /* the JS handle is gone */
  int in_callback; /* JS is running a batch: the async context is in use */
  int connected;   /* connect()ed to one peer: sends carry no destination */
  int send_error;  /* the first failed send's errno since JS last asked (flush, sendTo) */
  napi_async_cleanup_hook_handle cleanup;
  napi_async_context async;
  napi_ref on_batch, on_error, send_buf_ref, send_meta_ref, recv_meta_ref, pool_ref;
  uint8_t *pool; /* the current pool Buffer's bytes; JS holds slices of its used part */
  size_t pool_len, pool_used;
  uint8_t *send_buf;
  int32_t *send_meta, *recv_meta;
  uint8_t *recv_buf;
  struct mmsghdr rmsg[BATCH], smsg[BATCH];
  struct iovec riov[BATCH], siov[BATCH];
  struct sockaddr_storage raddr[BATCH], saddr[BATCH];
} binding_t;

/* Hidden, as when they were static: not among the addon's exported symbols, and calls within
 * udp.c stay direct (no PLT, inlinable). */
#pragma GCC visibility push(hidden)
socklen_t sockaddr_from_row(int family, const int32_t *row, struct sockaddr_storage *ss);
void release_binding(binding_t *b);
void on_poll_closed(uv_handle_t *handle);
void teardown(binding_t *b);
void send_slots(binding_t *b, int count);
void on_readable(uv_poll_t *poll, int status, int events);
#pragma GCC visibility pop

#endif
