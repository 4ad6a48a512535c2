/*
 * chaindns bench TCP generator: DNS over TCP to 127.0.0.1 only, one query per connection, as
 * a client that opens a connection, asks once, reads the answer and closes it. CONCURRENCY
 * connections are open at once; each one that ends (answered, refused, reset or timed out)
 * is replaced by a new one until the run's end. dnsperf has no such mode: its TCP mode keeps
 * one connection per client and pipelines on it. Built by bench/run.js with the machine's cc
 * (-O2) into bench/out/, as loadgen is.
 *
 *   tcpgen -p PORT -d FILE [-l SECONDS] [-c CONCURRENCY] [-t TIMEOUT_MS] [-e]
 *
 * FILE is dnsperf's format (query-file.h); -e adds an EDNS0 OPT. A latency is the time from
 * connect() to the whole answer read. A connection without a whole answer within TIMEOUT_MS
 * (default 1000), or refused or reset before it, is lost, and counts in the percentiles as
 * slower than any answer (1 s). The client closes first, so its side holds the TIME_WAIT
 * sockets (Linux reuses them for loopback connections with net.ipv4.tcp_tw_reuse 1 or 2, its
 * default). Prints one line of JSON: connections opened (sent), answered (completed), lost,
 * qps (answers within the run / its length), latency mean/p50/p99/p99.9/max in microseconds,
 * rcodes other than NOERROR (errors), connects that failed at once (connectErrors).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SECONDS 60
#define MAX_CONCURRENCY 4096
#define HIST_US 1000000 /* latency buckets: 1 us each, up to 1 s */

static void die(const char *what);
#define PROGRAM "tcpgen"
#include "query-file.h"

enum { IDLE, CONNECTING, READING };

typedef struct {
  int fd;
  int state;
  uint16_t id;
  uint64_t started;
  size_t have;            /* bytes of the answer read, its length prefix included */
  uint8_t buf[2 + 65535]; /* the answer, after its two length bytes */
} conn_t;

static conn_t *conns;
static int concurrency;
static int epfd;
static size_t next_query;
static uint16_t next_id;
static uint32_t *hist;
static uint64_t sent, completed, completed_in_run, lost, connect_errors, bad_answers;
static uint64_t rcodes[16];
static double lat_sum_us;
static struct sockaddr_in target;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "tcpgen: %s%s%s\n", what, errno ? ": " : "", errno ? strerror(errno) : "");
  exit(1);
}

static void finish(conn_t *c) {
  epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  c->state = IDLE;
}

static void lose(conn_t *c) {
  lost++;
  hist[HIST_US - 1]++;
  finish(c);
}

/* Opens a connection in slot `c`; a connect that fails at once is counted and the slot stays idle. */
static void open_conn(conn_t *c) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  c->fd = fd;
  c->started = now_ns();
  c->have = 0;
  c->id = next_id++;
  sent++;
  if (connect(fd, (struct sockaddr *)&target, sizeof target) < 0 && errno != EINPROGRESS) {
    connect_errors++;
    lost++;
    hist[HIST_US - 1]++;
    close(fd);
    c->state = IDLE;
    return;
  }
  c->state = CONNECTING;
  struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
}

/* Connected: the query goes out in one write, with its length prefix. */
static void send_query(conn_t *c) {
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    lose(c);
    return;
  }
  const query_t *q = &queries[next_query];
  if (++next_query == nqueries) next_query = 0;
  uint8_t out[2 + MAX_QUERY];
  out[0] = (uint8_t)(q->len >> 8);
  out[1] = (uint8_t)q->len;
  memcpy(out + 2, q->wire, q->len);
  out[2] = (uint8_t)(c->id >> 8);
  out[3] = (uint8_t)c->id;
  if (write(c->fd, out, 2 + (size_t)q->len) != 2 + (ssize_t)q->len) {
    lose(c);
    return;
  }
  c->state = READING;
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
  if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl");
}

