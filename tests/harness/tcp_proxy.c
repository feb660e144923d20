/* A cutting and stalling TCP proxy for fault tests (see tcp_proxy.h).
 *
 * One thread polls the listening socket, a wake-up pipe and both sockets of
 * every connection.  Connections live in the thread only; the other threads
 * set flags under the lock and wake it, and a cut waits until done. */
#define _GNU_SOURCE
#include "tcp_proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE 65536

typedef struct {
    char data[BUF_SIZE];
    gsize len;
} buffer;

typedef struct {
    int fd[2];        /* 0: the client, 1: the server */
    buffer to[2];     /* bytes waiting to be written to fd[i] */
} link_pair;

struct rc_tcp_proxy {
    int listen_fd;
    int wake[2];
    guint16 port, target;
    GThread *thread;
    GMutex lock;
    GCond done;
    gboolean stop, stalled, refusing;
    guint cut_requests, cuts_done, last_cut_count;
    gint open;        /* connections now (atomic) */
    char *drop_needle; /* drop the next <message/> holding it (server to client) */
    guint dropped;
    char *wait_needle; /* answer <iq/>s holding it "retry later" (client to server) */
    guint wait_left, waited;
    GPtrArray *links; /* link_pair *; the thread's own */
};

static void set_nonblocking(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Close with a reset, not a polite FIN: what a dropped link looks like. */
static void close_hard(int fd)
{
    struct linger hard = { 1, 0 };
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    close(fd);
}

static void link_close(rc_tcp_proxy *proxy, link_pair *l, gboolean hard)
{
    for (int i = 0; i < 2; i++)
        hard ? close_hard(l->fd[i]) : (void)close(l->fd[i]);
    g_ptr_array_remove_fast(proxy->links, l);
    g_free(l);
    g_atomic_int_add(&proxy->open, -1);
}

static int connect_target(guint16 port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0)
        return fd;
    if (fd >= 0)
        close(fd);
    return -1;
}

