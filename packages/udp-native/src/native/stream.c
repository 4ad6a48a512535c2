/*
 * A TCP socket bound with SO_REUSEPORT, for Node.js to listen on (net.Server.listen({ fd })):
 * Node.js 20's net cannot set the option (22.12 can, as `reusePort`). With it, the workers of one
 * process, and a process and its successor during an upgrade, listen on one address and port, and
 * the kernel spreads new connections among them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <uv.h>

#include "errors.h"
#include "stream.h"

int stream_socket(const char *address, int port, int reuse_port, const char **syscall) {
  struct sockaddr_storage ss;
  socklen_t ss_len;
  memset(&ss, 0, sizeof ss);
  *syscall = "bind";
  if (port < 0 || port > 65535) return UV_EINVAL;
  if (uv_ip4_addr(address, port, (struct sockaddr_in *)&ss) == 0)
    ss_len = sizeof(struct sockaddr_in);
  else if (uv_ip6_addr(address, port, (struct sockaddr_in6 *)&ss) == 0)
    ss_len = sizeof(struct sockaddr_in6);
  else
    return UV_EINVAL;
  *syscall = "socket";
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return uv_translate_sys_error(errno);
  int off = 0, on = 1;
  *syscall = "setsockopt";
  if ((ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) < 0) ||
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
      (reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) < 0)) {
    int err = uv_translate_sys_error(errno);
    close(fd);
    return err;
  }
  *syscall = "bind";
  if (bind(fd, (struct sockaddr *)&ss, ss_len) < 0) {
    int err = uv_translate_sys_error(errno);
    close(fd);
    return err;
  }
  return fd;
}

/* bindStream(address, port) -> fd: SO_REUSEPORT and SO_REUSEADDR (libuv sets the latter on its
 * own listeners), "::" dual-stack, bound, not listening. The caller owns the descriptor. */
napi_value js_bind_stream(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char address[64];
  size_t address_len;
  int32_t port;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      napi_get_value_string_utf8(env, argv[0], address, sizeof address, &address_len) != napi_ok ||
      napi_get_value_int32(env, argv[1], &port) != napi_ok) {
    napi_throw_error(env, "ERR_UDP_NATIVE", "bindStream: bad arguments");
    return NULL;
  }
  const char *syscall;
  int fd = address_len >= sizeof address - 1 ? UV_EINVAL : stream_socket(address, port, 1, &syscall);
  if (address_len >= sizeof address - 1) syscall = "bind";
  if (fd < 0) return fail_sys(env, syscall, fd, address, port);
  napi_value result;
  if (napi_create_int32(env, fd, &result) != napi_ok) {
    close(fd);
    napi_throw_error(env, "ERR_UDP_NATIVE", "bindStream: cannot return the descriptor");
    return NULL;
  }
  return result;
}
