/*
 * Batched UDP for chaindns (Linux). A uv_poll_t watches a non-blocking socket in
 * Node's own loop; on readable, recvmmsg takes up to BATCH datagrams, JS is called
 * once for the whole batch, and the replies JS queued leave in one sendmmsg.
 *
 * Shared with JS, per binding (JS allocates them, we keep references):
 *   send_buf   BATCH slots of SEND_SLOT bytes, SEND_STRIDE apart: queued replies
 *   send_meta  BATCH + 1 rows of ROW int32: each slot's length and destination;
 *              the extra last row is the destination of a direct send (sendTo)
 *   recv_meta  BATCH rows of ROW int32: each received datagram's length and source
 * A row is [length, family (4|6), port, w0, w1, w2, w3, scope id]: the address in
 * host-order 32-bit words (IPv4 in w0, also an IPv4 peer of a dual-stack socket), so JS
 * reads it without knowing endianness.
 *
 * A socket may be connected to one peer (a client socket towards an upstream): the kernel
 * then takes datagrams from that peer alone, sends ignore the rows' destinations, and the
 * peer's ICMP errors (a refused port) reach JS through onError, as do failed sends.
 */
#define _GNU_SOURCE
#ifndef __linux__
#error "@chaindns/udp-native needs Linux (recvmmsg/sendmmsg)"
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <node_api.h>
#include <uv.h>

#include "stream.h"
#include "tcp.h"

#define BATCH 32      /* datagrams per recvmmsg / sendmmsg */
#define MAX_ROUNDS 8  /* batches per wakeup, so other handles in the loop get their turn */
/* Receive slots hold the largest UDP payload, so no datagram is ever truncated; the
 * memory is malloc'd (mmap'd, lazily faulted), so only the pages written cost RAM. */
#define RECV_SLOT 65536
/* Send slots fit every reply up to the common EDNS limit; larger ones go out directly. */
#define SEND_SLOT 4096
/* One cache line of padding, so slot starts fall in different cache sets. */
#define RECV_STRIDE (RECV_SLOT + 64)
#define SEND_STRIDE (SEND_SLOT + 64)
#define ROW 8
/* Batches are copied back to back into a pool Buffer, a new one when the batch does
 * not fit: one ArrayBuffer per ~a thousand queries, not one per batch, since the
 * young-generation GC sweeps every dead ArrayBuffer it finds, one by one. Small enough
 * that a pool is done with before the next scavenge even in V8's smallest young
 * generation (1 MB; queries allocate ~25x the bytes they take in the pool): a pool that
 * lives through two scavenges is promoted, and promoted pools pile up as external memory
 * until a full mark-compact (a 5-12 ms pause) frees them. 256 KB pools did that. */
#define POOL_SIZE (32 * 1024)
/* The receive buffer asked for (the kernel caps it at net.core.rmem_max): a burst that
 * comes while the process is busy waits in it instead of being dropped. As core's dgram
 * transport asks. */
#define RECV_BUFFER (4 << 20)

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

/* ---- addresses ---------------------------------------------------------------- */

/* An IPv4 peer of a dual-stack socket (IPV6_V6ONLY off) arrives as ::ffff:a.b.c.d; it is
 * reported as the IPv4 address it is, family 4, as core's dgram transport and TCP listener
 * report it (CoreDNS sees 127.0.0.1 there too): whoami answers A, metrics count family 1.
 * Sending to a family-4 row from an AF_INET6 socket maps it back (sockaddr_from_row). */
void row_from_sockaddr(int32_t *row, const struct sockaddr_storage *ss) {
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
    row[M_FAMILY] = 4;
    row[M_PORT] = ntohs(sin->sin_port);
    row[M_W0] = (int32_t)ntohl(sin->sin_addr.s_addr);
    row[M_W0 + 1] = row[M_W0 + 2] = row[M_W0 + 3] = row[M_SCOPE] = 0;
    return;
  }
  const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
  row[M_PORT] = ntohs(sin6->sin6_port);
  if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
    uint32_t w;
    memcpy(&w, &sin6->sin6_addr.s6_addr[12], 4);
    row[M_FAMILY] = 4;
    row[M_W0] = (int32_t)ntohl(w);
    row[M_W0 + 1] = row[M_W0 + 2] = row[M_W0 + 3] = row[M_SCOPE] = 0;
    return;
  }
  row[M_FAMILY] = 6;
  for (int k = 0; k < 4; k++) {
    uint32_t w;
    memcpy(&w, &sin6->sin6_addr.s6_addr[4 * k], 4);
    row[M_W0 + k] = (int32_t)ntohl(w);
  }
  row[M_SCOPE] = (int32_t)sin6->sin6_scope_id;
}