static void accept_one(rc_tcp_proxy *proxy, gboolean refusing)
{
    int client = accept4(proxy->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (client < 0)
        return;
    int server = refusing ? -1 : connect_target(proxy->target);
    if (server < 0) {
        close_hard(client);
        return;
    }
    int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    set_nonblocking(client);
    set_nonblocking(server);
    link_pair *l = g_new0(link_pair, 1);
    l->fd[0] = client;
    l->fd[1] = server;
    g_ptr_array_add(proxy->links, l);
    g_atomic_int_inc(&proxy->open);
}

/* The first whole element of @b opened with @open ("<message") and closed
 * with @close that holds @needle: its start and end (after @close), or
 * FALSE.  An element split across two reads is not found. */
static gboolean element_around(const buffer *b, const char *needle, const char *open,
                               const char *close, const char **start, const char **end)
{
    const char *hit = needle ? memmem(b->data, b->len, needle, strlen(needle)) : NULL;
    *start = NULL;
    for (const char *p = b->data; hit && (p = memmem(p, (gsize)(hit - p), open, strlen(open)));
         p += strlen(open))
        *start = p;
    const char *found = hit ? memmem(hit, (gsize)(b->data + b->len - hit), close, strlen(close))
                            : NULL;
    *end = found ? found + strlen(close) : NULL;
    return *start && *end;
}

static void buffer_cut(buffer *b, const char *start, const char *end)
{
    gsize from = (gsize)(start - b->data), to = (gsize)(end - b->data);
    memmove(b->data + from, b->data + to, b->len - to);
    b->len -= to - from;
}

/* Remove from @b the first whole <message>…</message> that holds the armed
 * needle, as a server that silently loses one event would. */
static void drop_message(rc_tcp_proxy *proxy, buffer *b)
{
    g_mutex_lock(&proxy->lock);
    const char *start, *end;
    if (element_around(b, proxy->drop_needle, "<message", "</message>", &start, &end)) {
        buffer_cut(b, start, end);
        g_clear_pointer(&proxy->drop_needle, g_free);
        proxy->dropped++;
    }
    g_mutex_unlock(&proxy->lock);
}

/* The value of attribute @name in the start tag [@tag, @end), or NULL. */
static char *tag_attribute(const char *tag, const char *end, const char *name)
{
    g_autofree char *key = g_strconcat(" ", name, "=", NULL);
    const char *at = g_strstr_len(tag, end - tag, key);
    if (!at || at + strlen(key) >= end)
        return NULL;
    const char *value = at + strlen(key) + 1;
    const char *close = memchr(value, at[strlen(key)], (gsize)(end - value));
    return close ? g_strndup(value, (gsize)(close - value)) : NULL;
}

/* Take from @b (client to server) the first whole <iq>…</iq> that holds the
 * armed needle and queue in @back (server to client) the answer of a busy
 * server: an error of type "wait", as ejabberd gives for an aborted Mnesia
 * transaction.  An <iq/> split across two reads is left alone, and so is one
 * read while bytes from the server wait (they may end in half a stanza). */
static void answer_wait(rc_tcp_proxy *proxy, buffer *b, buffer *back)
{
    g_mutex_lock(&proxy->lock);
    const char *start, *end;
    if (proxy->wait_left &&
        element_around(b, proxy->wait_needle, "<iq ", "</iq>", &start, &end)) {
        const char *tag_end = memchr(start, '>', (gsize)(end - start));
        g_autofree char *id = tag_attribute(start, tag_end, "id");
        g_autofree char *to = tag_attribute(start, tag_end, "to");
        g_autofree char *reply = id && to ? g_strdup_printf(
            "<iq type='error' id='%s' from='%s'><error type='wait'><internal-server-error "
            "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
            "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Database failure</text></error></iq>",
            id, to) : NULL;
        /* Only between the server's stanzas: nothing of theirs is queued. */
        if (reply && back->len == 0) {
            buffer_cut(b, start, end);
            memcpy(back->data + back->len, reply, strlen(reply));
            back->len += strlen(reply);
            proxy->wait_left--;
            proxy->waited++;
        }
    }
    g_mutex_unlock(&proxy->lock);
}

/* Move bytes for one link as poll said; FALSE when the link ended. */
static gboolean pump(rc_tcp_proxy *proxy, link_pair *l, const struct pollfd *p)
{
    for (int from = 0; from < 2; from++) {
        int to = 1 - from;
        buffer *b = &l->to[to];
        if ((p[from].revents & (POLLIN | POLLHUP | POLLERR)) && b->len < BUF_SIZE) {
            ssize_t n = read(l->fd[from], b->data + b->len, BUF_SIZE - b->len);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
                return FALSE;
            if (n > 0)
                b->len += (gsize)n;
            if (n > 0 && from == 1)
                drop_message(proxy, b);
            if (n > 0 && from == 0)
                answer_wait(proxy, b, &l->to[0]);
        }
        if (b->len > 0) {
            /* A peer that reset its side must not kill the test with SIGPIPE. */
            ssize_t n = send(l->fd[to], b->data, b->len, MSG_NOSIGNAL);
            if (n < 0 && errno != EAGAIN && errno != EINTR)
                return FALSE;
            if (n > 0) {
                memmove(b->data, b->data + n, b->len - (gsize)n);
                b->len -= (gsize)n;
            }
        }
    }
    return TRUE;
}

static gpointer proxy_thread(gpointer data)
{
    rc_tcp_proxy *proxy = data;
    g_autofree struct pollfd *fds = NULL;
    for (;;) {
        g_mutex_lock(&proxy->lock);
        gboolean stop = proxy->stop, stalled = proxy->stalled, refusing = proxy->refusing;
        gboolean cut = proxy->cut_requests != proxy->cuts_done;
        g_mutex_unlock(&proxy->lock);
        if (stop)
            break;
        if (cut) {
            guint count = proxy->links->len;
            while (proxy->links->len)
                link_close(proxy, g_ptr_array_index(proxy->links, 0), TRUE);
            g_mutex_lock(&proxy->lock);
            proxy->last_cut_count = count;
            proxy->cuts_done = proxy->cut_requests;
            g_cond_broadcast(&proxy->done);
            g_mutex_unlock(&proxy->lock);
        }
        guint n = 2 + 2 * proxy->links->len;
        fds = g_renew(struct pollfd, fds, n);
        fds[0] = (struct pollfd){ .fd = proxy->listen_fd, .events = POLLIN };
        fds[1] = (struct pollfd){ .fd = proxy->wake[0], .events = POLLIN };
        for (guint i = 0; i < proxy->links->len; i++) {
            link_pair *l = g_ptr_array_index(proxy->links, i);
            for (int side = 0; side < 2; side++) {
                short events = 0;
                if (!stalled) {
                    if (l->to[1 - side].len < BUF_SIZE)
                        events |= POLLIN;
                    if (l->to[side].len > 0)
                        events |= POLLOUT;
                }
                /* A negative fd is skipped: a stalled link's hang-up must
                 * not wake the loop again and again. */
                fds[2 + 2 * i + side] = (struct pollfd){
                    .fd = stalled ? -1 : l->fd[side], .events = events };
            }
        }
        if (poll(fds, n, 1000) < 0 && errno != EINTR)
            break;
        if (fds[1].revents & POLLIN) {
            char drain[64];
            while (read(proxy->wake[0], drain, sizeof drain) > 0)
                ;
        }
        /* Backwards: link_close() moves the last link into the freed slot. */
        for (guint i = proxy->links->len; i-- > 0 && !stalled;) {
            link_pair *l = g_ptr_array_index(proxy->links, i);
            if (!pump(proxy, l, &fds[2 + 2 * i]))
                link_close(proxy, l, FALSE);
        }
        if (fds[0].revents & POLLIN)
            accept_one(proxy, refusing);
    }
    while (proxy->links->len)
        link_close(proxy, g_ptr_array_index(proxy->links, 0), TRUE);
    return NULL;
}

static void wake(rc_tcp_proxy *proxy)
{
    char c = 1;
    if (write(proxy->wake[1], &c, 1) < 0 && errno != EAGAIN)
        g_warning("tcp proxy: cannot wake the thread: %s", g_strerror(errno));
}

rc_tcp_proxy *rc_tcp_proxy_new(guint16 target_port, GError **error)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = 0 };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        listen(fd, 128) != 0 || getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "tcp proxy: cannot listen on 127.0.0.1: %s", g_strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    set_nonblocking(fd);
    rc_tcp_proxy *proxy = g_new0(rc_tcp_proxy, 1);
    proxy->listen_fd = fd;
    proxy->port = ntohs(addr.sin_port);
    proxy->target = target_port;
    if (pipe2(proxy->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "tcp proxy: pipe: %s", g_strerror(errno));
        close(fd);
        g_free(proxy);
        return NULL;
    }
    g_mutex_init(&proxy->lock);
    g_cond_init(&proxy->done);
    proxy->links = g_ptr_array_new();
    proxy->thread = g_thread_new("tcp-proxy", proxy_thread, proxy);
    return proxy;
}