static void read_answer(conn_t *c, uint64_t run_end) {
  for (;;) {
    ssize_t n = read(c->fd, c->buf + c->have, sizeof c->buf - c->have);
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) { /* reset, or closed before the whole answer */
      lose(c);
      return;
    }
    c->have += (size_t)n;
    if (c->have < 2) continue;
    size_t want = 2 + ((size_t)c->buf[0] << 8 | c->buf[1]);
    if (c->have < want) continue;
    const uint8_t *m = c->buf + 2;
    if (want < 2 + 12 || !(m[2] & 0x80) || (uint16_t)(m[0] << 8 | m[1]) != c->id) {
      bad_answers++;
      lose(c);
      return;
    }
    uint64_t t = now_ns();
    uint64_t us = (t - c->started) / 1000;
    completed++;
    if (t <= run_end) completed_in_run++;
    rcodes[m[3] & 0x0f]++;
    lat_sum_us += (double)us;
    hist[us < HIST_US ? us : HIST_US - 1]++;
    finish(c);
    return;
  }
}

/* A lost connection counts as slower than every answer. */
static uint64_t percentile(double p) {
  uint64_t target_n = (uint64_t)((double)(completed + lost) * p + 0.5), seen = 0;
  if (target_n == 0) target_n = 1;
  for (uint64_t us = 0; us < HIST_US; us++)
    if ((seen += hist[us]) >= target_n) return us;
  return HIST_US;
}

static void usage(void) {
  fprintf(stderr, "usage: tcpgen -p PORT -d FILE [-l SECONDS] [-c CONCURRENCY] [-t TIMEOUT_MS] [-e]\n");
  exit(2);
}

int main(int argc, char **argv) {
  int port = 0, edns = 0, opt;
  double seconds = 5;
  long timeout_ms = 1000;
  const char *file = NULL;
  concurrency = 100;
  while ((opt = getopt(argc, argv, "p:d:l:c:t:e")) != -1) {
    switch (opt) {
      case 'p': port = atoi(optarg); break;
      case 'd': file = optarg; break;
      case 'l': seconds = atof(optarg); break;
      case 'c': concurrency = atoi(optarg); break;
      case 't': timeout_ms = atol(optarg); break;
      case 'e': edns = 1; break;
      default: usage();
    }
  }
  /* Bounded in time and connections, and to this machine: the target is always 127.0.0.1. */
  if (!file || port < 1 || port > 65535 || concurrency < 1 || concurrency > MAX_CONCURRENCY ||
      seconds <= 0 || seconds > MAX_SECONDS || timeout_ms < 1 || timeout_ms > 10000)
    usage();
  read_queries(file, edns);
  hist = calloc(HIST_US, sizeof *hist);
  conns = calloc((size_t)concurrency, sizeof *conns);
  if (!hist || !conns) die("calloc");
  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) die("epoll_create1");
  target.sin_family = AF_INET;
  target.sin_port = htons((uint16_t)port);
  target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

  uint64_t start = now_ns();
  uint64_t run_end = start + (uint64_t)(seconds * 1e9);
  uint64_t timeout_ns = (uint64_t)timeout_ms * 1000000u;
  struct epoll_event events[256];
  for (;;) {
    uint64_t t = now_ns();
    int open = 0;
    for (int i = 0; i < concurrency; i++) {
      conn_t *c = &conns[i];
      if (c->state != IDLE && t - c->started >= timeout_ns) lose(c);
      if (c->state == IDLE && t < run_end) open_conn(c);
      if (c->state != IDLE) open++;
    }
    /* After the run: the connections still open get their answer or their timeout. */
    if (open == 0 && t >= run_end) break;
    int n = epoll_wait(epfd, events, 256, 10);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < n; i++) {
      conn_t *c = events[i].data.ptr;
      if (c->state == CONNECTING) send_query(c);
      else if (c->state == READING) read_answer(c, run_end);
    }
  }

  uint64_t errors = 0;
  for (int i = 1; i < 16; i++) errors += rcodes[i];
  printf("{\"mode\":\"tcp-per-query\",\"seconds\":%.3f,\"concurrency\":%d,\"sent\":%lu,\"completed\":%lu,"
         "\"lost\":%lu,\"qps\":%.0f,\"meanUs\":%.1f,\"p50Us\":%lu,\"p99Us\":%lu,\"p999Us\":%lu,"
         "\"maxUs\":%lu,\"errors\":%lu,\"servfail\":%lu,\"bad\":%lu,\"connectErrors\":%lu}\n",
         seconds, concurrency, sent, completed, lost, (double)completed_in_run / seconds,
         completed ? lat_sum_us / (double)completed : 0.0, percentile(0.50), percentile(0.99),
         percentile(0.999), percentile(1.0), errors, rcodes[2], bad_answers, connect_errors);
  return 0;
}