/* The row's destination as this socket's family would send it; 0 if it cannot. Rows come
 * from row_from_sockaddr, so an IPv4 address is never in v4-mapped form here. */
static socklen_t sockaddr_from_row(int family, const int32_t *row, struct sockaddr_storage *ss) {
  int32_t port = row[M_PORT];
  if (port < 1 || port > 65535) return 0;
  int v4 = row[M_FAMILY] == 4;
  memset(ss, 0, sizeof *ss);
  if (family == AF_INET) {
    if (!v4) return 0;
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    sin->sin_family = AF_INET;
    sin->sin_port = htons((uint16_t)port);
    sin->sin_addr.s_addr = htonl((uint32_t)row[M_W0]);
    return sizeof *sin;
  }
  /* An AF_INET6 socket reaches IPv4 peers through v4-mapped addresses. */
  uint32_t words[4] = {0, 0, 0xffff, (uint32_t)row[M_W0]};
  if (!v4)
    for (int k = 0; k < 4; k++) words[k] = (uint32_t)row[M_W0 + k];
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons((uint16_t)port);
  for (int k = 0; k < 4; k++) {
    uint32_t w = htonl(words[k]);
    memcpy(&sin6->sin6_addr.s6_addr[4 * k], &w, 4);
  }
  sin6->sin6_scope_id = v4 ? 0 : (uint32_t)row[M_SCOPE];
  return sizeof *sin6;
}

/* ---- napi helpers ------------------------------------------------------------ */

/* Returns NULL after making sure an exception is pending, for `return fail(...)`. */
static napi_value fail(napi_env env, const char *message) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, "ERR_UDP_NATIVE", message);
  return NULL;
}

/* A system error as Node reports it: code "EADDRINUSE", message "bind EADDRINUSE ...". */
static napi_value fail_sys(napi_env env, const char *syscall, int uv_err, const char *address,
                           int port) {
  char message[160];
  snprintf(message, sizeof message, "%s %s %s:%d", syscall, uv_err_name(uv_err), address, port);
  napi_throw_error(env, uv_err_name(uv_err), message);
  return NULL;
}

static binding_t *binding_arg(napi_env env, napi_value value) {
  void *b = NULL;
  if (napi_get_value_external(env, value, &b) != napi_ok) return NULL;
  return b;
}

/* The data of an Int32Array of at least `rows` rows, or NULL. */
static int32_t *meta_arg(napi_env env, napi_value value, size_t rows) {
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, NULL, NULL) != napi_ok ||
      type != napi_int32_array || length < rows * ROW)
    return NULL;
  return data;
}

/* ---- lifecycle --------------------------------------------------------------- */

static void release(binding_t *b) {
  free(b->recv_buf);
  free(b);
}

static void on_poll_closed(uv_handle_t *handle) {
  binding_t *b = handle->data;
  b->poll_closed = 1;
  if (b->cleanup) napi_remove_async_cleanup_hook(b->cleanup);
  if (b->finalized) release(b);
}

/* Both calls accept the NULLs of a half-done open. */
static void release_js(binding_t *b) {
  napi_delete_reference(b->env, b->on_batch);
  napi_delete_reference(b->env, b->on_error);
  napi_delete_reference(b->env, b->send_buf_ref);
  napi_delete_reference(b->env, b->send_meta_ref);
  napi_delete_reference(b->env, b->recv_meta_ref);
  napi_delete_reference(b->env, b->pool_ref);
  napi_async_destroy(b->env, b->async);
}

/* Stops polling, closes the socket and lets go of JS; the struct lives until both
 * uv_close has called back and the JS handle is collected. */
static void teardown(binding_t *b) {
  if (b->closed) return;
  b->closed = 1;
  /* uv_close takes the fd out of epoll at once, so closing it right away is safe and
   * the port is free when close() returns. */
  uv_close((uv_handle_t *)&b->poll, on_poll_closed);
  close(b->fd);
  b->fd = -1;
  if (!b->in_callback) release_js(b); /* else deliver() does it when JS returns */
}

