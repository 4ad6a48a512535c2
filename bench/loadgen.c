/*
 * chaindns bench load generator: DNS queries over UDP to 127.0.0.1 only, batched with
 * sendmmsg/recvmmsg, so that one core drives well past what dnsperf can (about 150k
 * QPS here). Built by bench/run.js with the machine's cc (-O2) into bench/out/.
 *
 *   loadgen -p PORT -d FILE [-l SECONDS] [-w WINDOW] [-r QPS] [-T TICK_US] [-W WARMUP_SECONDS]
 *           [-t TIMEOUT_MS] [-e] [-s SOCKETS]
 *
 * Two modes:
 *   closed loop (default): WINDOW queries in flight, a new one sent for each answer or
 *     loss; finds a server's top rate.
 *   fixed rate (-r QPS): queries sent on a schedule whatever comes back (an open loop, so
 *     a slow server shows as latency, not as a slower send rate). The schedule is kept
 *     in ticks of TICK_US (default 100 us: 10 queries a tick at 100k QPS), one sendmmsg
 *     a tick, and the generator sleeps between ticks: a busy loop would be descheduled
 *     for whole time slices on a shared core, then send a burst no socket buffer holds.
 *     If it still falls behind by more than 1 ms, the queries due meanwhile are skipped
 *     (counted in `skipped`, and `maxBehindUs` says by how much it fell behind).
 * Each query carries a 16-bit ID that indexes a table of send times; an answer's latency
 * is the kernel's arrival time of the answer on this socket (SO_TIMESTAMPNS, so the
 * generator's own scheduling does not count) minus the time its sendmmsg began
 * (1 us buckets up to 1 s). A query not answered within TIMEOUT_MS (default 1000) is
 * lost, and counts in the percentiles as slower than any answer (1 s, the histogram's top).
 * After the run, answers still due are waited for up to TIMEOUT_MS. -W runs the same
 * load for WARMUP_SECONDS first, uncounted.
 *
 * FILE is dnsperf's format: `name [TYPE]` a line (A when no type), `#` comments; -e adds
 * an EDNS0 OPT (1232 bytes) to every query. Prints one line of JSON: sent, completed,
 * lost, qps (answers within the run / its length), latency mean/p50/p99/p99.9/max in
 * microseconds, rcodes other than NOERROR (errors, of which servfail).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MAX_SECONDS 60
#define HIST_US 1000000 /* latency buckets: 1 us each, up to 1 s */
#define MAX_BEHIND_NS 1000000

static void die(const char *what);
#define PROGRAM "loadgen"
#include "query-file.h"

static size_t next_query;

/* In flight, by ID. IDs are handed out in order, so [tail, head) holds every one out. */
static uint64_t sent_at[65536];
static uint8_t in_flight[65536];
static uint16_t head, tail;
static long outstanding;

static uint32_t *hist;
static uint64_t sent, skipped, completed, completed_in_run, lost, late_answers, bad_answers;
static uint64_t rcodes[16];
static double lat_sum_us;
static int recording;

static uint8_t sbuf[BATCH][MAX_QUERY], rbuf[BATCH][4096];
static uint8_t rctl[BATCH][CMSG_SPACE(sizeof(struct timespec))];
static struct mmsghdr smsg[BATCH], rmsg[BATCH];
static struct iovec siov[BATCH], riov[BATCH];

/* CLOCK_REALTIME: the clock of the kernel's SO_TIMESTAMPNS. */
static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "loadgen: %s%s%s\n", what, errno ? ": " : "", errno ? strerror(errno) : "");
  exit(1);
}

/* Sends the next `count` (<= BATCH) queries in one sendmmsg; returns how many left. */
static int send_batch(int fd, int count) {
  for (int i = 0; i < count; i++) {
    const query_t *q = &queries[next_query];
    if (++next_query == nqueries) next_query = 0;
    uint16_t id = (uint16_t)(head + i);
    memcpy(sbuf[i], q->wire, q->len);
    sbuf[i][0] = (uint8_t)(id >> 8);
    sbuf[i][1] = (uint8_t)id;
    siov[i].iov_len = q->len;
  }
  uint64_t t = now_ns();
  int done = 0;
  while (done < count) {
    int r = sendmmsg(fd, smsg + done, (unsigned)(count - done), 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == ENOBUFS || errno == ECONNREFUSED) break;
      die("sendmmsg");
    }
    done += r;
  }
  for (int i = 0; i < done; i++, head++) {
    if (in_flight[head]) { /* 65536 queries out at once: the oldest is lost */
      outstanding--;
      if (recording) lost++;
    }
    sent_at[head] = t;
    in_flight[head] = 1;
  }
  outstanding += done;
  if (recording) sent += (uint64_t)done;
  return done;
}

/* The kernel's arrival time of received message `i`, or now when it gave none. */
static uint64_t arrival(int i) {
  struct msghdr *h = &rmsg[i].msg_hdr;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      struct timespec ts;
      memcpy(&ts, CMSG_DATA(c), sizeof ts);
      return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    }
  }
  return now_ns();
}

