/*
 * chaindns bench floor: the least a UDP server can do. It turns each query into an empty
 * answer in place (QR set, nothing else) and sends it back, batched with recvmmsg and
 * sendmmsg, in a blocking loop: no allocation, no event loop, no GC. Its latency at a
 * fixed rate is what the machine itself gives a server at that moment, measured beside
 * the real ones. 127.0.0.1 only; it runs until it is killed.
 *
 *   floor PORT
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define BATCH 32
#define SLOT 4096

static unsigned char buf[BATCH][SLOT];
static struct mmsghdr msgs[BATCH];
static struct iovec iov[BATCH];
static struct sockaddr_in from[BATCH];

int main(int argc, char **argv) {
  int port = argc == 2 ? atoi(argv[1]) : 0;
  if (port <= 1024 || port > 65535) {
    fprintf(stderr, "usage: floor PORT (above 1024)\n");
    return 2;
  }
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in at = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, (struct sockaddr *)&at, sizeof at) < 0) {
    perror("floor: bind");
    return 1;
  }
  for (;;) {
    for (int i = 0; i < BATCH; i++) {
      iov[i].iov_base = buf[i];
      iov[i].iov_len = SLOT;
      memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof from[i];
    }
    /* Blocks for the first datagram, then takes what else is there. */
    int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
    if (n <= 0) continue;
    for (int i = 0; i < n; i++) {
      if (msgs[i].msg_len >= 12) buf[i][2] |= 0x80;
      iov[i].iov_len = msgs[i].msg_len;
    }
    sendmmsg(fd, msgs, (unsigned)n, 0);
  }
}