/* Node is tearing the environment down (process exit, worker end). */
static void on_env_cleanup(napi_async_cleanup_hook_handle handle, void *arg) {
  (void)handle;
  teardown(arg);
}

static void on_finalize(napi_env env, void *data, void *hint) {
  (void)env, (void)hint;
  binding_t *b = data;
  b->finalized = 1;
  teardown(b);
  if (b->poll_closed) release(b);
}

/* ---- sending ----------------------------------------------------------------- */

/* Sends the first `count` send slots in one sendmmsg (more only on a partial send). */
static void send_slots(binding_t *b, int count) {
  int ready = 0;
  for (int i = 0; i < count && i < BATCH; i++) {
    const int32_t *row = b->send_meta + i * ROW;
    if (row[M_LEN] < 0 || row[M_LEN] > SEND_SLOT) continue;
    socklen_t alen = b->connected ? 0 : sockaddr_from_row(b->family, row, &b->saddr[ready]);
    if (alen == 0 && !b->connected) continue;
    b->siov[ready].iov_base = b->send_buf + (size_t)i * SEND_STRIDE;
    b->siov[ready].iov_len = (size_t)row[M_LEN];
    memset(&b->smsg[ready], 0, sizeof b->smsg[ready]);
    b->smsg[ready].msg_hdr.msg_name = b->connected ? NULL : &b->saddr[ready];
    b->smsg[ready].msg_hdr.msg_namelen = alen;
    b->smsg[ready].msg_hdr.msg_iov = &b->siov[ready];
    b->smsg[ready].msg_hdr.msg_iovlen = 1;
    ready++;
  }
  int sent = 0;
  while (sent < ready) {
    int r = sendmmsg(b->fd, b->smsg + sent, (unsigned)(ready - sent), 0);
    if (r > 0) {
      sent += r;
    } else if (r < 0 && errno == EINTR) {
      continue;
    } else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
      break; /* the socket's send buffer is full: drop the rest, as DNS clients retry */
    } else {
      if (!b->send_error) b->send_error = errno;
      sent++; /* this one cannot go (no route, too big, refused): skip it, send the others */
    }
  }
}

/* ---- receiving --------------------------------------------------------------- */