/* Takes what has arrived, without waiting; returns how many datagrams. */
static int receive(int fd, uint64_t run_end) {
  for (int i = 0; i < BATCH; i++) rmsg[i].msg_hdr.msg_controllen = sizeof rctl[i];
  int n = recvmmsg(fd, rmsg, BATCH, MSG_DONTWAIT, NULL);
  if (n <= 0) return 0;
  for (int i = 0; i < n; i++) {
    const uint8_t *m = rbuf[i];
    if (rmsg[i].msg_len < 12 || !(m[2] & 0x80)) {
      bad_answers++;
      continue;
    }
    uint16_t id = (uint16_t)(m[0] << 8 | m[1]);
    if (!in_flight[id]) {
      late_answers++; /* already counted lost, or not ours */
      continue;
    }
    in_flight[id] = 0;
    outstanding--;
    if (!recording) continue;
    uint64_t t = arrival(i);
    uint64_t ns = t > sent_at[id] ? t - sent_at[id] : 0;
    completed++;
    if (t <= run_end) completed_in_run++;
    rcodes[m[3] & 0x0f]++;
    lat_sum_us += (double)ns / 1000.0;
    hist[ns / 1000 < HIST_US ? ns / 1000 : HIST_US - 1]++;
  }
  return n;
}

/* -s SOCKETS: the queries leave from this many sockets (source ports) in turn, so that a server
 * whose sockets share its port (SO_REUSEPORT: threads, workers) gets them spread, as it would
 * from many clients; the kernel picks a socket by the source. */
#define MAX_SOCKETS 64
static int fds[MAX_SOCKETS], nfds = 1, next_fd = 0;

/* The socket the next batch leaves from. */
static int next_socket(void) {
  int fd = fds[next_fd];
  if (++next_fd == nfds) next_fd = 0;
  return fd;
}

static void receive_all(uint64_t run_end) {
  for (int i = 0; i < nfds; i++)
    while (receive(fds[i], run_end) == BATCH) {
    }
}

/* Takes one batch from each socket; returns how many datagrams in all. */
static int receive_each(uint64_t run_end) {
  int n = 0;
  for (int i = 0; i < nfds; i++) n += receive(fds[i], run_end);
  return n;
}

/* Queries out longer than the timeout are lost. */
static void expire(uint64_t t, uint64_t timeout_ns) {
  while (tail != head) {
    if (in_flight[tail]) {
      if (t - sent_at[tail] < timeout_ns) return;
      in_flight[tail] = 0;
      outstanding--;
      if (recording) lost++;
    }
    tail++;
  }
}

