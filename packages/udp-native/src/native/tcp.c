/*
 * DNS over TCP for chaindns (Linux): accept, read, frame and write in C, the queries of a wakeup
 * handed to JS in one call. Node's net costs a Socket, its stream states and several callbacks
 * per connection; a client that asks one query per connection (NodeLocal DNSCache's force_tcp)
 * pays all of that per query.
 *
 * One epoll instance per listener holds the listening socket and every connection; a uv_poll_t
 * watches that epoll descriptor in Node's own loop. A wakeup takes up to EVENTS ready sockets at
 * a time (at most ROUNDS times): it accepts (ACCEPTS at most per round), reads (level-triggered,
 * READS per connection), cuts the 2-byte length-framed messages out, and calls JS once with
 * every event of the wakeup as rows of a shared Int32Array:
 *   [kind, id, length, family, port, w0, w1, w2, w3, scope]
 *   ACCEPTED  a new connection, its peer in the address words (an IPv4 peer of "::" as IPv4)
 *   MESSAGE   a whole message, `length` bytes, back to back with the wakeup's others in the pool
 *   BUFFERED  length 1: part of a message arrived and waits for the rest (its read deadline
 *             starts); 0: nothing waits any more
 *   EOF       the client closed its side; DRAINED  answers that waited for the client are out
 *   BLOCKED   answers given during the last call wait for the client (it does not read)
 *   CLOSED    the connection is gone (reset, error, its client gone owing nothing, or ended once
 *             its answers were out); delivered with the next call that has other rows
 * Answers given while JS handles a wakeup are queued and leave in one send per connection when
 * it returns (pipelined queries: one syscall for all the answers of a read); later ones at once.
 * JS keeps the rules (core's ConnectionTable and connectionDeadline): it admits or closes a
 * connection, and closes it at its deadline. C keeps the two bounds it must: at most
 * max_pending messages per connection handed out and not answered (then it stops reading), and
 * no reading while answers wait for the client (then only those answers are buffered).
 *
 * An id is a slot (low SLOT_BITS bits) and the slot's generation: a late call for a closed
 * connection finds nothing, even when a new connection has taken its slot.
 *
 * The N-API bindings (tcpListen, tcpSend, ...) are in tcp-napi.c; tcp-internal.h holds what
 * the two share.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <node_api.h>
#include <uv.h>

#include "stream.h"
#include "tcp.h"
#include "tcp-internal.h"

#define EVENTS 256   /* ready sockets per epoll_wait */
#define ROUNDS 4     /* epoll_waits per wakeup, so timers and other handles get their turn */
#define ACCEPTS 64   /* connections accepted per round */
#define READS 4      /* reads per connection per round: one client cannot hold the loop */
#define IN_MIN 512 /* the first size of a connection's buffer for a message's parts */
/* As udp.c: one pool Buffer serves many wakeups, small enough to die young. */
#define POOL_SIZE (64 * 1024)
#define SLOT_BITS TCP_SLOT_BITS
#define SLOT_MASK ((1u << SLOT_BITS) - 1)

enum { K_ACCEPTED = 1, K_MESSAGE, K_BUFFERED, K_EOF, K_CLOSED, K_DRAINED, K_BLOCKED };
enum { R_KIND, R_ID, R_ADDR /* udp.c's row from here: length, family, port, w0..w3, scope */ };

static void on_kick(uv_timer_t *timer);

/* ---- connections ------------------------------------------------------------- */

conn_t *lookup(listener_t *l, uint32_t id) {
  uint32_t slot = id & SLOT_MASK;
  if (slot >= l->used) return NULL;
  conn_t *c = l->slots[slot];
  return c && c->id == id && !c->doomed ? c : NULL;
}

int push_id(uint32_t **list, uint32_t *n, uint32_t *cap, uint32_t id) {
  if (*n == *cap) {
    uint32_t grown = *cap ? *cap * 2 : 64;
    uint32_t *p = realloc(*list, grown * sizeof *p);
    if (!p) return 0;
    *list = p;
    *cap = grown;
  }
  (*list)[(*n)++] = id;
  return 1;
}