void rc_tcp_proxy_free(rc_tcp_proxy *proxy)
{
    if (!proxy)
        return;
    g_mutex_lock(&proxy->lock);
    proxy->stop = TRUE;
    g_mutex_unlock(&proxy->lock);
    wake(proxy);
    g_thread_join(proxy->thread);
    close(proxy->listen_fd);
    close(proxy->wake[0]);
    close(proxy->wake[1]);
    g_ptr_array_unref(proxy->links);
    g_mutex_clear(&proxy->lock);
    g_cond_clear(&proxy->done);
    g_free(proxy->drop_needle);
    g_free(proxy->wait_needle);
    g_free(proxy);
}

guint16 rc_tcp_proxy_port(const rc_tcp_proxy *proxy) { return proxy->port; }

guint rc_tcp_proxy_cut(rc_tcp_proxy *proxy)
{
    g_mutex_lock(&proxy->lock);
    guint ticket = ++proxy->cut_requests;
    wake(proxy);
    while (proxy->cuts_done < ticket)
        g_cond_wait(&proxy->done, &proxy->lock);
    guint count = proxy->last_cut_count;
    g_mutex_unlock(&proxy->lock);
    return count;
}

void rc_tcp_proxy_stall(rc_tcp_proxy *proxy, gboolean stalled)
{
    g_mutex_lock(&proxy->lock);
    proxy->stalled = stalled;
    g_mutex_unlock(&proxy->lock);
    wake(proxy);
}

void rc_tcp_proxy_refuse(rc_tcp_proxy *proxy, gboolean refusing)
{
    g_mutex_lock(&proxy->lock);
    proxy->refusing = refusing;
    g_mutex_unlock(&proxy->lock);
    wake(proxy);
}

/* Arm @needle_field with @needle, for @times matches when @left counts them. */
static void arm(rc_tcp_proxy *proxy, char **needle_field, const char *needle, guint *left,
                guint times)
{
    g_mutex_lock(&proxy->lock);
    g_free(*needle_field);
    *needle_field = g_strdup(needle);
    if (left)
        *left = times;
    g_mutex_unlock(&proxy->lock);
}

/* A counter the proxy's thread writes. */
static guint counted(rc_tcp_proxy *proxy, const guint *counter)
{
    g_mutex_lock(&proxy->lock);
    guint n = *counter;
    g_mutex_unlock(&proxy->lock);
    return n;
}

void rc_tcp_proxy_drop_message(rc_tcp_proxy *proxy, const char *needle)
{
    arm(proxy, &proxy->drop_needle, needle, NULL, 0);
}

guint rc_tcp_proxy_dropped(rc_tcp_proxy *proxy)
{
    return counted(proxy, &proxy->dropped);
}

guint rc_tcp_proxy_connections(rc_tcp_proxy *proxy)
{
    return (guint)g_atomic_int_get(&proxy->open);
}

void rc_tcp_proxy_answer_wait(rc_tcp_proxy *proxy, const char *needle, guint times)
{
    arm(proxy, &proxy->wait_needle, needle, &proxy->wait_left, times);
}

guint rc_tcp_proxy_answered_wait(rc_tcp_proxy *proxy)
{
    return counted(proxy, &proxy->waited);
}
