/*
 * chaindns bench floor: the least a UDP server can do. It turns each query into an empty
 * answer in place (QR set, nothing else) and sends it back, batched with recvmmsg and
 * sendmmsg, in a blocking loop: no allocation, no event loop, no GC. Its latency at a
 * fixed rate is what the machine itself gives a server at that moment, measured beside
 * the real ones. 127.0.0.1 only; it runs until it is killed.
 *
 * With -a it is the miss workload's authoritative upstream instead: each A question gets
 * one A record (TTL 3600, 192.0.2.x from a hash of the name) appended in place, AA set,
 * so that the servers under test spend the run on their own work, not waiting for it.
 *
 *   floor PORT [-a]
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

/* Makes the query of `len` bytes in `m` an authoritative answer: one A record for its
 * question after the question (an OPT or anything else after it is dropped); returns the
 * new length (the query unchanged but for QR when it is no A question). */
static unsigned answer(unsigned char *m, unsigned len) {
  if (len < 12) return len;
  m[2] |= 0x80;
  if (m[4] != 0 || m[5] != 1) return len;
  unsigned off = 12, h = 0;
  while (off < len && m[off] != 0 && m[off] < 64) {
    for (unsigned i = off; i <= off + m[off] && i < len; i++) h = h * 31 + m[i];
    off += m[off] + 1u;
  }
  if (off + 5 > len || m[off] != 0 || m[off + 1] != 0 || m[off + 2] != 1) return len;
  off += 5;
  static const unsigned char rr[12] = {0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4};
  memcpy(m + off, rr, sizeof rr);
  m[off + 12] = 192, m[off + 13] = 0, m[off + 14] = 2, m[off + 15] = (unsigned char)(h % 254 + 1);
  m[2] = 0x84 | (m[2] & 0x01), m[3] = 0x80;
  m[6] = 0, m[7] = 1, m[8] = m[9] = m[10] = m[11] = 0;
  return off + 16;
}

int main(int argc, char **argv) {
  int port = argc >= 2 ? atoi(argv[1]) : 0;
  int authority = argc == 3 && strcmp(argv[2], "-a") == 0;
  if (port <= 1024 || port > 65535 || argc > 3 || (argc == 3 && !authority)) {
    fprintf(stderr, "usage: floor PORT [-a] (PORT above 1024)\n");
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
      if (authority)
        iov[i].iov_len = msgs[i].msg_len + 16 <= SLOT ? answer(buf[i], msgs[i].msg_len) : msgs[i].msg_len;
      else {
        if (msgs[i].msg_len >= 12) buf[i][2] |= 0x80;
        iov[i].iov_len = msgs[i].msg_len;
      }
    }
    sendmmsg(fd, msgs, (unsigned)n, 0);
  }
}