/* Waits until a socket is readable or `until` (ns) has come. */
static void wait_readable(uint64_t until) {
  uint64_t t = now_ns();
  if (until <= t) return;
  struct pollfd p[MAX_SOCKETS];
  for (int i = 0; i < nfds; i++) p[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
  struct timespec ts = {.tv_sec = (time_t)((until - t) / 1000000000u), .tv_nsec = (long)((until - t) % 1000000000u)};
  ppoll(p, (nfds_t)nfds, &ts, NULL);
}

/* A lost query counts as slower than every answer (its latency is at least the timeout), so a
 * run that loses more than 1% of its queries has no p99 under 1 s. */
static uint64_t percentile(double p) {
  uint64_t target = (uint64_t)((double)(completed + lost) * p + 0.5), seen = 0;
  if (target == 0) target = 1;
  for (uint64_t us = 0; us < HIST_US; us++)
    if ((seen += hist[us]) >= target) return us;
  return HIST_US;
}

static void usage(void) {
  fprintf(stderr, "usage: loadgen -p PORT -d FILE [-l SECONDS] [-w WINDOW] [-r QPS] [-T TICK_US] [-W WARMUP_SECONDS] [-t TIMEOUT_MS] [-e] [-s SOCKETS]\n");
  exit(2);
}

int main(int argc, char **argv) {
  int port = 0, window = 200, edns = 0, opt;
  double seconds = 5, warmup = 0, rate = 0, tick_us = 100;
  long timeout_ms = 1000;
  const char *file = NULL;
  while ((opt = getopt(argc, argv, "p:d:l:w:r:T:W:t:es:")) != -1) {
    switch (opt) {
      case 'p': port = atoi(optarg); break;
      case 'd': file = optarg; break;
      case 'l': seconds = atof(optarg); break;
      case 'w': window = atoi(optarg); break;
      case 'r': rate = atof(optarg); break;
      case 'T': tick_us = atof(optarg); break;
      case 'W': warmup = atof(optarg); break;
      case 't': timeout_ms = atol(optarg); break;
      case 'e': edns = 1; break;
      case 's': nfds = atoi(optarg); break;
      default: usage();
    }
  }
  /* Bounded in time, and to this machine: the target is always 127.0.0.1. */
  if (!file || port < 1 || port > 65535 || window < 1 || window > 60000 || seconds <= 0 ||
      seconds > MAX_SECONDS || warmup < 0 || warmup > MAX_SECONDS || rate < 0 || rate > 1e7 ||
      tick_us < 1 || tick_us > 100000 || timeout_ms < 1 || timeout_ms > 10000 || nfds < 1 ||
      nfds > MAX_SOCKETS)
    usage();
  read_queries(file, edns);
  hist = calloc(HIST_US, sizeof *hist);
  if (!hist) die("calloc");

  for (int i = 0; i < nfds; i++) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    int size = (8 << 20) / nfds, on = 1;
    /* Big buffers, so the generator's own sockets drop nothing (FORCE needs root). */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) < 0)
      setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) < 0) die("SO_TIMESTAMPNS");
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0) die("connect");
    fds[i] = fd;
  }
  for (int i = 0; i < BATCH; i++) {
    siov[i].iov_base = sbuf[i];
    smsg[i].msg_hdr.msg_iov = &siov[i];
    smsg[i].msg_hdr.msg_iovlen = 1;
    riov[i].iov_base = rbuf[i];
    riov[i].iov_len = sizeof rbuf[i];
    rmsg[i].msg_hdr.msg_iov = &riov[i];
    rmsg[i].msg_hdr.msg_iovlen = 1;
    rmsg[i].msg_hdr.msg_control = rctl[i];
  }

  uint64_t timeout_ns = (uint64_t)timeout_ms * 1000000u;
  uint64_t tick_ns = (uint64_t)(tick_us * 1000);
  uint64_t max_behind_ns = 0;
  /* Phase 0 warms the server up (not counted); phase 1 is the run. */
  for (int phase = warmup > 0 ? 0 : 1; phase <= 1; phase++) {
    recording = phase == 1;
    uint64_t start = now_ns();
    uint64_t end = start + (uint64_t)((phase == 0 ? warmup : seconds) * 1e9);
    uint64_t scheduled = 0; /* fixed rate: queries sent or skipped so far */
    for (uint64_t t = start; t < end; t = now_ns()) {
      if (rate > 0) {
        /* Tick k sends every query due before tick k + 1 begins. */
        uint64_t k = (t - start) / tick_ns;
        uint64_t due = (uint64_t)((double)((k + 1) * tick_ns) * rate / 1e9);
        uint64_t first_due = start + (uint64_t)((double)scheduled * 1e9 / rate);
        uint64_t behind = t > first_due ? t - first_due : 0;
        if (recording && behind > max_behind_ns) max_behind_ns = behind;
        if (behind > MAX_BEHIND_NS) { /* the queries due while the generator was off its core */
          uint64_t now_due = (uint64_t)((double)(t - start) * rate / 1e9);
          if (recording) skipped += now_due - scheduled;
          scheduled = now_due;
        }
        while (scheduled < due) {
          int n = due - scheduled < BATCH ? (int)(due - scheduled) : BATCH;
          int s = send_batch(next_socket(), n);
          scheduled += (uint64_t)n; /* a send the socket refused is not retried */
          if (recording) skipped += (uint64_t)(n - s);
          if (s < n) break;
        }
        receive_all(end);
        expire(now_ns(), timeout_ns);
        /* Sleeps to the next tick, waking for answers (to take them off the sockets). */
        uint64_t next = start + (k + 1) * tick_ns;
        for (uint64_t n = now_ns(); n < next && n < end; n = now_ns()) {
          wait_readable(next < end ? next : end);
          receive_all(end);
        }
      } else {
        while (outstanding < window) {
          int n = window - outstanding < BATCH ? (int)(window - outstanding) : BATCH;
          if (send_batch(next_socket(), n) < n) break;
        }
        if (receive_each(end) == 0 && outstanding >= window) wait_readable(now_ns() + 1000000);
        expire(now_ns(), timeout_ns);
      }
    }
    /* Answers to queries still out count as answered, not lost (and the warm-up's are all in
     * or given up before the run counts anything). */
    uint64_t drain_end = now_ns() + timeout_ns;
    for (uint64_t t = now_ns(); outstanding > 0 && t < drain_end; t = now_ns()) {
      if (receive_each(end) == 0) wait_readable(t + 1000000);
      expire(now_ns(), timeout_ns);
    }
    expire(UINT64_MAX, 0);
  }

  uint64_t errors = 0;
  for (int i = 1; i < 16; i++) errors += rcodes[i];
  printf("{\"mode\":\"%s\",\"seconds\":%.3f,\"window\":%d,\"rate\":%.0f,\"sent\":%lu,\"skipped\":%lu,"
         "\"completed\":%lu,\"lost\":%lu,\"qps\":%.0f,\"meanUs\":%.1f,\"p50Us\":%lu,\"p99Us\":%lu,"
         "\"p999Us\":%lu,\"maxUs\":%lu,\"errors\":%lu,\"servfail\":%lu,\"bad\":%lu,\"late\":%lu,"
         "\"maxBehindUs\":%lu}\n",
         rate > 0 ? "rate" : "window", seconds, window, rate, sent, skipped, completed, lost,
         (double)completed_in_run / seconds, completed ? lat_sum_us / (double)completed : 0.0,
         percentile(0.50), percentile(0.99), percentile(0.999), percentile(1.0), errors, rcodes[2],
         bad_answers, late_answers, max_behind_ns / 1000);
  return 0;
}
