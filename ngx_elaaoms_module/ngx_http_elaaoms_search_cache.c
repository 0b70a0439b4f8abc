/*
 * elaaoms_search_cache zone=name:size: a shared-memory cache of callers'
 * memory records for search-memory, shared by the nginx workers.
 *
 * An entry is keyed by org and caller and holds the records as search
 * read them (a blob, ngx_http_elaaoms_search_cache_blob_*) with the
 * caller's memory version token (store/redis_keys.h:
 * ELAAOMS_MEMORY_KEY_VERSION), which the worker sets in the same
 * MULTI/EXEC as every change to the records.  A search GETs the token
 * (a few bytes) and uses the entry only when the tokens are equal; the
 * records are read again otherwise.  No token (an erased caller, records
 * of an older worker) is never cached.
 *
 * What is cached is the caller's search index (lib/search/search_index.h:
 * the records and what scoring them needs, precomputed), built once per
 * version by the worker process that read the records.
 *
 * Entries live in an rbtree by crc32 of the key, with an LRU queue: when
 * the slab allocator has no room the least recently used entries go
 * first.  A search scores the entry in place: it pins it (a count under
 * the zone's mutex) and releases it when its answer is written, and an
 * entry replaced or evicted while pinned leaves the tree at once but is
 * freed by its last release, so an eviction by another worker never
 * pulls memory from under a search.  A worker that dies holding a pin
 * leaks that entry's memory until the zone is recreated: the cost of
 * not copying a blob of hundreds of kilobytes per search.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_search_cache.h"


typedef struct {
    ngx_rbtree_node_t   node;        /* key: crc32 of the entry's key */
    ngx_queue_t         lru;
    u_char             *blob;        /* slab memory */
    size_t              blob_len;
    ngx_uint_t          pins;        /* searches scoring it now */
    unsigned            dead:1;      /* out of the tree: freed at 0 pins */
    u_char              version[NGX_HTTP_ELAAOMS_VERSION_LEN];
    u_short             key_len;
    u_char              key[1];      /* org '\0' caller */
} ngx_http_elaaoms_cache_node_t;


typedef struct {
    ngx_rbtree_t        rbtree;
    ngx_rbtree_node_t   sentinel;
    ngx_queue_t         lru;         /* most recent first */
} ngx_http_elaaoms_cache_sh_t;


typedef struct {
    ngx_http_elaaoms_cache_sh_t  *sh;
    ngx_slab_pool_t              *shpool;
} ngx_http_elaaoms_cache_t;


static ngx_int_t ngx_http_elaaoms_cache_init_zone(ngx_shm_zone_t *zone,
    void *data);
static void ngx_http_elaaoms_cache_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);
static ngx_http_elaaoms_cache_node_t *ngx_http_elaaoms_cache_find(
    ngx_http_elaaoms_cache_t *c, u_char *key, size_t len, uint32_t hash);
static void ngx_http_elaaoms_cache_drop(ngx_http_elaaoms_cache_t *c,
    ngx_http_elaaoms_cache_node_t *cn);


