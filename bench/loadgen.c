/*
 * A small HTTP/1.1 load generator for the benchmarks, on loopback: keep-alive
 * connections on epoll, either closed loop (every connection sends again as
 * soon as it has its answer: the most a server does) or open loop at a fixed
 * rate (request i is due at start + i / rate; its latency counts from that
 * moment, so a server that falls behind is charged for the queue too, not
 * only for the requests it happened to answer quickly).
 *
 * What wrk cannot do and the benchmarks need: a unique body per request
 * ("@N@" in the body becomes the request's number), signed the way
 * ElevenLabs signs post-call webhooks (HMAC-SHA256 of "<t>.<body>").
 *
 *   loadgen -p PORT -u PATH [-m POST] [-H "Name: value"]... [-b BODY |
 *           -f BODY_FILE] [-s SECRET] [-c CONNECTIONS] [-d SECONDS]
 *           [-n REQUESTS] [-r RATE] [-e STATUS]
 *
 * Prints one line: "requests N errors E rps X p50 Y p99 Z max W" (times in
 * ms) and exits 1 when a request failed or answered another status than
 * -e (default 200).  Built by "make bench".
 */

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>


#define LG_MAX_CONN     1024
#define LG_MAX_HEADERS  16
#define LG_READ         65536


typedef struct {
    int       fd;
    int       busy;
    double    due;        /* when the request was due (open loop) or sent */
    char     *out;        /* the request being written */
    size_t    outlen, sent;
    char     *in;         /* the answer so far */
    size_t    inlen, insize;
} lg_conn_t;


static struct {
    int          port;
    const char  *path, *method, *secret;
    const char  *headers[LG_MAX_HEADERS];
    int          nheaders;
    char        *body;
    size_t       bodylen;
    int          conns, expect;
    double       seconds, rate;
    long         max_requests;
} cfg = { 0, "/", "GET", NULL, { NULL }, 0, NULL, 0, 16, 200, 5, 0, 0 };

static double  *lat;
static size_t   nlat, latsize;
static long     issued, errors;


static double
now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}


static void
die(const char *what)
{
    perror(what);
    exit(2);
}


/* the body of request n: "@N@" replaced by n; returns its length */
static char *
body_for(long n, size_t *len)
{
    char    num[32], *b, *p, *at;
    size_t  nlen, size;
    int     k;

    k = snprintf(num, sizeof(num), "%ld", n);
    nlen = (size_t) k;
    size = cfg.bodylen + nlen * 8 + 1;

    b = malloc(size);
    if (b == NULL) {
        die("malloc");
    }

    p = b;
    at = cfg.body;

    while (at < cfg.body + cfg.bodylen) {
        char  *m = memmem(at, cfg.body + cfg.bodylen - at, "@N@", 3);

        if (m == NULL || (size_t) (p - b) + (m - at) + nlen >= size) {
            break;
        }

        memcpy(p, at, m - at);
        p += m - at;
        memcpy(p, num, nlen);
        p += nlen;
        at = m + 3;
    }

    memcpy(p, at, cfg.body + cfg.bodylen - at);
    p += cfg.body + cfg.bodylen - at;
    *len = p - b;

    return b;
}


static char *
request_for(long n, size_t *len)
{
    int            i, k;
    char          *body, *req, sig[160], *msg, hex[2 * EVP_MAX_MD_SIZE + 1];
    size_t         blen, size, off;
    unsigned int   mdlen;
    unsigned char  md[EVP_MAX_MD_SIZE];

    body = cfg.body ? body_for(n, &blen) : NULL;
    if (body == NULL) {
        blen = 0;
    }

    sig[0] = '\0';

    if (cfg.secret) {
        long  t = (long) time(NULL);

        msg = malloc(blen + 32);
        if (msg == NULL) {
            die("malloc");
        }
        k = snprintf(msg, 32, "%ld.", t);
        memcpy(msg + k, body, blen);

        HMAC(EVP_sha256(), cfg.secret, strlen(cfg.secret),
             (unsigned char *) msg, k + blen, md, &mdlen);
        free(msg);

        for (i = 0; i < (int) mdlen; i++) {
            snprintf(hex + 2 * i, 3, "%02x", md[i]);
        }
        snprintf(sig, sizeof(sig), "ElevenLabs-Signature: t=%ld,v0=%s\r\n",
                 t, hex);
    }

    size = blen + 1024 + strlen(cfg.path) + strlen(sig);
    for (i = 0; i < cfg.nheaders; i++) {
        size += strlen(cfg.headers[i]) + 2;
    }

    req = malloc(size);
    if (req == NULL) {
        die("malloc");
    }

    off = snprintf(req, size, "%s %s HTTP/1.1\r\nHost: localhost\r\n%s",
                   cfg.method, cfg.path, sig);
    for (i = 0; i < cfg.nheaders; i++) {
        off += snprintf(req + off, size - off, "%s\r\n", cfg.headers[i]);
    }
    if (body) {
        off += snprintf(req + off, size - off, "Content-Length: %zu\r\n",
                        blen);
    }
    off += snprintf(req + off, size - off, "\r\n");
    if (body) {
        memcpy(req + off, body, blen);
        off += blen;
        free(body);
    }

    *len = off;
    return req;
}


