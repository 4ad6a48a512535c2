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
 *
 * The N-API bindings (open, flush, sendTo, ...) are in udp-napi.c; udp-internal.h holds what
 * the two share.
 */
#define _GNU_SOURCE
#ifndef __linux__
#error "@chaindns/udp-native needs Linux (recvmmsg/sendmmsg)"
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <node_api.h>
#include <uv.h>

#include "stream.h"
#include "udp-internal.h"

#define MAX_ROUNDS 8  /* batches per wakeup, so other handles in the loop get their turn */
/* Batches are copied back to back into a pool Buffer, a new one when the batch does
 * not fit: one ArrayBuffer per ~a thousand queries, not one per batch, since the
 * young-generation GC sweeps every dead ArrayBuffer it finds, one by one. Small enough
 * that a pool is done with before the next scavenge even in V8's smallest young
 * generation (1 MB; queries allocate ~25x the bytes they take in the pool): a pool that
 * lives through two scavenges is promoted, and promoted pools pile up as external memory
 * until a full mark-compact (a 5-12 ms pause) frees them. 256 KB pools did that. */
#define POOL_SIZE (32 * 1024)

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
socklen_t sockaddr_from_row(int family, const int32_t *row, struct sockaddr_storage *ss) {
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

/* ---- lifecycle --------------------------------------------------------------- */

void release_binding(binding_t *b) {
  free(b->recv_buf);
  free(b);
}

void on_poll_closed(uv_handle_t *handle) {
  binding_t *b = handle->data;
  b->poll_closed = 1;
  if (b->cleanup) napi_remove_async_cleanup_hook(b->cleanup);
  if (b->finalized) release_binding(b);
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
void teardown(binding_t *b) {
  if (b->closed) return;
  b->closed = 1;
  /* uv_close takes the fd out of epoll at once, so closing it right away is safe and
   * the port is free when close() returns. */
  uv_close((uv_handle_t *)&b->poll, on_poll_closed);
  close(b->fd);
  b->fd = -1;
  if (!b->in_callback) release_js(b); /* else deliver() does it when JS returns */
}

/* ---- sending ----------------------------------------------------------------- */

/* Sends the first `count` send slots in one sendmmsg (more only on a partial send). */
void send_slots(binding_t *b, int count) {
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

void on_readable(uv_poll_t *poll, int status, int events) {
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