char *
ngx_http_elaaoms_search_cache_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_elaaoms_loc_conf_t *elcf = conf;

    u_char                    *p;
    ssize_t                    size;
    ngx_str_t                 *value, name, s;
    ngx_shm_zone_t            *zone;
    ngx_http_elaaoms_cache_t  *c;

    if (elcf->search_cache != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strncmp(value[1].data, "zone=", 5) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\", expected "
                           "zone=name:size", &value[1]);
        return NGX_CONF_ERROR;
    }

    name.data = value[1].data + 5;
    p = (u_char *) ngx_strchr(name.data, ':');

    if (p == NULL || p == name.data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid zone \"%V\", expected zone=name:size",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    name.len = p - name.data;

    s.data = p + 1;
    s.len = value[1].data + value[1].len - s.data;

    size = ngx_parse_size(&s);

    if (size == NGX_ERROR || size < (ssize_t) (8 * ngx_pagesize)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "zone \"%V\" is too small or invalid: at least "
                           "%uzk", &name, 8 * ngx_pagesize / 1024);
        return NGX_CONF_ERROR;
    }

    zone = ngx_shared_memory_add(cf, &name, size, &ngx_http_elaaoms_module);
    if (zone == NULL) {
        return NGX_CONF_ERROR;
    }

    if (zone->data == NULL) {
        c = ngx_pcalloc(cf->pool, sizeof(ngx_http_elaaoms_cache_t));
        if (c == NULL) {
            return NGX_CONF_ERROR;
        }

        zone->init = ngx_http_elaaoms_cache_init_zone;
        zone->data = c;

    } else if (zone->init != ngx_http_elaaoms_cache_init_zone) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "zone \"%V\" is used by another directive",
                           &name);
        return NGX_CONF_ERROR;
    }

    elcf->search_cache = zone;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_elaaoms_cache_init_zone(ngx_shm_zone_t *zone, void *data)
{
    ngx_http_elaaoms_cache_t  *octx = data;

    size_t                     len;
    ngx_http_elaaoms_cache_t  *c;

    c = zone->data;

    if (octx) {
        c->sh = octx->sh;
        c->shpool = octx->shpool;
        return NGX_OK;
    }

    c->shpool = (ngx_slab_pool_t *) zone->shm.addr;

    if (zone->shm.exists) {
        c->sh = c->shpool->data;
        return NGX_OK;
    }

    c->sh = ngx_slab_alloc(c->shpool, sizeof(ngx_http_elaaoms_cache_sh_t));
    if (c->sh == NULL) {
        return NGX_ERROR;
    }

    c->shpool->data = c->sh;

    ngx_rbtree_init(&c->sh->rbtree, &c->sh->sentinel,
                    ngx_http_elaaoms_cache_insert);
    ngx_queue_init(&c->sh->lru);

    len = sizeof(" in elaaoms_search_cache zone \"\"") + zone->shm.name.len;

    c->shpool->log_ctx = ngx_slab_alloc(c->shpool, len);
    if (c->shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(c->shpool->log_ctx, " in elaaoms_search_cache zone \"%V\"%Z",
                &zone->shm.name);

    /* a full zone evicts; it is no error to log per allocation */
    c->shpool->log_nomem = 0;

    return NGX_OK;
}


static void
ngx_http_elaaoms_cache_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel)
{
    ngx_rbtree_node_t              **p;
    ngx_http_elaaoms_cache_node_t   *cn, *cnt;

    for ( ;; ) {

        if (node->key != temp->key) {
            p = (node->key < temp->key) ? &temp->left : &temp->right;

        } else {
            cn = (ngx_http_elaaoms_cache_node_t *) node;
            cnt = (ngx_http_elaaoms_cache_node_t *) temp;

            p = (ngx_memn2cmp(cn->key, cnt->key, cn->key_len, cnt->key_len)
                 < 0) ? &temp->left : &temp->right;
        }

        if (*p == sentinel) {
            break;
        }

        temp = *p;
    }

    *p = node;
    node->parent = temp;
    node->left = sentinel;
    node->right = sentinel;
    ngx_rbt_red(node);
}


static ngx_http_elaaoms_cache_node_t *
ngx_http_elaaoms_cache_find(ngx_http_elaaoms_cache_t *c, u_char *key,
    size_t len, uint32_t hash)
{
    ngx_int_t                       rc;
    ngx_rbtree_node_t              *node, *sentinel;
    ngx_http_elaaoms_cache_node_t  *cn;

    node = c->sh->rbtree.root;
    sentinel = c->sh->rbtree.sentinel;

    while (node != sentinel) {

        if (hash != node->key) {
            node = (hash < node->key) ? node->left : node->right;
            continue;
        }

        cn = (ngx_http_elaaoms_cache_node_t *) node;

        rc = ngx_memn2cmp(key, cn->key, len, cn->key_len);

        if (rc == 0) {
            return cn;
        }

        node = (rc < 0) ? node->left : node->right;
    }

    return NULL;
}


static void
ngx_http_elaaoms_cache_drop(ngx_http_elaaoms_cache_t *c,
    ngx_http_elaaoms_cache_node_t *cn)
{
    ngx_queue_remove(&cn->lru);
    ngx_rbtree_delete(&c->sh->rbtree, &cn->node);

    if (cn->pins) {
        /* a search scores it: its last release frees it */
        cn->dead = 1;
        return;
    }

    if (cn->blob) {
        ngx_slab_free_locked(c->shpool, cn->blob);
    }

    ngx_slab_free_locked(c->shpool, cn);
}


/* "org\0caller" into buf, its crc32 into *hash; its length */
static size_t
ngx_http_elaaoms_cache_key(u_char *buf, const char *org, const char *caller,
    uint32_t *hash)
{
    u_char  *p;

    p = ngx_cpymem(buf, org, ngx_strlen(org) + 1);
    p = ngx_cpymem(p, caller, ngx_strlen(caller));

    *hash = ngx_crc32_short(buf, p - buf);

    return p - buf;
}