/* Tells JS about a socket error (errno `err`): onError(code). */
static void report(binding_t *b, int err) {
  napi_env env = b->env;
  napi_handle_scope scope;
  if (b->closed || napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value code, fn, recv, result;
  if (napi_create_string_utf8(env, uv_err_name(uv_translate_sys_error(err)), NAPI_AUTO_LENGTH, &code) == napi_ok &&
      napi_get_reference_value(env, b->on_error, &fn) == napi_ok && napi_get_global(env, &recv) == napi_ok) {
    b->in_callback = 1;
    napi_status st = napi_make_callback(env, b->async, recv, fn, 1, &code, &result);
    b->in_callback = 0;
    if (b->closed) release_js(b);
    if (st == napi_pending_exception) {
      napi_value error;
      if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
    }
  }
  napi_close_handle_scope(env, scope);
}

/* Datagrams received (0 when drained); -errno for an error the socket reported (a
 * connected socket's refused port). */
static int receive(binding_t *b) {
  for (int i = 0; i < BATCH; i++) {
    b->rmsg[i].msg_hdr.msg_namelen = sizeof b->raddr[i];
    b->rmsg[i].msg_hdr.msg_flags = 0;
  }
  for (;;) {
    int n = recvmmsg(b->fd, b->rmsg, BATCH, MSG_DONTWAIT, NULL);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
  }
}

/* Makes the pool a new Buffer of `size` bytes. The old one lives on while JS holds
 * slices of it; no one writes it again. */
static int renew_pool(binding_t *b, size_t size) {
  napi_value buffer;
  void *data;
  if (napi_create_buffer(b->env, size, &data, &buffer) != napi_ok) return 0;
  napi_ref ref;
  if (napi_create_reference(b->env, buffer, 1, &ref) != napi_ok) return 0;
  napi_delete_reference(b->env, b->pool_ref);
  b->pool_ref = ref;
  b->pool = data;
  b->pool_len = size;
  b->pool_used = 0;
  return 1;
}

/* Hands a batch to JS: the datagrams copied back to back into the pool at `offset`
 * (the handler owns its piece, the slots are free again at once), their sources in
 * recv_meta. */
static void deliver(binding_t *b, int n) {
  napi_env env = b->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  size_t total = 0;
  for (int i = 0; i < n; i++) total += b->rmsg[i].msg_len;
  /* No pool yet (the first batch, even of empty datagrams), or this one does not fit. */
  if ((!b->pool_ref || total > b->pool_len - b->pool_used) &&
      !renew_pool(b, total > POOL_SIZE ? total : POOL_SIZE)) {
    napi_close_handle_scope(env, scope);
    return;
  }
  size_t offset = b->pool_used;
  b->pool_used += total;
  napi_value argv[3], fn, recv, result;
  if (napi_get_reference_value(env, b->pool_ref, &argv[0]) == napi_ok &&
      napi_create_uint32(env, (uint32_t)offset, &argv[1]) == napi_ok &&
      napi_create_int32(env, n, &argv[2]) == napi_ok &&
      napi_get_reference_value(env, b->on_batch, &fn) == napi_ok &&
      napi_get_global(env, &recv) == napi_ok) {
    uint8_t *out = b->pool + offset;
    for (int i = 0; i < n; i++) {
      int32_t *row = b->recv_meta + i * ROW;
      size_t len = b->rmsg[i].msg_len;
      if (len > 0) memcpy(out, b->recv_buf + (size_t)i * RECV_STRIDE, len);
      out += len;
      row[M_LEN] = (int32_t)len;
      row_from_sockaddr(row, &b->raddr[i]);
    }
    /* make_callback, not call_function: Node runs nextTicks and microtasks after it,
     * as after any I/O callback. A throw there is the process's uncaught exception. */
    b->in_callback = 1;
    napi_status st = napi_make_callback(env, b->async, recv, fn, 3, argv, &result);
    b->in_callback = 0;
    if (b->closed) release_js(b); /* JS closed the socket during the batch */
    if (st == napi_pending_exception) {
      napi_value error;
      if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
    }
  }
  napi_close_handle_scope(env, scope);
}

static void on_readable(uv_poll_t *poll, int status, int events) {
  (void)events;
  binding_t *b = poll->data;
  if (status < 0) {
    /* On POLLERR libuv stops the poll: take the socket's error, watch again, tell JS. */
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(b->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 ||
        uv_poll_start(poll, UV_READABLE, on_readable) < 0)
      return;
    if (err) report(b, err);
  }
  for (int round = 0; round < MAX_ROUNDS && !b->closed; round++) {
    int n = receive(b);
    if (n < 0) report(b, -n);
    if (n > 0) deliver(b, n);
    if (n < BATCH) return;
  }
}

/* ---- exported functions ------------------------------------------------------ */

/* open(address, port, reusePort, sendBuf, sendMeta, recvMeta, onBatch, onError) -> handle */
static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  char address[INET6_ADDRSTRLEN + 16 /* %scope */];
  size_t address_len;
  int32_t port;
  bool reuse_port;
  uint8_t *send_buf;
  size_t send_buf_len;
  napi_valuetype fn_type, error_fn_type;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 8 ||
      napi_get_value_string_utf8(env, argv[0], address, sizeof address, &address_len) != napi_ok ||
      napi_get_value_int32(env, argv[1], &port) != napi_ok ||
      napi_get_value_bool(env, argv[2], &reuse_port) != napi_ok ||
      napi_get_buffer_info(env, argv[3], (void **)&send_buf, &send_buf_len) != napi_ok ||
      napi_typeof(env, argv[6], &fn_type) != napi_ok || fn_type != napi_function ||
      napi_typeof(env, argv[7], &error_fn_type) != napi_ok || error_fn_type != napi_function)
    return fail(env, "open: bad arguments");
  int32_t *send_meta = meta_arg(env, argv[4], BATCH + 1);
  int32_t *recv_meta = meta_arg(env, argv[5], BATCH);
  if (send_buf_len < (size_t)BATCH * SEND_STRIDE || !send_meta || !recv_meta)
    return fail(env, "open: buffers too small");
  /* A longer text was cut to fit: it is no IP address either. */
  if (port < 0 || port > 65535 || address_len >= sizeof address - 1)
    return fail_sys(env, "bind", UV_EINVAL, address, port);

  struct sockaddr_storage ss;
  socklen_t ss_len;
  memset(&ss, 0, sizeof ss);
  if (uv_ip4_addr(address, port, (struct sockaddr_in *)&ss) == 0)
    ss_len = sizeof(struct sockaddr_in);
  else if (uv_ip6_addr(address, port, (struct sockaddr_in6 *)&ss) == 0)
    ss_len = sizeof(struct sockaddr_in6);
  else
    return fail_sys(env, "bind", UV_EINVAL, address, port);

  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return fail(env, "open: no event loop");

  int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail_sys(env, "socket", uv_translate_sys_error(errno), address, port);
  int off = 0, on = 1;
  const char *syscall = NULL;
  /* "::" serves IPv4 too, whatever the system default (net.ipv6.bindv6only). */
  if (ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) < 0)
    syscall = "setsockopt";
  else if (reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) < 0)
    syscall = "setsockopt";
  else if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &(int){RECV_BUFFER}, sizeof(int)) < 0)
    syscall = "setsockopt";
  else if (bind(fd, (struct sockaddr *)&ss, ss_len) < 0)
    syscall = "bind";
  if (syscall) {
    int err = uv_translate_sys_error(errno);
    close(fd);
    return fail_sys(env, syscall, err, address, port);
  }

  binding_t *b = calloc(1, sizeof *b);
  uint8_t *recv_buf = malloc((size_t)BATCH * RECV_STRIDE);
  if (!b || !recv_buf) {
    free(b);
    free(recv_buf);
    close(fd);
    return fail_sys(env, "open", UV_ENOMEM, address, port);
  }
  b->env = env;
  b->fd = fd;
  b->family = ss.ss_family;
  b->recv_buf = recv_buf;
  b->send_buf = send_buf;
  b->send_meta = send_meta;
  b->recv_meta = recv_meta;
  for (int i = 0; i < BATCH; i++) {
    b->riov[i].iov_base = recv_buf + (size_t)i * RECV_STRIDE;
    b->riov[i].iov_len = RECV_SLOT;
    b->rmsg[i].msg_hdr.msg_name = &b->raddr[i];
    b->rmsg[i].msg_hdr.msg_iov = &b->riov[i];
    b->rmsg[i].msg_hdr.msg_iovlen = 1;
  }
  b->poll.data = b;

  int uv_err = uv_poll_init(loop, &b->poll, fd);
  if (uv_err < 0) {
    close(fd);
    release(b);
    return fail_sys(env, "uv_poll_init", uv_err, address, port);
  }
  /* From here the poll handle exists: every failure goes through teardown. */
  napi_value handle, resource, resource_name;
  napi_status st = napi_create_external(env, b, on_finalize, NULL, &handle);
  if (st != napi_ok) {
    b->closed = 1; /* nothing JS-side to release yet */
    b->finalized = 1;
    uv_close((uv_handle_t *)&b->poll, on_poll_closed);
    close(fd);
    return fail(env, "open: cannot create handle");
  }
  if (napi_add_async_cleanup_hook(env, on_env_cleanup, b, &b->cleanup) != napi_ok ||
      napi_create_object(env, &resource) != napi_ok ||
      napi_create_string_utf8(env, "chaindns:udp-native", NAPI_AUTO_LENGTH, &resource_name) != napi_ok ||
      napi_async_init(env, resource, resource_name, &b->async) != napi_ok ||
      napi_create_reference(env, argv[6], 1, &b->on_batch) != napi_ok ||
      napi_create_reference(env, argv[7], 1, &b->on_error) != napi_ok ||
      napi_create_reference(env, argv[3], 1, &b->send_buf_ref) != napi_ok ||
      napi_create_reference(env, argv[4], 1, &b->send_meta_ref) != napi_ok ||
      napi_create_reference(env, argv[5], 1, &b->recv_meta_ref) != napi_ok ||
      (uv_err = uv_poll_start(&b->poll, UV_READABLE, on_readable)) < 0) {
    teardown(b); /* napi_delete_reference and napi_async_destroy accept NULL */
    return uv_err < 0 ? fail_sys(env, "uv_poll_start", uv_err, address, port)
                      : fail(env, "open: setup failed");
  }
  return handle;
}

