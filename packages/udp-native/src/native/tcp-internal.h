/* What the native DNS over TCP engine (tcp.c) shares with its N-API bindings (tcp-napi.c): a
 * connection's and a listener's state, and the engine functions the bindings call. */
#ifndef CHAINDNS_TCP_INTERNAL_H
#define CHAINDNS_TCP_INTERNAL_H
#include <stddef.h>
#include <stdint.h>

#include <node_api.h>
#include <uv.h>

#define SCRATCH 65536 /* bytes per read into the listener's scratch buffer */
/* The epoll key of the listening socket; a connection's is its id. */
#define LISTEN_KEY UINT32_MAX

typedef struct {
  int fd;
  uint32_t id;
  int doomed;   /* closed by JS during a wakeup: closed at its end, seen by nobody meanwhile */
  int eof;      /* the client closed its side */
  int ending;   /* close once the output is out */
  int kicked;   /* on the kick list */
  int queued;   /* answers queued during a JS call, written when it returns */
  int inflight; /* messages handed to JS and not answered */
  uint32_t interest;
  uint8_t *in; /* a message's first part; while paused, whole ones after it */
  size_t in_len, in_cap;
  uint8_t *out; /* answers the kernel would not take yet */
  size_t out_off, out_end, out_cap;
} conn_t;

typedef struct {
  napi_env env;
  uv_poll_t poll;
  uv_timer_t kick;
  int epfd, lfd;
  int max_pending;
  int disposed;      /* every descriptor closed, JS let go of */
  int handles_open;  /* uv handles whose close has not called back */
  int finalized;     /* the JS handle is gone */
  int in_wakeup;     /* C is walking connections: JS's closes wait for the end */
  int in_callback;   /* JS runs: the async context is in use */
  int dispose_later; /* JS disposed during a wakeup */
  int accept_paused; /* out of descriptors: the listening socket rests until a connection closes */
  napi_async_cleanup_hook_handle cleanup;
  napi_async_context async;
  napi_ref on_batch, meta_ref, pool_ref;
  int32_t *meta;
  int rows;
  int urgent; /* a row JS must see now; CLOSED rows alone wait for the next call */
  uint8_t *pool;
  size_t pool_len, pool_used, batch_start;
  conn_t **slots;
  uint16_t *gens;
  uint32_t *free_slots;
  uint32_t cap, nfree, used;
  uint32_t *doomed, ndoomed, doomed_cap;
  uint32_t *kicks, nkicks, kicks_cap;
  uint32_t *queued, nqueued, queued_cap; /* connections with answers queued in this JS call */
  uint8_t scratch[SCRATCH];
} listener_t;

/* Hidden, as when they were static: not among the addon's exported symbols, and calls within
 * tcp.c stay direct (no PLT, inlinable). */
#pragma GCC visibility push(hidden)
conn_t *lookup(listener_t *l, uint32_t id);
int push_id(uint32_t **list, uint32_t *n, uint32_t *cap, uint32_t id);
void free_conn(listener_t *l, conn_t *c);
size_t out_pending(const conn_t *c);
void update_interest(listener_t *l, conn_t *c);
void answered(listener_t *l, conn_t *c);
void release_listener(listener_t *l);
void dispose(listener_t *l);
void on_ready(uv_poll_t *poll, int status, int events);
#pragma GCC visibility pop

#endif
