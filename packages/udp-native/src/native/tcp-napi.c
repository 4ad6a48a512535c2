/*
 * The N-API bindings of the native DNS over TCP engine (tcp.c): tcpListen makes a listener, the
 * others take its handle (a napi external) and, most of them, a connection id. tcp.h declares
 * them for the addon's exports (udp-napi.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <node_api.h>
#include <uv.h>

#include "errors.h"
#include "stream.h"
#include "tcp.h"
#include "tcp-internal.h"

/* ---- napi -------------------------------------------------------------------- */

static void on_env_cleanup(napi_async_cleanup_hook_handle handle, void *arg) {
  (void)handle;
  listener_t *l = arg;
  l->in_wakeup = 0;
  dispose(l);
}

static void on_finalize(napi_env env, void *data, void *hint) {
  (void)env, (void)hint;
  listener_t *l = data;
  l->finalized = 1;
  dispose(l);
  if (l->handles_open == 0) release_listener(l);
}

/* The listener and the connection id of a call's first two arguments. */
static listener_t *args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, uint32_t *id) {
  size_t argc = want;
  void *l = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want ||
      napi_get_value_external(env, argv[0], &l) != napi_ok ||
      (id && napi_get_value_uint32(env, argv[1], id) != napi_ok)) {
    fail(env, "tcp: bad arguments");
    return NULL;
  }
  return l;
}

static napi_value int_value(napi_env env, int32_t v) {
  napi_value result;
  return napi_create_int32(env, v, &result) == napi_ok ? result : NULL;
}

/* tcpListen(address, port, reusePort, maxPending, meta: Int32Array, onBatch) -> handle */
napi_value js_tcp_listen(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  char address[64];
  size_t address_len;
  int32_t port, max_pending;
  bool reuse_port;
  napi_valuetype fn_type;
  napi_typedarray_type type;
  size_t meta_len;
  void *meta;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 6 ||
      napi_get_value_string_utf8(env, argv[0], address, sizeof address, &address_len) != napi_ok ||
      napi_get_value_int32(env, argv[1], &port) != napi_ok ||
      napi_get_value_bool(env, argv[2], &reuse_port) != napi_ok ||
      napi_get_value_int32(env, argv[3], &max_pending) != napi_ok || max_pending < 1 ||
      napi_get_typedarray_info(env, argv[4], &type, &meta_len, &meta, NULL, NULL) != napi_ok ||
      type != napi_int32_array || meta_len < (size_t)TCP_ROWS * TCP_ROW ||
      napi_typeof(env, argv[5], &fn_type) != napi_ok || fn_type != napi_function)
    return fail(env, "tcpListen: bad arguments");
  const char *syscall = "bind";
  int fd = address_len >= sizeof address - 1 ? UV_EINVAL : stream_socket(address, port, reuse_port, &syscall);
  if (fd < 0) return fail_sys(env, syscall, fd, address, port);
  /* TCP_NODELAY as Node's net with noDelay; Linux gives it to every accepted socket, one call for
   * all. The kernel caps the backlog at net.core.somaxconn. */
  int on = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) < 0 || listen(fd, SOMAXCONN) < 0) {
    int err = uv_translate_sys_error(errno);
    close(fd);
    return fail_sys(env, "listen", err, address, port);
  }
  uv_loop_t *loop;
  int epfd = epoll_create1(EPOLL_CLOEXEC);
  listener_t *l = epfd < 0 ? NULL : calloc(1, sizeof *l);
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = LISTEN_KEY};
  if (!l || napi_get_uv_event_loop(env, &loop) != napi_ok || epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ||
      uv_poll_init(loop, &l->poll, epfd) < 0) {
    int err = uv_translate_sys_error(errno);
    if (epfd >= 0) close(epfd);
    close(fd);
    free(l);
    return fail_sys(env, "listen", err ? err : UV_ENOMEM, address, port);
  }
  l->env = env;
  l->epfd = epfd;
  l->lfd = fd;
  l->max_pending = max_pending;
  l->meta = meta;
  l->poll.data = l;
  l->kick.data = l;
  uv_timer_init(loop, &l->kick);
  l->handles_open = 2;
  /* Neither keeps the process alive by itself: the JS listener decides that (as net.Server). */
  uv_unref((uv_handle_t *)&l->kick);
  napi_value handle, resource, resource_name;
  if (napi_create_external(env, l, on_finalize, NULL, &handle) != napi_ok) {
    l->finalized = 1;
    dispose(l);
    return fail(env, "tcpListen: cannot create handle");
  }
  if (napi_add_async_cleanup_hook(env, on_env_cleanup, l, &l->cleanup) != napi_ok ||
      napi_create_object(env, &resource) != napi_ok ||
      napi_create_string_utf8(env, "chaindns:tcp-native", NAPI_AUTO_LENGTH, &resource_name) != napi_ok ||
      napi_async_init(env, resource, resource_name, &l->async) != napi_ok ||
      napi_create_reference(env, argv[5], 1, &l->on_batch) != napi_ok ||
      napi_create_reference(env, argv[4], 1, &l->meta_ref) != napi_ok ||
      uv_poll_start(&l->poll, UV_READABLE, on_ready) < 0) {
    dispose(l);
    return fail(env, "tcpListen: setup failed");
  }
  return handle;
}