/* sockname(handle, row: Int32Array) -> 4 | 6: the local end (getsockname: port 0 picked a
 * free one, connect picked the address) in the row */
static napi_value js_sockname(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2)
    return fail(env, "sockname: bad arguments");
  binding_t *b = binding_arg(env, argv[0]);
  int32_t *row = meta_arg(env, argv[1], 1);
  if (!row) return fail(env, "sockname: bad row");
  if (!b || b->closed) return fail(env, "sockname: socket is closed");
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname(b->fd, (struct sockaddr *)&ss, &len) < 0)
    return fail_sys(env, "getsockname", uv_translate_sys_error(errno), "socket", 0);
  row_from_sockaddr(row, &ss);
  if (napi_create_int32(env, row[M_FAMILY], &result) != napi_ok) return fail(env, "sockname");
  return result;
}

/* connect(handle, address, port, detach?): from now on the socket talks to that peer alone. A peer
 * the kernel will not send to (no route, a broadcast address) throws, as bind errors do.
 * With detach, a listener is connected to its own address so that it takes no new datagram (the
 * kernel gives them to the other sockets of its SO_REUSEPORT group; a connected socket leaves the
 * group's choice) while it still reads those queued, and its sends keep their destinations. */
static napi_value js_connect(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  bool detach = false;
  char address[INET6_ADDRSTRLEN + 16];
  size_t address_len;
  int32_t port;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 ||
      napi_get_value_string_utf8(env, argv[1], address, sizeof address, &address_len) != napi_ok ||
      napi_get_value_int32(env, argv[2], &port) != napi_ok ||
      (argc > 3 && napi_get_value_bool(env, argv[3], &detach) != napi_ok))
    return fail(env, "connect: bad arguments");
  binding_t *b = binding_arg(env, argv[0]);
  if (!b || b->closed) return fail(env, "connect: socket is closed");
  int32_t row[ROW] = {0};
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  if (port < 1 || port > 65535 || address_len >= sizeof address - 1) return fail_sys(env, "connect", UV_EINVAL, address, port);
  if (uv_ip4_addr(address, port, (struct sockaddr_in *)&ss) != 0 &&
      uv_ip6_addr(address, port, (struct sockaddr_in6 *)&ss) != 0)
    return fail_sys(env, "connect", UV_EINVAL, address, port);
  /* Through a row, so an IPv4 peer of an AF_INET6 socket is v4-mapped as sends map it. */
  row_from_sockaddr(row, &ss);
  socklen_t alen = sockaddr_from_row(b->family, row, &ss);
  if (alen == 0) return fail_sys(env, "connect", UV_EAFNOSUPPORT, address, port);
  int r;
  while ((r = connect(b->fd, (struct sockaddr *)&ss, alen)) < 0 && errno == EINTR) {
  }
  if (r < 0) return fail_sys(env, "connect", uv_translate_sys_error(errno), address, port);
  if (!detach) b->connected = 1;
  return NULL;
}

