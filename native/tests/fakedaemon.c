#include "fakedaemon.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void serve(int server, const struct fake_daemon *d, enum fake_mode mode, const char *answer, size_t n)
{
    if (mode == FAKE_MUTE) {
        pause();
        _exit(0);
    }
    int client = accept(server, NULL, NULL);
    if (client < 0) {
        _exit(2);
    }
    if (mode == FAKE_HANG_UP) {
        close(client);
        pause();
        _exit(0);
    }
    FILE *record = fopen(d->record, "wb");
    char chunk[65536];
    ssize_t r;
    while ((r = read(client, chunk, sizeof chunk)) > 0) {
        fwrite(chunk, 1, (size_t) r, record);
    }
    fclose(record);
    size_t sent = 0;
    while (sent < n) {
        ssize_t w = write(client, answer + sent, n - sent);
        if (w <= 0) {
            _exit(3);
        }
        sent += (size_t) w;
    }
    close(client);
    _exit(0);
}

int fake_daemon_start(struct fake_daemon *d, const char *dir, enum fake_mode mode, const char *answer, size_t n)
{
    snprintf(d->socket, sizeof d->socket, "%s/d.sock", dir);
    snprintf(d->record, sizeof d->record, "%s/request", dir);
    unlink(d->record);
    int server = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    size_t len = strlen(d->socket);
    if (len >= sizeof addr.sun_path) {
        return -1;
    }
    memcpy(addr.sun_path, d->socket, len);
    if (server < 0 || bind(server, (struct sockaddr *) &addr, sizeof addr) != 0 || listen(server, 4) != 0) {
        return -1;
    }
    d->pid = fork();
    if (d->pid < 0) {
        return -1;
    }
    if (d->pid == 0) {
        serve(server, d, mode, answer, n);
    }
    close(server);
    return 0;
}

void fake_daemon_stop(struct fake_daemon *d)
{
    if (d->pid > 0) {
        int status;
        if (waitpid(d->pid, &status, WNOHANG) == 0) {
            kill(d->pid, SIGTERM);
            waitpid(d->pid, &status, 0);
        }
        d->pid = 0;
    }
    unlink(d->socket);
}

char *fake_daemon_request(const struct fake_daemon *d, size_t *len)
{
    FILE *f = fopen(d->record, "rb");
    if (f == NULL) {
        return NULL;
    }
    size_t cap = 4096;
    size_t n = 0;
    char *data = malloc(cap);
    size_t r;
    while (data != NULL && (r = fread(data + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *grown = realloc(data, cap * 2);
            if (grown == NULL) {
                free(data);
                data = NULL;
                break;
            }
            data = grown;
            cap *= 2;
        }
    }
    fclose(f);
    *len = n;
    return data;
}

int temp_dir(char out[64])
{
    snprintf(out, 64, "/tmp/dhcp-native-XXXXXX");
    return mkdtemp(out) == NULL ? -1 : 0;
}

void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return;
    }
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            if (unlink(path) != 0) {
                remove_dir(path); /* a directory */
            }
        }
    }
    closedir(d);
    rmdir(dir);
}