ngx_int_t
ngx_http_elaaoms_search_cache_get(ngx_shm_zone_t *zone, const char *org,
    const char *caller, const u_char *version,
    ngx_http_elaaoms_search_cache_pin_t *pin)
{
    size_t                          klen;
    uint32_t                        hash;
    ngx_int_t                       rc;
    ngx_http_elaaoms_cache_t       *c;
    ngx_http_elaaoms_cache_node_t  *cn;
    u_char                          key[NGX_HTTP_ELAAOMS_CACHE_KEY_MAX];

    c = zone->data;

    klen = ngx_http_elaaoms_cache_key(key, org, caller, &hash);

    rc = NGX_DECLINED;

    ngx_shmtx_lock(&c->shpool->mutex);

    cn = ngx_http_elaaoms_cache_find(c, key, klen, hash);

    if (cn != NULL
        && ngx_memcmp(cn->version, version, NGX_HTTP_ELAAOMS_VERSION_LEN)
           == 0)
    {
        cn->pins++;

        pin->zone = zone;
        pin->node = cn;
        pin->blob = cn->blob;
        pin->len = cn->blob_len;

        ngx_queue_remove(&cn->lru);
        ngx_queue_insert_head(&c->sh->lru, &cn->lru);

        rc = NGX_OK;
    }

    ngx_shmtx_unlock(&c->shpool->mutex);

    return rc;
}


void
ngx_http_elaaoms_search_cache_release(ngx_http_elaaoms_search_cache_pin_t *pin)
{
    ngx_http_elaaoms_cache_t       *c;
    ngx_http_elaaoms_cache_node_t  *cn;

    if (pin->node == NULL) {
        return;
    }

    c = pin->zone->data;
    cn = pin->node;
    pin->node = NULL;

    ngx_shmtx_lock(&c->shpool->mutex);

    if (--cn->pins == 0 && cn->dead) {
        ngx_slab_free_locked(c->shpool, cn->blob);
        ngx_slab_free_locked(c->shpool, cn);
    }

    ngx_shmtx_unlock(&c->shpool->mutex);
}


void
ngx_http_elaaoms_search_cache_put(ngx_shm_zone_t *zone, const char *org,
    const char *caller, const u_char *version, const u_char *blob,
    size_t len, ngx_log_t *log)
{
    size_t                          klen;
    u_char                         *data;
    uint32_t                        hash;
    ngx_uint_t                      evicted;
    ngx_queue_t                    *q;
    ngx_http_elaaoms_cache_t       *c;
    ngx_http_elaaoms_cache_node_t  *cn;
    u_char                          key[NGX_HTTP_ELAAOMS_CACHE_KEY_MAX];

    c = zone->data;

    klen = ngx_http_elaaoms_cache_key(key, org, caller, &hash);

    evicted = 0;

    ngx_shmtx_lock(&c->shpool->mutex);

    /* the older records of the caller go first, whatever happens next */
    cn = ngx_http_elaaoms_cache_find(c, key, klen, hash);
    if (cn != NULL) {
        ngx_http_elaaoms_cache_drop(c, cn);
    }

    for ( ;; ) {
        cn = ngx_slab_alloc_locked(c->shpool,
                           offsetof(ngx_http_elaaoms_cache_node_t, key) + klen);
        data = NULL;

        if (cn != NULL) {
            data = ngx_slab_alloc_locked(c->shpool, len ? len : 1);
            if (data != NULL) {
                break;
            }

            ngx_slab_free_locked(c->shpool, cn);
        }

        if (ngx_queue_empty(&c->sh->lru)) {
            ngx_shmtx_unlock(&c->shpool->mutex);

            /* searches of this caller read Redis each time: worth a word */
            ngx_log_error(NGX_LOG_WARN, log, 0,
                          "elaaoms: search cache zone \"%V\" cannot hold "
                          "the %uz bytes of one caller's memories; their "
                          "searches read Redis every time",
                          &zone->shm.name, len);
            return;
        }

        q = ngx_queue_last(&c->sh->lru);
        ngx_http_elaaoms_cache_drop(c,
                   ngx_queue_data(q, ngx_http_elaaoms_cache_node_t, lru));
        evicted++;
    }

    ngx_memcpy(data, blob, len);

    cn->node.key = hash;
    cn->blob = data;
    cn->blob_len = len;
    cn->pins = 0;
    cn->dead = 0;
    ngx_memcpy(cn->version, version, NGX_HTTP_ELAAOMS_VERSION_LEN);
    cn->key_len = (u_short) klen;
    ngx_memcpy(cn->key, key, klen);

    ngx_rbtree_insert(&c->sh->rbtree, &cn->node);
    ngx_queue_insert_head(&c->sh->lru, &cn->lru);

    ngx_shmtx_unlock(&c->shpool->mutex);

    if (evicted) {
        /* an LRU cache at capacity: routine, unless it thrashes */
        ngx_log_error(NGX_LOG_INFO, log, 0,
                      "elaaoms: search cache zone \"%V\" full: %ui least "
                      "recently used callers evicted", &zone->shm.name,
                      evicted);
    }
}