static int
connect_one(int ep, lg_conn_t *c)
{
    int                 one = 1;
    struct sockaddr_in  sa;
    struct epoll_event  ev;

    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0) {
        die("socket");
    }

    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(cfg.port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    if (connect(c->fd, (struct sockaddr *) &sa, sizeof(sa)) != 0
        && errno != EINPROGRESS)
    {
        die("connect");
    }

    ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
    ev.data.ptr = c;

    return epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}


static void
reconnect(int ep, lg_conn_t *c)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->inlen = 0;
    if (connect_one(ep, c) != 0) {
        die("epoll_ctl");
    }
}


static void
start(lg_conn_t *c, double due)
{
    c->out = request_for(issued++, &c->outlen);
    c->sent = 0;
    c->inlen = 0;
    c->busy = 1;
    c->due = due;
}


static void
flush_out(lg_conn_t *c)
{
    ssize_t  n;

    while (c->busy && c->sent < c->outlen) {
        n = write(c->fd, c->out + c->sent, c->outlen - c->sent);
        if (n <= 0) {
            return;
        }
        c->sent += n;
    }
}


/* 1 when a whole answer is in, and its status in *status */
static int
answer_done(lg_conn_t *c, int *status)
{
    char    *end, *cl;
    size_t   hlen, blen;

    end = memmem(c->in, c->inlen, "\r\n\r\n", 4);
    if (end == NULL) {
        return 0;
    }

    hlen = end + 4 - c->in;
    *end = '\0';
    cl = strcasestr(c->in, "\r\nContent-Length:");
    blen = cl ? strtoul(cl + 17, NULL, 10) : 0;
    *end = '\r';

    if (c->inlen < hlen + blen) {
        return 0;
    }

    *status = atoi(c->in + 9);
    return 1;
}


static void
record(double t)
{
    if (nlat == latsize) {
        latsize = latsize ? latsize * 2 : 65536;
        lat = realloc(lat, latsize * sizeof(double));
        if (lat == NULL) {
            die("realloc");
        }
    }
    lat[nlat++] = t;
}


static int
cmp(const void *a, const void *b)
{
    double  x = *(const double *) a, y = *(const double *) b;

    return x < y ? -1 : x > y;
}


static void
usage(void)
{
    fprintf(stderr, "usage: loadgen -p PORT -u PATH [-m METHOD] "
            "[-H header]... [-b BODY | -f FILE] [-s SECRET] [-c CONNS] "
            "[-d SECONDS] [-n REQUESTS] [-r RATE] [-e STATUS]\n");
    exit(2);
}