static conn_t *new_conn(listener_t *l, int fd) {
  uint32_t slot;
  if (l->nfree > 0) {
    slot = l->free_slots[--l->nfree];
  } else {
    if (l->used == l->cap) {
      uint32_t grown = l->cap ? l->cap * 2 : 256;
      if (grown > SLOT_MASK + 1) return NULL;
      conn_t **slots = realloc(l->slots, grown * sizeof *slots);
      if (!slots) return NULL;
      l->slots = slots;
      uint16_t *gens = realloc(l->gens, grown * sizeof *gens);
      if (!gens) return NULL;
      l->gens = gens;
      uint32_t *free_slots = realloc(l->free_slots, grown * sizeof *free_slots);
      if (!free_slots) return NULL;
      l->free_slots = free_slots;
      memset(l->gens + l->cap, 0, (grown - l->cap) * sizeof *gens);
      l->cap = grown;
    }
    slot = l->used++;
  }
  conn_t *c = calloc(1, sizeof *c);
  if (!c) {
    l->free_slots[l->nfree++] = slot;
    return NULL;
  }
  c->fd = fd;
  /* 11 bits of generation keep the id a positive int32. */
  c->id = ((uint32_t)(l->gens[slot] & 0x7ff) << SLOT_BITS) | slot;
  l->slots[slot] = c;
  return c;
}

/* Closes the socket and frees the connection; its id finds nothing from now on. */
void free_conn(listener_t *l, conn_t *c) {
  uint32_t slot = c->id & SLOT_MASK;
  close(c->fd);
  free(c->in);
  free(c->out);
  l->slots[slot] = NULL;
  l->gens[slot]++;
  l->free_slots[l->nfree++] = slot;
  free(c);
  if (l->accept_paused && l->lfd >= 0) {
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = LISTEN_KEY};
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->lfd, &ev) == 0) l->accept_paused = 0;
  }
}

size_t out_pending(const conn_t *c) {
  return c->out_end - c->out_off;
}

static int can_read(const listener_t *l, const conn_t *c) {
  return !c->eof && !c->ending && c->inflight < l->max_pending && out_pending(c) == 0;
}

/* Watches for what the connection can do now: read, or write what waits. */
void update_interest(listener_t *l, conn_t *c) {
  uint32_t want = (can_read(l, c) ? EPOLLIN | EPOLLRDHUP : 0) | (out_pending(c) ? EPOLLOUT : 0);
  if (want == c->interest) return;
  struct epoll_event ev = {.events = want, .data.u32 = c->id};
  if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0) c->interest = want;
}

/* Whole messages may wait in `in` (a pause): look at them in the next loop iteration. */
static void kick(listener_t *l, conn_t *c) {
  if (c->kicked || c->in_len < 2 || !can_read(l, c)) return;
  if (!push_id(&l->kicks, &l->nkicks, &l->kicks_cap, c->id)) return;
  c->kicked = 1;
  uv_timer_start(&l->kick, on_kick, 0, 0);
}

/* A message handed out is answered (or needs no answer): a connection held at max_pending reads
 * again. */
void answered(listener_t *l, conn_t *c) {
  if (c->inflight-- == l->max_pending) {
    update_interest(l, c);
    kick(l, c);
  }
}

/* ---- rows and the pool --------------------------------------------------------- */

static void deliver(listener_t *l);

static int32_t *row(listener_t *l, int kind, uint32_t id) {
  if (l->rows == TCP_ROWS) deliver(l);
  int32_t *r = l->meta + (size_t)l->rows++ * TCP_ROW;
  if (kind != K_CLOSED) l->urgent = 1;
  r[R_KIND] = kind;
  r[R_ID] = (int32_t)id;
  r[R_ADDR] = 0;
  return r;
}

static int renew_pool(listener_t *l, size_t size) {
  napi_value buffer;
  void *data;
  napi_ref ref;
  if (napi_create_buffer(l->env, size, &data, &buffer) != napi_ok ||
      napi_create_reference(l->env, buffer, 1, &ref) != napi_ok)
    return 0;
  napi_delete_reference(l->env, l->pool_ref);
  l->pool_ref = ref;
  l->pool = data;
  l->pool_len = size;
  l->pool_used = l->batch_start = 0;
  return 1;
}

/* Copies a message into the pool with its row; 0 when JS closed the connection meanwhile (a
 * full batch was handed over first) or no memory was left. */
static int emit_message(listener_t *l, conn_t *c, const uint8_t *data, size_t len) {
  if (l->rows == TCP_ROWS || (l->pool_ref && len > l->pool_len - l->pool_used)) deliver(l);
  if (c->doomed || l->disposed) return 0;
  if ((!l->pool_ref || len > l->pool_len - l->pool_used) && !renew_pool(l, len > POOL_SIZE ? len : POOL_SIZE))
    return 0;
  memcpy(l->pool + l->pool_used, data, len);
  l->pool_used += len;
  row(l, K_MESSAGE, c->id)[R_ADDR] = (int32_t)len;
  c->inflight++;
  return 1;
}

/* ---- reading ----------------------------------------------------------------- */