/* tcpSockname(handle, row: Int32Array) -> 4 | 6: the local end in udp.c's row layout */
napi_value js_tcp_sockname(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  listener_t *l = args(env, info, 2, argv, NULL);
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (!l) return NULL;
  if (napi_get_typedarray_info(env, argv[1], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_int32_array || length < 8)
    return fail(env, "tcpSockname: bad row");
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (l->lfd < 0 || getsockname(l->lfd, (struct sockaddr *)&ss, &len) < 0) return fail(env, "tcpSockname: not listening");
  row_from_sockaddr(data, &ss);
  return int_value(env, ((int32_t *)data)[1]);
}

/* tcpSend(handle, id, data, answers) -> 0 written, 1 some waits for the client (reading stops
 * until it is out: a DRAINED row), -1 no such connection or it failed (close it). `answers`:
 * the message answers a query (not a zone transfer's further one). */
napi_value js_tcp_send(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  uint32_t id;
  bool answers;
  napi_typedarray_type type;
  size_t length;
  void *data;
  listener_t *l = args(env, info, 4, argv, &id);
  if (!l) return NULL;
  if (napi_get_typedarray_info(env, argv[2], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_uint8_array ||
      length > 65535 || napi_get_value_bool(env, argv[3], &answers) != napi_ok)
    return fail(env, "tcpSend: bad arguments");
  conn_t *c = l->disposed ? NULL : lookup(l, id);
  if (!c) return int_value(env, -1);
  if (answers && c->inflight > 0) answered(l, c);
  uint8_t head[2] = {(uint8_t)(length >> 8), (uint8_t)length};
  size_t written = 0, total = length + 2;
  /* During a JS call: queued, written with the call's other answers when it returns. */
  int queue = l->in_callback && (c->queued || out_pending(c) == 0);
  if (queue && !c->queued) {
    if (!push_id(&l->queued, &l->nqueued, &l->queued_cap, c->id)) return int_value(env, -1);
    c->queued = 1;
  }
  if (out_pending(c) == 0 && !queue) {
    struct iovec iov[2] = {{head, 2}, {data, length}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
    ssize_t r;
    while ((r = sendmsg(c->fd, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
    }
    if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return int_value(env, -1);
    if (r == (ssize_t)total) return int_value(env, 0);
    written = r > 0 ? (size_t)r : 0;
  }
  size_t rest = total - written;
  if (c->out_end + rest > c->out_cap) {
    memmove(c->out, c->out + c->out_off, out_pending(c));
    c->out_end -= c->out_off;
    c->out_off = 0;
    if (c->out_end + rest > c->out_cap) {
      size_t cap = c->out_cap * 2 > c->out_end + rest ? c->out_cap * 2 : c->out_end + rest;
      uint8_t *out = realloc(c->out, cap);
      if (!out) return int_value(env, -1);
      c->out = out;
      c->out_cap = cap;
    }
  }
  if (written < 2) {
    memcpy(c->out + c->out_end, head + written, 2 - written);
    c->out_end += 2 - written;
    written = 2;
  }
  memcpy(c->out + c->out_end, (uint8_t *)data + (written - 2), length - (written - 2));
  c->out_end += length - (written - 2);
  if (queue) return int_value(env, 0);
  update_interest(l, c);
  return int_value(env, 1);
}

/* The connection a call (handle, id) names, or NULL when it is gone or the listener disposed;
 * `*l` is NULL after bad arguments (an exception is pending). */
static conn_t *conn_args(napi_env env, napi_callback_info info, listener_t **l, uint32_t *id) {
  napi_value argv[2];
  *l = args(env, info, 2, argv, id);
  return *l && !(*l)->disposed ? lookup(*l, *id) : NULL;
}

/* Closes `c` now, or during a wakeup at its end. */
static void close_now(listener_t *l, conn_t *c, uint32_t id) {
  if (!l->in_wakeup) {
    free_conn(l, c);
  } else if (push_id(&l->doomed, &l->ndoomed, &l->doomed_cap, id)) {
    c->doomed = 1;
  } else {
    free_conn(l, c); /* no memory to wait: close now, C looks the id up again after JS returns */
  }
}

/* tcpAnswered(handle, id): a message handed out needs no answer (dropped, or NO_REPLY) */
napi_value js_tcp_answered(napi_env env, napi_callback_info info) {
  listener_t *l;
  uint32_t id;
  conn_t *c = conn_args(env, info, &l, &id);
  if (c && c->inflight > 0) answered(l, c);
  return NULL;
}

/* tcpClose(handle, id): closes the connection now (during a wakeup: at its end) */
napi_value js_tcp_close(napi_env env, napi_callback_info info) {
  listener_t *l;
  uint32_t id;
  conn_t *c = conn_args(env, info, &l, &id);
  if (c) close_now(l, c, id);
  return NULL;
}

/* tcpEnd(handle, id) -> true when closed now (or gone already); false: it closes once its
 * answers are out (a CLOSED row) */
napi_value js_tcp_end(napi_env env, napi_callback_info info) {
  napi_value result;
  listener_t *l;
  uint32_t id;
  conn_t *c = conn_args(env, info, &l, &id);
  if (!l) return NULL;
  bool now = !c || out_pending(c) == 0;
  if (c && now) {
    close_now(l, c, id);
  } else if (c) {
    c->ending = 1;
    update_interest(l, c);
  }
  return napi_get_boolean(env, now, &result) == napi_ok ? result : NULL;
}

/* tcpStop(handle): accepts no more connections (the port is free when it returns) */
napi_value js_tcp_stop(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  listener_t *l = args(env, info, 1, argv, NULL);
  if (!l) return NULL;
  if (l->lfd >= 0) {
    epoll_ctl(l->epfd, EPOLL_CTL_DEL, l->lfd, NULL);
    close(l->lfd);
    l->lfd = -1;
  }
  return NULL;
}

/* tcpDispose(handle): closes every connection and the listener, for good */
napi_value js_tcp_dispose(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  listener_t *l = args(env, info, 1, argv, NULL);
  if (l) dispose(l);
  return NULL;
}
