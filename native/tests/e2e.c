/* End-to-end: the built executable (argv[1], e.g. build/dhcp or build/asan/dhcp) run as a runtime
 * runs it, against stand-in daemons: what it prints, its exit code, what the daemon receives, and
 * that `dhcp <command>` execs lib/dhcp-jvm beside it, through a symbolic link too. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "capture.h"
#include "check.h"
#include "fakedaemon.h"

static const char *binary;
static char dir[64];
static struct buf out;

/*
 * Runs exe with argv and exactly the environment envp; stdin is text (n bytes) or, when endless_mb >
 * 0, that many MiB of spaces from a writer process. Returns the exit status (-1 when it was killed).
 */
static int run_exe(const char *exe, char **argv, char **envp, const char *text, size_t n, int endless_mb)
{
    FILE *o = tmpfile();
    int in[2];
    if (o == NULL || pipe(in) != 0) {
        return -2;
    }
    pid_t child = fork();
    if (child == 0) {
        dup2(in[0], 0);
        dup2(fileno(o), 1);
        close(in[0]);
        close(in[1]);
        execve(exe, argv, envp);
        _exit(126);
    }
    close(in[0]);
    pid_t writer = fork();
    if (writer == 0) {
        signal(SIGPIPE, SIG_IGN);
        char chunk[65536];
        memset(chunk, ' ', sizeof chunk);
        if (endless_mb > 0) {
            for (int i = 0; i < endless_mb * 16; i++) {
                if (write(in[1], chunk, sizeof chunk) <= 0) {
                    _exit(0); /* the forwarder stopped reading at its bound */
                }
            }
        } else {
            size_t sent = 0;
            while (sent < n) {
                ssize_t w = write(in[1], text + sent, n - sent);
                if (w <= 0) {
                    _exit(0);
                }
                sent += (size_t) w;
            }
        }
        _exit(0);
    }
    close(in[1]);
    int status;
    waitpid(child, &status, 0);
    waitpid(writer, NULL, 0);
    capture_file(o, &out);
    buf_cstr(&out);
    fclose(o);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int run(char **envp, const char *text)
{
    char *argv[] = {(char *) (uintptr_t) binary, NULL};
    return run_exe(binary, argv, envp, text, strlen(text), 0);
}

static char config_text[512];

static const char *config(const char *socket)
{
    snprintf(config_text, sizeof config_text, "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"bridge\","
             "\"ipam\":{\"type\":\"dhcp\",\"daemonSocketPath\":\"%s\"}}", socket);
    return config_text;
}

#define ADD_ENV "CNI_COMMAND=ADD", "CNI_CONTAINERID=c1", "CNI_NETNS=/run/netns/none", "CNI_IFNAME=eth0", \
                "CNI_PATH=/opt/cni/bin"

static void versionIsAnsweredByTheExecutableItself(void)
{
    char *env[] = {"CNI_COMMAND=VERSION", NULL};
    CHECK(run(env, "{\"cniVersion\":\"1.0.0\"}") == 0);
    CHECK_BYTES(out.data, out.len, "{\"cniVersion\":\"1.0.0\",\"supportedVersions\":"
                "[\"0.1.0\",\"0.2.0\",\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}");
}

static void unreachableDaemonIsCode11(void)
{
    char socket[128];
    snprintf(socket, sizeof socket, "%s/none.sock", dir);
    char *env[] = {ADD_ENV, NULL};
    CHECK(run(env, config(socket)) == 1);
    CHECK(strstr(out.data, "{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"cannot reach the DHCP lease daemon at ") == out.data);
    CHECK(strstr(out.data, "\"details\":\"start it with 'dhcp daemon -socketpath ") != NULL);
}

static void theDaemonsAnswerAndExitCodeAreRelayed(void)
{
    struct fake_daemon d;
    const char *answer = "0\n{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.1.0.5/24\"}]}";
    CHECK(fake_daemon_start(&d, dir, FAKE_ANSWER, answer, strlen(answer)) == 0);
    char *env[] = {"LANG=C", ADD_ENV, "CNI_ARGS=IgnoreUnknown=1", NULL};
    int exit_code = run(env, config(d.socket));
    fake_daemon_stop(&d);
    CHECK(exit_code == 0);
    CHECK_BYTES(out.data, out.len, answer + 2);
    size_t n;
    char *request = fake_daemon_request(&d, &n);
    CHECK(request != NULL);
    CHECK(strncmp(request, "{\"env\":{\"CNI_ARGS\":\"IgnoreUnknown=1\",\"CNI_COMMAND\":\"ADD\",\"CNI_CONTAINERID\":\"c1\","
                  "\"CNI_IFNAME\":\"eth0\",\"CNI_NETNS\":\"/run/netns/none\",\"CNI_PATH\":\"/opt/cni/bin\"},\"stdin\":", 156) == 0);
    free(request);
}

static void aGarbageAnswerIsCode11(void)
{
    struct fake_daemon d;
    CHECK(fake_daemon_start(&d, dir, FAKE_ANSWER, "garbage", 7) == 0);
    char *env[] = {ADD_ENV, NULL};
    int exit_code = run(env, config(d.socket));
    fake_daemon_stop(&d);
    CHECK(exit_code == 1);
    CHECK(strstr(out.data, "\"code\":11,\"msg\":\"cannot reach the DHCP lease daemon at ") != NULL);
    CHECK(strstr(out.data, ": malformed answer from the daemon: 'garbage'\"") != NULL);
}

static void aMuteDaemonIsCode11AtTheDeadline(void)
{
    struct fake_daemon d;
    CHECK(fake_daemon_start(&d, dir, FAKE_MUTE, NULL, 0) == 0);
    char *env[] = {ADD_ENV, "CNI_DHCP_PLUGIN_TIMEOUT=1", NULL};
    int exit_code = run(env, config(d.socket));
    fake_daemon_stop(&d);
    CHECK(exit_code == 1);
    CHECK(strstr(out.data, "did not answer within the plugin's deadline of 1 s\"") != NULL);
}

static void twentyMebibytesOnStdinIsCode7(void)
{
    char *argv[] = {(char *) (uintptr_t) binary, NULL};
    char *env[] = {ADD_ENV, NULL};
    CHECK(run_exe(binary, argv, env, NULL, 0, 20) == 1);
    CHECK_BYTES(out.data, out.len, "{\"cniVersion\":\"1.1.0\",\"code\":7,\"msg\":\"the network configuration on stdin"
                " is larger than the limit of 1048576 bytes (1 MiB)\"}");
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
    int in = open(from, O_RDONLY);
    int o = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode);
    char chunk[65536];
    ssize_t r;
    while (in >= 0 && o >= 0 && (r = read(in, chunk, sizeof chunk)) > 0) {
        if (write(o, chunk, (size_t) r) != r) {
            break;
        }
    }
    close(in);
    close(o);
    return in >= 0 && o >= 0 ? 0 : -1;
}

static void aCommandExecsTheJvmLauncherBesideItWithTheSameArguments(void)
{
    char tree[128], path[256], bin[256], link[256], args[256];
    snprintf(tree, sizeof tree, "%s/tree", dir);
    snprintf(path, sizeof path, "%s/bin", tree);
    mkdir(tree, 0755);
    mkdir(path, 0755);
    snprintf(bin, sizeof bin, "%s/bin/dhcp", tree);
    CHECK(copy_file(binary, bin, 0755) == 0);
    snprintf(path, sizeof path, "%s/lib", tree);
    mkdir(path, 0755);
    snprintf(args, sizeof args, "%s/args", dir);
    snprintf(path, sizeof path, "%s/lib/dhcp-jvm", tree);
    FILE *script = fopen(path, "w");
    CHECK(script != NULL);
    fprintf(script, "#!/bin/sh\nprintf '%%s\\n' \"$0\" \"$@\" >%s\nexit 7\n", args);
    fclose(script);
    chmod(path, 0755);
    snprintf(link, sizeof link, "%s/link", dir);
    CHECK(symlink(bin, link) == 0); /* as /opt/cni/bin/dhcp -> /opt/cni-dhcp/bin/dhcp */
    char *argv[] = {link, "leases", "--json", "a b", NULL};
    char *env[] = {"PATH=/usr/bin:/bin", NULL};
    CHECK(run_exe(link, argv, env, "", 0, 0) == 7);
    FILE *f = fopen(args, "r");
    CHECK(f != NULL);
    char got[512] = {0};
    size_t n = fread(got, 1, sizeof got - 1, f);
    fclose(f);
    char want[512];
    snprintf(want, sizeof want, "%s/bin/../lib/dhcp-jvm\nleases\n--json\na b\n", tree);
    CHECK_BYTES(got, n, want);
}

static void aMissingJvmLauncherIsReportedOnStderrWith127(void)
{
    char tree[128], path[256];
    snprintf(tree, sizeof tree, "%s/bare", dir);
    snprintf(path, sizeof path, "%s/bin", tree);
    mkdir(tree, 0755);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/bin/dhcp", tree);
    CHECK(copy_file(binary, path, 0755) == 0);
    char *argv[] = {path, "daemon", NULL};
    char *env[] = {NULL};
    CHECK(run_exe(path, argv, env, "", 0, 0) == 127);
    CHECK(out.len == 0); /* nothing on stdout */
}

int main(int argc, char **argv)
{
    if (argc != 2 || temp_dir(dir) != 0) {
        fprintf(stderr, "usage: e2e /path/to/dhcp\n");
        return 2;
    }
    binary = argv[1];
    RUN(versionIsAnsweredByTheExecutableItself);
    RUN(unreachableDaemonIsCode11);
    RUN(theDaemonsAnswerAndExitCodeAreRelayed);
    RUN(aGarbageAnswerIsCode11);
    RUN(aMuteDaemonIsCode11AtTheDeadline);
    RUN(twentyMebibytesOnStdinIsCode7);
    RUN(aCommandExecsTheJvmLauncherBesideItWithTheSameArguments);
    RUN(aMissingJvmLauncherIsReportedOnStderrWith127);
    buf_free(&out);
    remove_dir(dir);
    return check_done(binary);
}