/* Hands out the whole messages of buf[0..len) while the connection may have more in flight;
 * what is left (part of a message, or whole ones while paused) stays in c->in. Empty
 * messages are skipped: they ask nothing. Returns the messages, or -1 when the connection
 * went meanwhile. */
static int take(listener_t *l, conn_t *c, const uint8_t *buf, size_t len) {
  size_t off = 0;
  int messages = 0;
  while (len - off >= 2 && c->inflight < l->max_pending) {
    size_t mlen = ((size_t)buf[off] << 8) | buf[off + 1];
    if (len - off < 2 + mlen) break;
    if (mlen > 0) {
      if (!emit_message(l, c, buf + off + 2, mlen)) return -1;
      messages++;
    }
    off += 2 + mlen;
  }
  size_t rest = len - off;
  if (buf == c->in) {
    memmove(c->in, c->in + off, rest);
  } else if (rest > 0) {
    if (rest > c->in_cap) {
      uint8_t *in = realloc(c->in, rest);
      if (!in) return -1;
      c->in = in;
      c->in_cap = rest;
    }
    memcpy(c->in, buf + off, rest);
  }
  c->in_len = rest;
  if (rest == 0 && c->in_cap > IN_MIN) { /* a long message's buffer is not kept for the connection's life */
    free(c->in);
    c->in = NULL;
    c->in_cap = 0;
  }
  return messages;
}

static void close_conn(listener_t *l, conn_t *c) {
  uint32_t id = c->id;
  free_conn(l, c);
  row(l, K_CLOSED, id);
}

/* After a failed take: JS closed the connection meanwhile (it closes at the wakeup's end), or
 * memory ran out (close it: its input is lost). */
static void drop_conn(listener_t *l, conn_t *c) {
  if (!c->doomed) close_conn(l, c);
}

/* Bytes still missing from the message that begins c->in (its length prefix first). */
static size_t missing(const conn_t *c) {
  if (c->in_len < 2) return 2 - c->in_len;
  return 2 + (((size_t)c->in[0] << 8) | c->in[1]) - c->in_len;
}

/* Serves what waits in c->in, then reads. Bytes go to the scratch buffer, or, while part of a
 * message waits, to c->in up to that message's end, so c->in never holds more than one
 * message unless the connection is paused. */
static void serve_conn(listener_t *l, conn_t *c) {
  size_t before = c->in_len;
  int messages = 0;
  if (c->in_len >= 2) {
    int n = take(l, c, c->in, c->in_len);
    if (n < 0) {
      drop_conn(l, c);
      return;
    }
    messages += n;
  }
  for (int k = 0; k < READS && can_read(l, c); k++) {
    ssize_t r;
    size_t asked;
    if (c->in_len == 0) {
      asked = SCRATCH;
      r = read(c->fd, l->scratch, asked);
    } else {
      /* The buffer grows with what arrives, not with what the prefix announces: a client that
       * announces 64 KB and sends a byte at a time holds a few hundred bytes until its deadline. */
      size_t want = c->in_len + missing(c);
      if (c->in_len == c->in_cap) {
        size_t cap = c->in_cap * 2 > IN_MIN ? c->in_cap * 2 : IN_MIN;
        uint8_t *in = realloc(c->in, cap < want ? cap : want);
        if (!in) {
          close_conn(l, c);
          return;
        }
        c->in = in;
        c->in_cap = cap < want ? cap : want;
      }
      asked = (c->in_cap < want ? c->in_cap : want) - c->in_len;
      r = read(c->fd, c->in + c->in_len, asked);
    }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (r < 0) {
      close_conn(l, c);
      return;
    }
    if (r == 0) {
      /* The client is gone. Owed nothing, it is closed here (a query per connection: no JS call
       * for its end); else JS ends it once its answers are out. */
      if (c->inflight == 0 && out_pending(c) == 0) {
        close_conn(l, c);
        return;
      }
      c->eof = 1;
      row(l, K_EOF, c->id);
      break;
    }
    int n = c->in_len == 0 ? take(l, c, l->scratch, (size_t)r) : (c->in_len += (size_t)r, take(l, c, c->in, c->in_len));
    if (n < 0) {
      drop_conn(l, c);
      return;
    }
    messages += n;
    if ((size_t)r < asked) break; /* the socket is empty */
  }
  /* The read deadline starts when a message's first part arrives, a message is done and the next
   * begins, or reading resumes; more parts of the same message change nothing. */
  if (c->in_len > 0 && (before == 0 || messages > 0)) row(l, K_BUFFERED, c->id)[R_ADDR] = 1;
  else if (c->in_len == 0 && before > 0) row(l, K_BUFFERED, c->id)[R_ADDR] = 0;
  update_interest(l, c);
}

