/*
 * The Redis directives of ngx_http_elaaoms_module: the address (a name is
 * resolved here, at configuration time, never in the event loop) and the
 * credentials, literal or read from a file.  Also the file reader that
 * elaaoms_embed_key_file shares.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_redis.h"


static ngx_int_t ngx_http_elaaoms_redis_resolve(ngx_conf_t *cf,
    ngx_str_t *addr, u_char *host, size_t size, int *port);


/*
 * elaaoms_redis host[:port] | unix:path;
 * elaaoms_redis cluster host:port [host:port ...];
 */
char *
ngx_http_elaaoms_redis_conf(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_elaaoms_main_conf_t *emcf = conf;

    ngx_str_t                      *value;
    ngx_uint_t                      i;
    ngx_http_elaaoms_redis_seed_t  *seed;

    if (emcf->redis.configured) {
        return "is duplicate";
    }

    value = cf->args->elts;
    emcf->redis.addr = value[1];
    emcf->redis.configured = 1;

    if (value[1].len == 7 && ngx_strncmp(value[1].data, "cluster", 7) == 0) {
        if (cf->args->nelts < 3) {
            return "needs the cluster's seed nodes after \"cluster\"";
        }

        emcf->redis.seeds = ngx_array_create(cf->pool, cf->args->nelts - 2,
                                        sizeof(ngx_http_elaaoms_redis_seed_t));
        if (emcf->redis.seeds == NULL) {
            return NGX_CONF_ERROR;
        }

        for (i = 2; i < cf->args->nelts; i++) {
            if (ngx_strncmp(value[i].data, "unix:", 5) == 0) {
                return "takes host:port seeds for a cluster, not sockets";
            }

            seed = ngx_array_push(emcf->redis.seeds);
            if (seed == NULL) {
                return NGX_CONF_ERROR;
            }

            if (ngx_http_elaaoms_redis_resolve(cf, &value[i], seed->host,
                                               sizeof(seed->host),
                                               &seed->port)
                != NGX_OK)
            {
                return NGX_CONF_ERROR;
            }
        }

        return NGX_CONF_OK;
    }

    if (cf->args->nelts != 2) {
        return "takes one address, or \"cluster\" and seed nodes";
    }

    if (ngx_strncmp(value[1].data, "unix:", 5) == 0) {
        if (value[1].len == 5) {
            return "has an empty unix socket path";
        }

        emcf->redis.unix_path.len = value[1].len - 5;
        emcf->redis.unix_path.data = ngx_pnalloc(cf->pool,
                                                 value[1].len - 5 + 1);
        if (emcf->redis.unix_path.data == NULL) {
            return NGX_CONF_ERROR;
        }

        (void) ngx_cpystrn(emcf->redis.unix_path.data, value[1].data + 5,
                           value[1].len - 5 + 1);
        return NGX_CONF_OK;
    }

    if (ngx_http_elaaoms_redis_resolve(cf, &value[1], emcf->redis.host,
                                       sizeof(emcf->redis.host),
                                       &emcf->redis.port)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * hiredis would resolve a name with a blocking getaddrinfo() in the event
 * loop: names are resolved here, once, and hiredis gets the address (IPv4
 * first, as nginx orders them)
 */
static ngx_int_t
ngx_http_elaaoms_redis_resolve(ngx_conf_t *cf, ngx_str_t *addr,
    u_char *host, size_t size, int *port)
{
    size_t     len;
    ngx_url_t  u;

    ngx_memzero(&u, sizeof(ngx_url_t));
    u.url = *addr;
    u.default_port = 6379;

    if (ngx_parse_url(cf->pool, &u) != NGX_OK || u.host.len == 0) {
        if (u.err) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "%s in redis address \"%V\"", u.err, addr);
        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid redis address \"%V\"", addr);
        }

        return NGX_ERROR;
    }

    if (u.naddrs == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "redis host \"%V\" has no address", &u.host);
        return NGX_ERROR;
    }

    len = ngx_sock_ntop(u.addrs[0].sockaddr, u.addrs[0].socklen,
                        host, size - 1, 0);
    host[len] = '\0';
    *port = u.port;

    if (u.naddrs > 1) {
        ngx_conf_log_error(NGX_LOG_INFO, cf, 0,
                           "redis host \"%V\" has %ui addresses, using %s",
                           &u.host, u.naddrs, host);
    }

    return NGX_OK;
}


/* elaaoms_redis_auth [user] password; elaaoms_redis_auth_file [user] path */
char *
ngx_http_elaaoms_redis_auth_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_elaaoms_main_conf_t *emcf = conf;

    ngx_str_t  *value, *secret;

    if (emcf->redis.password.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;
    secret = &value[cf->args->nelts - 1];

    if (cf->args->nelts == 3) {
        if (value[1].len == 0) {
            return "has an empty user name";
        }

        emcf->redis.user = value[1];
    }

    if (cmd->offset) {
        return ngx_http_elaaoms_conf_read_secret(cf, secret, "password",
                                                 &emcf->redis.password);
    }

    if (secret->len == 0) {
        return "has an empty password";
    }

    emcf->redis.password = *secret;

    return NGX_CONF_OK;
}


/* a secret file's content, at most this long */
#define NGX_HTTP_ELAAOMS_SECRET_MAX  4096

char *
ngx_http_elaaoms_conf_read_secret(ngx_conf_t *cf, ngx_str_t *name,
    const char *what, ngx_str_t *secret)
{
    char      *rv;
    u_char     buf[NGX_HTTP_ELAAOMS_SECRET_MAX + 1], *p, *q, *last;
    size_t     len;
    ssize_t    n;
    ngx_fd_t   fd;
    ngx_str_t  path;

    path = *name;

    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    fd = ngx_open_file(path.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%s\" failed", path.data);
        return NGX_CONF_ERROR;
    }

    rv = NGX_CONF_ERROR;
    len = 0;

    while (len < sizeof(buf)) {
        n = ngx_read_fd(fd, buf + len, sizeof(buf) - len);

        if (n == -1) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                               ngx_read_fd_n " \"%s\" failed", path.data);
            goto done;
        }

        if (n == 0) {
            break;
        }

        len += n;
    }

    if (len == sizeof(buf)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%s\" is longer than %d bytes: not a %s",
                           path.data, NGX_HTTP_ELAAOMS_SECRET_MAX, what);
        goto done;
    }

    /* the newline editors add, and spaces around */
    p = buf;
    last = buf + len;

    while (p < last && (*p == ' ' || *p == '\t' || *p == CR || *p == LF)) {
        p++;
    }

    while (last > p && (last[-1] == ' ' || last[-1] == '\t'
                        || last[-1] == CR || last[-1] == LF))
    {
        last--;
    }

    if (p == last) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%s\" holds no %s",
                           path.data, what);
        goto done;
    }

    /* keys go into headers, passwords into AUTH: one printable word */
    for (q = p; q < last; q++) {
        if (*q < 0x21 || *q == 0x7f) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%s\" holds a space or a control "
                               "character inside the %s", path.data, what);
            goto done;
        }
    }

    secret->len = last - p;
    secret->data = ngx_pnalloc(cf->pool, secret->len);
    if (secret->data == NULL) {
        goto done;
    }

    ngx_memcpy(secret->data, p, secret->len);

    rv = NGX_CONF_OK;

done:

    ngx_explicit_memzero(buf, sizeof(buf));

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_ALERT, cf, ngx_errno,
                           ngx_close_file_n " \"%s\" failed", path.data);
    }

    return rv;
}


/* the module's per-request pieces (request ids in logs) are needed */