/* The code of the first failed send since the last call (undefined when none). */
static napi_value take_send_error(napi_env env, binding_t *b) {
  napi_value code = NULL;
  if (b->send_error) {
    napi_create_string_utf8(env, uv_err_name(uv_translate_sys_error(b->send_error)), NAPI_AUTO_LENGTH, &code);
    b->send_error = 0;
  }
  return code;
}

/* flush(handle, count) -> the code of a failed send, or undefined: sends the first count
 * send slots now */
static napi_value js_flush(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t count;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      napi_get_value_int32(env, argv[1], &count) != napi_ok)
    return fail(env, "flush: bad arguments");
  binding_t *b = binding_arg(env, argv[0]);
  if (!b) return fail(env, "flush: bad handle");
  if (b->closed) return NULL;
  send_slots(b, count);
  return take_send_error(env, b);
}

/* sendTo(handle, data) -> the code of a failed send, or undefined: sends data at once to
 * the destination in send_meta's last row (a connected socket: to its peer) */
static napi_value js_send_to(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      napi_get_typedarray_info(env, argv[1], &type, &length, &data, NULL, NULL) != napi_ok ||
      type != napi_uint8_array)
    return fail(env, "sendTo: bad arguments");
  binding_t *b = binding_arg(env, argv[0]);
  if (!b) return fail(env, "sendTo: bad handle");
  if (b->closed) return NULL;
  struct sockaddr_storage ss;
  socklen_t alen = b->connected ? 0 : sockaddr_from_row(b->family, b->send_meta + BATCH * ROW, &ss);
  if (alen == 0 && !b->connected) return NULL;
  /* Failures drop the datagram, as a full or unroutable UDP send does anywhere. */
  ssize_t r;
  while ((r = sendto(b->fd, data, length, 0, b->connected ? NULL : (struct sockaddr *)&ss, alen)) < 0 && errno == EINTR) {
  }
  if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS) b->send_error = errno;
  return take_send_error(env, b);
}