/* Writes what waits; tells JS when all is out (or closes an ending connection then). */
static void flush_out(listener_t *l, conn_t *c) {
  while (out_pending(c) > 0) {
    ssize_t r = send(c->fd, c->out + c->out_off, out_pending(c), MSG_NOSIGNAL);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      update_interest(l, c);
      return;
    }
    if (r < 0) {
      close_conn(l, c);
      return;
    }
    c->out_off += (size_t)r;
  }
  c->out_off = c->out_end = 0;
  /* A slow reader's backlog is let go once it is out, not kept for the connection's life. */
  if (c->out_cap > SCRATCH) {
    free(c->out);
    c->out = NULL;
    c->out_cap = 0;
  }
  if (c->ending) {
    close_conn(l, c);
    return;
  }
  row(l, K_DRAINED, c->id);
  update_interest(l, c);
  kick(l, c);
}

static void accept_some(listener_t *l) {
  for (int k = 0; k < ACCEPTS && l->lfd >= 0; k++) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int fd = accept4(l->lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        /* Level-triggered, the pending connection would wake us forever: rest until one closes. */
        if (epoll_ctl(l->epfd, EPOLL_CTL_DEL, l->lfd, NULL) == 0) l->accept_paused = 1;
      }
      return;
    }
    conn_t *c = new_conn(l, fd);
    if (!c) {
      close(fd);
      continue;
    }
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = c->id};
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
      free_conn(l, c);
      continue;
    }
    c->interest = ev.events;
    row_from_sockaddr(row(l, K_ACCEPTED, c->id) + R_ADDR, &ss);
  }
}

/* ---- a wakeup ------------------------------------------------------------------ */

static void release_js(listener_t *l) {
  napi_delete_reference(l->env, l->on_batch);
  napi_delete_reference(l->env, l->meta_ref);
  napi_delete_reference(l->env, l->pool_ref);
  napi_async_destroy(l->env, l->async);
  l->on_batch = l->meta_ref = l->pool_ref = NULL;
  l->async = NULL;
}

void release_listener(listener_t *l) {
  free(l->slots);
  free(l->gens);
  free(l->free_slots);
  free(l->doomed);
  free(l->kicks);
  free(l->queued);
  free(l);
}

static void on_handle_closed(uv_handle_t *handle) {
  listener_t *l = handle->data;
  if (--l->handles_open > 0) return;
  if (l->cleanup) napi_remove_async_cleanup_hook(l->cleanup);
  if (l->finalized) release_listener(l);
}

/* Closes every descriptor and lets go of JS; the struct lives until the uv handles have
 * closed and the JS handle is collected. */
void dispose(listener_t *l) {
  if (l->disposed) return;
  if (l->in_wakeup) {
    l->dispose_later = 1;
    return;
  }
  l->disposed = 1;
  for (uint32_t s = 0; s < l->used; s++)
    if (l->slots[s]) free_conn(l, l->slots[s]);
  if (l->lfd >= 0) close(l->lfd);
  l->lfd = -1;
  uv_close((uv_handle_t *)&l->poll, on_handle_closed);
  uv_close((uv_handle_t *)&l->kick, on_handle_closed);
  close(l->epfd);
  if (!l->in_callback) release_js(l);
}

/* Writes the answers queued during a JS call, one send a connection. A client that does not
 * take them all is blocked (a BLOCKED row: its write deadline starts); one that fails is closed
 * at the wakeup's end (a CLOSED row), since C may be walking it now. */
static void flush_queued(listener_t *l) {
  for (uint32_t i = 0; i < l->nqueued; i++) {
    conn_t *c = lookup(l, l->queued[i]);
    if (!c) continue;
    c->queued = 0;
    while (out_pending(c) > 0) {
      ssize_t r = send(c->fd, c->out + c->out_off, out_pending(c), MSG_NOSIGNAL);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          row(l, K_BLOCKED, c->id);
          update_interest(l, c);
        } else if (push_id(&l->doomed, &l->ndoomed, &l->doomed_cap, c->id)) {
          c->doomed = 1;
          row(l, K_CLOSED, c->id);
        }
        break;
      }
      c->out_off += (size_t)r;
    }
    if (out_pending(c) == 0) {
      c->out_off = c->out_end = 0;
      if (c->ending && push_id(&l->doomed, &l->ndoomed, &l->doomed_cap, c->id)) {
        c->doomed = 1;
        row(l, K_CLOSED, c->id);
      } else {
        update_interest(l, c);
      }
    }
  }
  l->nqueued = 0;
}

