/*
 * The N-API bindings of the batched UDP engine (udp.c): the functions JS calls on a socket,
 * each taking the handle open() returned (a napi external), and the addon's exports (init),
 * tcp-napi.c's and stream.c's among them.
 */
#define _GNU_SOURCE
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

#include "errors.h"
#include "stream.h"
#include "tcp.h"
#include "udp-internal.h"

/* The receive buffer asked for (the kernel caps it at net.core.rmem_max): a burst that
 * comes while the process is busy waits in it instead of being dropped. As core's dgram
 * transport asks. */
#define RECV_BUFFER (4 << 20)

/* ---- napi helpers ------------------------------------------------------------ */

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
  if (b->poll_closed) release_binding(b);
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
    release_binding(b);
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
