/*
 * The query file of the bench's generators (loadgen.c, tcpgen.c): dnsperf's format, `name
 * [TYPE]` a line (A when no type), `#` comments. Each query is built once as wire bytes: RD
 * set, ID 0 (the generator sets it), an OPT (1232 bytes) with `edns`. The including file
 * defines PROGRAM (its name, for messages) and die().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_QUERY 300

typedef struct {
  uint8_t *wire;
  uint16_t len;
} query_t;

static query_t *queries;
static size_t nqueries;

static int type_code(const char *t) {
  static const struct { const char *name; int code; } types[] = {
      {"A", 1}, {"NS", 2}, {"CNAME", 5}, {"SOA", 6}, {"PTR", 12}, {"MX", 15}, {"TXT", 16},
      {"AAAA", 28}, {"SRV", 33}, {"DS", 43}, {"DNSKEY", 48}, {"HTTPS", 65}, {"ANY", 255}};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (strcasecmp(t, types[i].name) == 0) return types[i].code;
  if (strncasecmp(t, "TYPE", 4) == 0) return atoi(t + 4);
  return -1;
}

/* A query for `name` of type `type`, RD set, ID 0; with an OPT (1232 bytes) when `edns`. */
static int build_query(uint8_t *out, const char *name, int type, int edns) {
  memset(out, 0, 12);
  out[2] = 0x01; /* RD */
  out[5] = 1;    /* QDCOUNT */
  size_t off = 12;
  const char *p = name;
  while (*p && !(p[0] == '.' && p[1] == 0)) {
    const char *dot = strchr(p, '.');
    size_t len = dot ? (size_t)(dot - p) : strlen(p);
    if (len == 0 || len > 63 || off + len + 1 > 12 + 255) return -1;
    out[off++] = (uint8_t)len;
    memcpy(out + off, p, len);
    off += len;
    p += len + (dot ? 1 : 0);
  }
  out[off++] = 0;
  out[off++] = (uint8_t)(type >> 8);
  out[off++] = (uint8_t)type;
  out[off++] = 0;
  out[off++] = 1; /* IN */
  if (edns) {
    out[11] = 1; /* ARCOUNT */
    static const uint8_t opt[11] = {0, 0, 41, 1232 >> 8, 1232 & 0xff, 0, 0, 0, 0, 0, 0};
    memcpy(out + off, opt, sizeof opt);
    off += sizeof opt;
  }
  return (int)off;
}

static void read_queries(const char *path, int edns) {
  FILE *f = fopen(path, "r");
  if (!f) die(path);
  size_t cap = 1024;
  queries = malloc(cap * sizeof *queries);
  char line[512], name[300], type[32];
  while (fgets(line, sizeof line, f)) {
    int n = sscanf(line, "%299s %31s", name, type);
    if (n < 1 || name[0] == '#') continue;
    int code = n == 2 ? type_code(type) : 1;
    uint8_t buf[MAX_QUERY];
    int len = code < 0 ? -1 : build_query(buf, name, code, edns);
    if (len < 0) {
      fprintf(stderr, PROGRAM ": skipping %s", line);
      continue;
    }
    if (nqueries == cap) queries = realloc(queries, (cap *= 2) * sizeof *queries);
    queries[nqueries].wire = malloc((size_t)len);
    memcpy(queries[nqueries].wire, buf, (size_t)len);
    queries[nqueries++].len = (uint16_t)len;
  }
  fclose(f);
  if (nqueries == 0) die("no queries in the file");
}