/* Hands the rows so far to JS: onBatch(pool, offset, rows). */
static void deliver(listener_t *l) {
  if (l->rows == 0 || l->disposed) return;
  napi_env env = l->env;
  napi_handle_scope scope;
  int rows = l->rows;
  size_t offset = l->batch_start;
  l->rows = 0;
  l->urgent = 0;
  l->batch_start = l->pool_used;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value argv[3], fn, recv, result;
  if ((l->pool_ref ? napi_get_reference_value(env, l->pool_ref, &argv[0]) : napi_get_undefined(env, &argv[0])) == napi_ok &&
      napi_create_uint32(env, (uint32_t)offset, &argv[1]) == napi_ok &&
      napi_create_int32(env, rows, &argv[2]) == napi_ok &&
      napi_get_reference_value(env, l->on_batch, &fn) == napi_ok && napi_get_global(env, &recv) == napi_ok) {
    l->in_callback = 1;
    napi_status st = napi_make_callback(env, l->async, recv, fn, 3, argv, &result);
    l->in_callback = 0;
    if (l->disposed) release_js(l);
    else flush_queued(l);
    if (st == napi_pending_exception) {
      napi_value error;
      if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
    }
  }
  napi_close_handle_scope(env, scope);
}

/* The end of a wakeup: the rows to JS, then the closes JS asked for meanwhile. */
static void end_wakeup(listener_t *l) {
  /* Writing the queued answers may add rows (BLOCKED, CLOSED): they go to JS too. A connection
   * closed by C (its client gone, owed nothing) needs no call of its own: JS hears of it with the
   * next one (its table entry owes nothing meanwhile; closing it again is a no-op). */
  while (l->rows > 0 && l->urgent && !l->disposed) deliver(l);
  l->in_wakeup = 0;
  for (uint32_t i = 0; i < l->ndoomed; i++) {
    uint32_t slot = l->doomed[i] & SLOT_MASK;
    if (slot < l->used && l->slots[slot] && l->slots[slot]->id == l->doomed[i]) free_conn(l, l->slots[slot]);
  }
  l->ndoomed = 0;
  if (l->dispose_later) dispose(l);
}

static void conn_event(listener_t *l, uint32_t id, uint32_t events) {
  conn_t *c = lookup(l, id);
  if (!c) return; /* closed earlier in this wakeup */
  if (events & (EPOLLERR | EPOLLHUP)) {
    close_conn(l, c);
    return;
  }
  if (events & EPOLLOUT) {
    flush_out(l, c);
    if (!(c = lookup(l, id))) return;
  }
  if (events & (EPOLLIN | EPOLLRDHUP)) serve_conn(l, c);
}

void on_ready(uv_poll_t *poll, int status, int events) {
  (void)status, (void)events;
  listener_t *l = poll->data;
  struct epoll_event ev[EVENTS];
  napi_handle_scope scope; /* for the pools made during the wakeup */
  if (napi_open_handle_scope(l->env, &scope) != napi_ok) return;
  l->in_wakeup = 1;
  for (int round = 0; round < ROUNDS && !l->disposed && !l->dispose_later; round++) {
    int n = epoll_wait(l->epfd, ev, EVENTS, 0);
    if (n <= 0) break;
    for (int i = 0; i < n && !l->disposed && !l->dispose_later; i++) {
      if (ev[i].data.u32 == LISTEN_KEY) accept_some(l);
      else conn_event(l, ev[i].data.u32, ev[i].events);
    }
  }
  end_wakeup(l);
  napi_close_handle_scope(l->env, scope);
}

/* Connections that may go on with whole messages they hold (after a pause). */
static void on_kick(uv_timer_t *timer) {
  listener_t *l = timer->data;
  uint32_t n = l->nkicks;
  napi_handle_scope scope;
  if (napi_open_handle_scope(l->env, &scope) != napi_ok) return;
  l->in_wakeup = 1;
  for (uint32_t i = 0; i < n && !l->disposed && !l->dispose_later; i++) {
    conn_t *c = lookup(l, l->kicks[i]);
    if (!c) continue;
    c->kicked = 0;
    if (can_read(l, c)) serve_conn(l, c);
  }
  /* Kicks added meanwhile wait for the next turn. */
  memmove(l->kicks, l->kicks + n, (l->nkicks - n) * sizeof *l->kicks);
  l->nkicks -= n;
  if (l->nkicks > 0 && !l->disposed) uv_timer_start(&l->kick, on_kick, 0, 0);
  end_wakeup(l);
  napi_close_handle_scope(l->env, scope);
}