int
main(int argc, char **argv)
{
    int                 ep, i, n, opt, status;
    long                due_n;
    double              t0, t, end, next_due;
    ssize_t             r;
    struct timespec     wait;
    lg_conn_t          *conns, *c;
    struct epoll_event  evs[256];

    while ((opt = getopt(argc, argv, "p:u:m:H:b:f:s:c:d:n:r:e:")) != -1) {
        switch (opt) {
        case 'p': cfg.port = atoi(optarg); break;
        case 'u': cfg.path = optarg; break;
        case 'm': cfg.method = optarg; break;
        case 'H':
            if (cfg.nheaders == LG_MAX_HEADERS) {
                usage();
            }
            cfg.headers[cfg.nheaders++] = optarg;
            break;
        case 'b':
            cfg.body = optarg;
            cfg.bodylen = strlen(optarg);
            break;
        case 'f': {
            FILE  *f = fopen(optarg, "rb");
            long   sz;

            if (f == NULL || fseek(f, 0, SEEK_END) != 0
                || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
            {
                die(optarg);
            }
            cfg.body = malloc(sz + 1);
            if (cfg.body == NULL || fread(cfg.body, 1, sz, f) != (size_t) sz) {
                die(optarg);
            }
            cfg.bodylen = sz;
            fclose(f);
            break;
        }
        case 's': cfg.secret = optarg; break;
        case 'c': cfg.conns = atoi(optarg); break;
        case 'd': cfg.seconds = atof(optarg); break;
        case 'n': cfg.max_requests = atol(optarg); break;
        case 'r': cfg.rate = atof(optarg); break;
        case 'e': cfg.expect = atoi(optarg); break;
        default: usage();
        }
    }

    if (cfg.port <= 0 || cfg.conns <= 0 || cfg.conns > LG_MAX_CONN) {
        usage();
    }

    ep = epoll_create1(0);
    conns = calloc(cfg.conns, sizeof(lg_conn_t));
    if (ep < 0 || conns == NULL) {
        die("setup");
    }

    for (i = 0; i < cfg.conns; i++) {
        conns[i].insize = LG_READ;
        conns[i].in = malloc(LG_READ);
        if (conns[i].in == NULL || connect_one(ep, &conns[i]) != 0) {
            die("setup");
        }
    }

    t0 = now();
    end = t0 + cfg.seconds;
    due_n = 0;

    for ( ;; ) {
        t = now();

        /* hand out the requests that are due to idle connections */
        for (i = 0; i < cfg.conns && t < end; i++) {
            c = &conns[i];
            if (c->busy) {
                continue;
            }
            if (cfg.max_requests && issued >= cfg.max_requests) {
                break;
            }
            if (cfg.rate > 0) {
                next_due = t0 + due_n / cfg.rate;
                if (next_due > t) {
                    break;
                }
                due_n++;
                start(c, next_due);
            } else {
                start(c, t);
            }
            flush_out(c);
        }

        for (i = 0; i < cfg.conns && conns[i].busy == 0; i++) { /* void */ }
        if (i == cfg.conns
            && (t >= end || (cfg.max_requests && issued >= cfg.max_requests)))
        {
            break;
        }

        /* at a fixed rate, wake when the next request is due rather than
           on epoll_wait's millisecond ticks, whose up to 1 ms of lateness
           would be charged to the server */
        wait.tv_sec = 0;
        wait.tv_nsec = 1000000;
        for (i = 0; i < cfg.conns && conns[i].busy; i++) { /* void */ }
        if (cfg.rate > 0 && i < cfg.conns && t < end) {
            next_due = t0 + due_n / cfg.rate - now();
            if (next_due < 0.001) {
                wait.tv_nsec = next_due > 0 ? (long) (next_due * 1e9) : 0;
            }
        }

        n = epoll_pwait2(ep, evs, 256, &wait, NULL);
        if (n < 0 && errno != EINTR) {
            die("epoll_wait");
        }

        for (i = 0; i < n; i++) {
            int  eof = 0;

            c = evs[i].data.ptr;
            flush_out(c);

            for ( ;; ) {
                if (c->insize - c->inlen < LG_READ / 2) {
                    c->insize *= 2;
                    c->in = realloc(c->in, c->insize);
                    if (c->in == NULL) {
                        die("realloc");
                    }
                }

                r = read(c->fd, c->in + c->inlen, c->insize - c->inlen);
                if (r > 0) {
                    c->inlen += r;
                    continue;
                }
                if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                    eof = 1;
                }
                break;
            }

            if (c->busy && answer_done(c, &status)) {
                record(now() - c->due);
                if (status != cfg.expect) {
                    errors++;
                }
                /* nginx ends a keep-alive connection after a number of
                   requests: the next request goes on a new one */
                if (memmem(c->in, c->inlen, "Connection: close", 17)) {
                    eof = 1;
                }
                free(c->out);
                c->busy = 0;
                c->inlen = 0;
            }

            if (eof) {
                if (c->busy) {
                    errors++;
                    free(c->out);
                    c->busy = 0;
                }
                reconnect(ep, c);
            }
        }
    }

    t = now() - t0;
    qsort(lat, nlat, sizeof(double), cmp);

    printf("requests %zu errors %ld rps %.0f p50 %.3f p99 %.3f max %.3f\n",
           nlat, errors, nlat / t,
           nlat ? lat[nlat / 2] * 1e3 : 0.0,
           nlat ? lat[(size_t) (nlat * 0.99)] * 1e3 : 0.0,
           nlat ? lat[nlat - 1] * 1e3 : 0.0);

    return errors ? 1 : 0;
}