/* close(handle) */
static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1)
    return fail(env, "close: bad arguments");
  binding_t *b = binding_arg(env, argv[0]);
  if (!b) return fail(env, "close: bad handle");
  teardown(b);
  return NULL;
}

/* parseAddress(text, row: Int32Array) -> 4 | 6, or 0 when text is no IP address */
static napi_value js_parse_address(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result;
  char text[INET6_ADDRSTRLEN + 16];
  size_t len;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      napi_get_value_string_utf8(env, argv[0], text, sizeof text, &len) != napi_ok)
    return fail(env, "parseAddress: bad arguments");
  int32_t *row = meta_arg(env, argv[1], 1);
  if (!row) return fail(env, "parseAddress: bad row");
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  int family = 0;
  if (len < sizeof text - 1) { /* longer text was cut: no address */
    if (uv_ip4_addr(text, 0, (struct sockaddr_in *)&ss) == 0)
      family = 4;
    else if (uv_ip6_addr(text, 0, (struct sockaddr_in6 *)&ss) == 0)
      family = 6;
  }
  if (family) row_from_sockaddr(row, &ss);
  if (napi_create_int32(env, family, &result) != napi_ok) return fail(env, "parseAddress");
  return result;
}

/* formatAddress6(w0, w1, w2, w3, scope) -> text as Node's dgram prints it */
static napi_value js_format_address6(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5], result;
  int32_t words[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5)
    return fail(env, "formatAddress6: bad arguments");
  for (int k = 0; k < 5; k++)
    if (napi_get_value_int32(env, argv[k], &words[k]) != napi_ok)
      return fail(env, "formatAddress6: bad arguments");
  struct in6_addr addr;
  for (int k = 0; k < 4; k++) {
    uint32_t w = htonl((uint32_t)words[k]);
    memcpy(&addr.s6_addr[4 * k], &w, 4);
  }
  char text[INET6_ADDRSTRLEN + 1 + UV_IF_NAMESIZE];
  if (uv_inet_ntop(AF_INET6, &addr, text, sizeof text) != 0) return fail(env, "formatAddress6");
  /* Like Node: a link-local address carries its interface, "fe80::1%eth0". */
  if (IN6_IS_ADDR_LINKLOCAL(&addr) && words[4] != 0) {
    size_t used = strlen(text);
    size_t room = sizeof text - used - 1;
    text[used] = '%';
    if (uv_if_indextoiid((unsigned)words[4], text + used + 1, &room) != 0)
      snprintf(text + used + 1, room, "%u", (unsigned)words[4]);
  }
  if (napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &result) != napi_ok)
    return fail(env, "formatAddress6");
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  static const struct {
    const char *name;
    napi_callback fn;
  } functions[] = {
      {"open", js_open},   {"sockname", js_sockname}, {"connect", js_connect}, {"flush", js_flush},
      {"sendTo", js_send_to}, {"close", js_close}, {"parseAddress", js_parse_address},
      {"formatAddress6", js_format_address6}, {"bindStream", js_bind_stream},
      {"tcpListen", js_tcp_listen}, {"tcpSockname", js_tcp_sockname}, {"tcpSend", js_tcp_send},
      {"tcpAnswered", js_tcp_answered}, {"tcpClose", js_tcp_close}, {"tcpEnd", js_tcp_end},
      {"tcpStop", js_tcp_stop}, {"tcpDispose", js_tcp_dispose},
  };
  static const struct {
    const char *name;
    int32_t value;
  } constants[] = {
      {"BATCH", BATCH}, {"SEND_SLOT", SEND_SLOT}, {"SEND_STRIDE", SEND_STRIDE}, {"ROW", ROW},
      {"TCP_ROW", TCP_ROW}, {"TCP_ROWS", TCP_ROWS}, {"TCP_SLOT_BITS", TCP_SLOT_BITS},
  };
  for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
    napi_value fn;
    if (napi_create_function(env, functions[i].name, NAPI_AUTO_LENGTH, functions[i].fn, NULL, &fn) != napi_ok ||
        napi_set_named_property(env, exports, functions[i].name, fn) != napi_ok)
      return fail(env, "init");
  }
  for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++) {
    napi_value value;
    if (napi_create_int32(env, constants[i].value, &value) != napi_ok ||
        napi_set_named_property(env, exports, constants[i].name, value) != napi_ok)
      return fail(env, "init");
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
