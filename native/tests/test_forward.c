/* The forwarder's whole CNI path in-process, against stand-in daemons: every case of the Java
 * plugin's PluginTest that the forwarder still answers itself, with the same code and message. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include "capture.h"
#include "check.h"
#include "fakedaemon.h"
#include "buf.h"
#include "forward.h"
#include "input.h"

static char dir[64];
static struct buf out;
static char default_socket[128]; /* stands for /run/cni/dhcp.sock */

/* Runs forward() with the CNI_* entries of envp, stdin from a file holding n bytes of text. */
static int run(char **envp, const char *text, size_t n)
{
    return capture_forward(envp, text, n, default_socket, &out);
}

static int runs(char **envp, const char *text)
{
    return run(envp, text, strlen(text));
}

static char config_text[512];

static const char *config(const char *version, const char *socket)
{
    snprintf(config_text, sizeof config_text, "{\"cniVersion\":\"%s\",\"name\":\"net1\",\"type\":\"macvlan\","
             "\"ipam\":{\"type\":\"dhcp\",\"daemonSocketPath\":\"%s\"}}", version, socket);
    return config_text;
}

static char absent[128];

#define ADD_ENV "CNI_COMMAND=ADD", "CNI_CONTAINERID=c0ffee", "CNI_NETNS=/var/run/netns/pod1", "CNI_IFNAME=eth0", \
                "CNI_PATH=/opt/cni/bin"

static void versionIsAnsweredWithoutAnyDaemon(void)
{
    char *env[] = {"CNI_COMMAND=VERSION", NULL};
    CHECK(runs(env, config("0.4.0", absent)) == 0);
    CHECK_BYTES(out.data, out.len, "{\"cniVersion\":\"0.4.0\",\"supportedVersions\":"
                "[\"0.1.0\",\"0.2.0\",\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}");
}

static void versionWithEmptyStdinOrNoCniVersionAnswersLatest(void)
{
    char *env[] = {"CNI_COMMAND=VERSION", NULL};
    CHECK(runs(env, "") == 0);
    CHECK(strncmp(out.data, "{\"cniVersion\":\"1.1.0\",", 22) == 0);
    CHECK(runs(env, "{}") == 0);
    CHECK(strncmp(out.data, "{\"cniVersion\":\"1.1.0\",", 22) == 0);
    CHECK(runs(env, "{\"cniVersion\":\"1.0.0\",") == 0); /* not JSON: the latest */
    CHECK(strncmp(out.data, "{\"cniVersion\":\"1.1.0\",", 22) == 0);
}

static void lowercaseVersionIsAnsweredLikeVersion(void)
{
    char *env[] = {"CNI_COMMAND=version", NULL};
    CHECK(runs(env, config("1.0.0", absent)) == 0);
    CHECK(strncmp(out.data, "{\"cniVersion\":\"1.0.0\",", 22) == 0);
}

static void unreachableDaemonIsCode11NamingTheSocketAndHowToStartIt(void)
{
    char *env[] = {ADD_ENV, NULL};
    CHECK(runs(env, config("1.0.0", absent)) == 1);
    char want[1024];
    snprintf(want, sizeof want, "{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"cannot reach the DHCP lease daemon at "
             "%s: No such file or directory\",\"details\":\"start it with 'dhcp daemon -socketpath %s' (systemd: "
             "'systemctl start cni-dhcp.socket')\"}", absent, absent);
    CHECK_BYTES(out.data, out.len, want);
}

static void statusWithTheDaemonUnreachableIsCode50(void)
{
    char *env[] = {"CNI_COMMAND=STATUS", NULL};
    CHECK(runs(env, config("1.1.0", absent)) == 1);
    CHECK(strstr(out.data, "\"code\":50,\"msg\":\"cannot reach the DHCP lease daemon at ") != NULL);
}

static void aConfigWithoutCniVersionGetsItsErrorIn010(void)
{
    char *env[] = {ADD_ENV, NULL};
    char text[256];
    snprintf(text, sizeof text, "{\"name\":\"n\",\"ipam\":{\"daemonSocketPath\":\"%s\"}}", absent);
    CHECK(runs(env, text) == 1);
    CHECK(strncmp(out.data, "{\"cniVersion\":\"0.1.0\",\"code\":11,", 32) == 0);
}

static void daemonAnswerIsPrintedExactlyAndItsExitCodeReturned(void)
{
    const char *answers[] = {"0\n{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.1.0.5/24\"}],\"dns\":{}}",
                             "1\n{\"cniVersion\":\"1.0.0\",\"code\":100,\"msg\":\"no lease\"}", "0\n", "3\nx\n"};
    int codes[] = {0, 1, 0, 3};
    for (size_t i = 0; i < 4; i++) {
        struct fake_daemon d;
        CHECK(fake_daemon_start(&d, dir, FAKE_ANSWER, answers[i], strlen(answers[i])) == 0);
        char *env[] = {ADD_ENV, NULL};
        int exit_code = runs(env, config("1.0.0", d.socket));
        fake_daemon_stop(&d);
        CHECK(exit_code == codes[i]);
        CHECK_BYTES(out.data, out.len, strchr(answers[i], '\n') + 1);
    }
}

static void daemonReceivesOnlyCniVariablesAndTheStdinVerbatim(void)
{
    struct fake_daemon d;
    CHECK(fake_daemon_start(&d, dir, FAKE_ANSWER, "0\n", 2) == 0);
    char *env[] = {"HOME=/root", ADD_ENV, "PATH=/usr/bin", NULL};
    char text[512];
    snprintf(text, sizeof text, "%s\n", config("1.0.0", d.socket));
    int exit_code = runs(env, text);
    fake_daemon_stop(&d);
    CHECK(exit_code == 0 && out.len == 0);
    size_t n;
    char *request = fake_daemon_request(&d, &n);
    char want[1024];
    snprintf(want, sizeof want, "{\"env\":{\"CNI_COMMAND\":\"ADD\",\"CNI_CONTAINERID\":\"c0ffee\",\"CNI_IFNAME\":\"eth0\","
             "\"CNI_NETNS\":\"/var/run/netns/pod1\",\"CNI_PATH\":\"/opt/cni/bin\"},\"stdin\":\"{\\\"cniVersion\\\":"
             "\\\"1.0.0\\\",\\\"name\\\":\\\"net1\\\",\\\"type\\\":\\\"macvlan\\\",\\\"ipam\\\":{\\\"type\\\":\\\"dhcp\\\","
             "\\\"daemonSocketPath\\\":\\\"%s\\\"}}\\n\"}", d.socket);
    CHECK(request != NULL);
    CHECK_BYTES(request, n, want);
    free(request);
}

static void everythingElseIsTheDaemonsToJudge(void)
{
    /* an unknown command, missing variables: forwarded as they are, the daemon answers them */
    struct fake_daemon d;
    const char *answer = "1\n{\"code\":4}";
    CHECK(fake_daemon_start(&d, dir, FAKE_ANSWER, answer, strlen(answer)) == 0);
    char *env[] = {"CNI_COMMAND=FROB", NULL};
    int exit_code = runs(env, config("1.0.0", d.socket));
    fake_daemon_stop(&d);
    CHECK(exit_code == 1);
    CHECK_BYTES(out.data, out.len, "{\"code\":4}");
    size_t n;
    char *request = fake_daemon_request(&d, &n);
    CHECK(request != NULL && strncmp(request, "{\"env\":{\"CNI_COMMAND\":\"FROB\"},", 30) == 0);
    free(request);
}

static void aConfigThatIsNoJsonObjectGoesToTheDefaultSocketAndTheDaemonJudgesIt(void)
{
    struct fake_daemon d;
    const char *answer = "1\n{\"code\":6}";
    CHECK(fake_daemon_start(&d, dir, FAKE_ANSWER, answer, strlen(answer)) == 0);
    snprintf(default_socket, sizeof default_socket, "%s", d.socket);
    char *env[] = {ADD_ENV, NULL};
    int exit_code = runs(env, "{\"cniVersion\":\"1.0.0\",\"ipam\":{\"daemonSocketPath\":\"/elsewhere\"},");
    fake_daemon_stop(&d);
    snprintf(default_socket, sizeof default_socket, "%s/default.sock", dir);
    CHECK(exit_code == 1);
    CHECK_BYTES(out.data, out.len, "{\"code\":6}");
}

static void aConfigThatIsNoJsonObjectWithNoDaemonAtTheDefaultSaysWhyThatSocket(void)
{
    char *env[] = {ADD_ENV, NULL};
    CHECK(runs(env, "{\"cniVersion\":\"1.0.0\",\"ipam\":{\"daemonSocketPath\":\"/elsewhere\"},") == 1);
    char want[1024];
    snprintf(want, sizeof want, "{\"cniVersion\":\"1.1.0\",\"code\":11,\"msg\":\"cannot reach the DHCP lease daemon at "
             "%s: No such file or directory\",\"details\":\"start it with 'dhcp daemon -socketpath %s' (systemd: "
             "'systemctl start cni-dhcp.socket'); the network configuration on stdin is not a JSON object, so its "
             "ipam.daemonSocketPath could not be read and the default socket was tried\"}", default_socket, default_socket);
    CHECK_BYTES(out.data, out.len, want);
}

static void malformedDaemonAnswerIsCode11QuotingIt(void)
{
    struct fake_daemon d;
    CHECK(fake_daemon_start(&d, dir, FAKE_ANSWER, "garbage", 7) == 0);
    char *env[] = {ADD_ENV, NULL};
    int exit_code = runs(env, config("1.0.0", d.socket));
    fake_daemon_stop(&d);
    CHECK(exit_code == 1);
    char want[1024];
    snprintf(want, sizeof want, "{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"cannot reach the DHCP lease daemon at "
             "%s: malformed answer from the daemon: 'garbage'\",\"details\":\"start it with 'dhcp daemon -socketpath %s'"
             " (systemd: 'systemctl start cni-dhcp.socket')\"}", d.socket, d.socket);
    CHECK_BYTES(out.data, out.len, want);
}

static void aDaemonThatHangsUpIsCode11(void)
{
    struct fake_daemon d;
    CHECK(fake_daemon_start(&d, dir, FAKE_HANG_UP, NULL, 0) == 0);
    char *env[] = {ADD_ENV, NULL};
    int exit_code = runs(env, config("1.0.0", d.socket));
    fake_daemon_stop(&d);
    CHECK(exit_code == 1);
    CHECK(strstr(out.data, "\"code\":11,\"msg\":\"cannot reach the DHCP lease daemon at ") != NULL);
}

static void stdinLargerThanOneMebibyteIsCode7NamingTheLimit(void)
{
    size_t n = INPUT_MAX_BYTES + 1;
    char *big = malloc(n);
    memset(big, ' ', n);
    char *env[] = {ADD_ENV, NULL};
    int exit_code = run(env, big, n);
    free(big);
    CHECK(exit_code == 1);
    CHECK_BYTES(out.data, out.len, "{\"cniVersion\":\"1.1.0\",\"code\":7,\"msg\":\"the network configuration on stdin"
                " is larger than the limit of 1048576 bytes (1 MiB)\"}");
}

static void aConfigOfExactlyTheLimitReachesTheDaemon(void)
{
    struct fake_daemon d;
    CHECK(fake_daemon_start(&d, dir, FAKE_ANSWER, "0\n{}", 4) == 0);
    char *padded = malloc(INPUT_MAX_BYTES);
    const char *c = config("1.0.0", d.socket);
    memset(padded, ' ', INPUT_MAX_BYTES);
    memcpy(padded, c, strlen(c));
    char *env[] = {ADD_ENV, NULL};
    int exit_code = run(env, padded, INPUT_MAX_BYTES);
    fake_daemon_stop(&d);
    free(padded);
    CHECK(exit_code == 0);
    CHECK_BYTES(out.data, out.len, "{}");
    size_t n;
    char *request = fake_daemon_request(&d, &n);
    CHECK(request != NULL && n > INPUT_MAX_BYTES);
    free(request);
}

static void aRequestLargerThanTheDaemonTakesIsCode7AndNotSent(void)
{
    /* 1 MiB of control characters in a string: six bytes each once escaped */
    size_t n = INPUT_MAX_BYTES;
    char *text = malloc(n);
    memset(text, 1, n);
    char *env[] = {ADD_ENV, NULL};
    int exit_code = run(env, text, n);
    free(text);
    CHECK(exit_code == 1);
    CHECK(strstr(out.data, "{\"cniVersion\":\"1.1.0\",\"code\":7,\"msg\":\"the request to the daemon would be ") == out.data);
    CHECK(strstr(out.data, " bytes, more than its limit of 2097152\"}") != NULL);
}

static void aDaemonThatNeverAnswersIsCode11NamingThePluginsDeadline(void)
{
    struct fake_daemon d;
    CHECK(fake_daemon_start(&d, dir, FAKE_MUTE, NULL, 0) == 0);
    char *env[] = {ADD_ENV, "CNI_DHCP_PLUGIN_TIMEOUT=1", NULL};
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int exit_code = runs(env, config("1.0.0", d.socket));
    clock_gettime(CLOCK_MONOTONIC, &b);
    fake_daemon_stop(&d);
    long long ms = (b.tv_sec - a.tv_sec) * 1000LL + (b.tv_nsec - a.tv_nsec) / 1000000;
    CHECK(exit_code == 1);
    CHECK(ms >= 900 && ms < 5000);
    char want[1024];
    snprintf(want, sizeof want, "{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"the DHCP lease daemon at %s did not "
             "answer within the plugin's deadline of 1 s\",\"details\":\"is the daemon overloaded or stuck? A daemon run"
             " with a -resendtimeout above 240 s needs CNI_DHCP_PLUGIN_TIMEOUT (seconds) set higher in the runtime's "
             "environment\"}", d.socket);
    CHECK_BYTES(out.data, out.len, want);
}

static void aDeadlineVariableThatIsNoNumberOfSecondsIsCode4(void)
{
    char *env[] = {ADD_ENV, "CNI_DHCP_PLUGIN_TIMEOUT=4m", NULL};
    CHECK(runs(env, config("1.0.0", absent)) == 1);
    CHECK_BYTES(out.data, out.len, "{\"cniVersion\":\"1.0.0\",\"code\":4,\"msg\":\"CNI_DHCP_PLUGIN_TIMEOUT=\\\"4m\\\" is "
                "not a number of seconds (1..86400)\"}");
}

static void anUnreadableStdinIsCode5(void)
{
    struct cnienv env;
    char *envp[] = {ADD_ENV, NULL};
    cnienv_collect(envp, &env);
    FILE *o = tmpfile();
    int fd = open("/", O_RDONLY | O_DIRECTORY);
    int exit_code = forward(&env, fd, fileno(o));
    close(fd);
    cnienv_free(&env);
    char text[512] = {0};
    rewind(o);
    size_t n = fread(text, 1, sizeof text - 1, o);
    fclose(o);
    CHECK(exit_code == 1);
    CHECK_BYTES(text, n, "{\"cniVersion\":\"1.1.0\",\"code\":5,\"msg\":\"cannot read the network configuration from "
                "stdin: Is a directory\"}");
}

int main(void)
{
    if (temp_dir(dir) != 0) {
        return 2;
    }
    snprintf(absent, sizeof absent, "%s/absent.sock", dir);
    snprintf(default_socket, sizeof default_socket, "%s/default.sock", dir);
    RUN(versionIsAnsweredWithoutAnyDaemon);
    RUN(versionWithEmptyStdinOrNoCniVersionAnswersLatest);
    RUN(lowercaseVersionIsAnsweredLikeVersion);
    RUN(unreachableDaemonIsCode11NamingTheSocketAndHowToStartIt);
    RUN(statusWithTheDaemonUnreachableIsCode50);
    RUN(aConfigWithoutCniVersionGetsItsErrorIn010);
    RUN(daemonAnswerIsPrintedExactlyAndItsExitCodeReturned);
    RUN(daemonReceivesOnlyCniVariablesAndTheStdinVerbatim);
    RUN(everythingElseIsTheDaemonsToJudge);
    RUN(aConfigThatIsNoJsonObjectGoesToTheDefaultSocketAndTheDaemonJudgesIt);
    RUN(aConfigThatIsNoJsonObjectWithNoDaemonAtTheDefaultSaysWhyThatSocket);
    RUN(malformedDaemonAnswerIsCode11QuotingIt);
    RUN(aDaemonThatHangsUpIsCode11);
    RUN(stdinLargerThanOneMebibyteIsCode7NamingTheLimit);
    RUN(aConfigOfExactlyTheLimitReachesTheDaemon);
    RUN(aRequestLargerThanTheDaemonTakesIsCode7AndNotSent);
    RUN(aDaemonThatNeverAnswersIsCode11NamingThePluginsDeadline);
    RUN(aDeadlineVariableThatIsNoNumberOfSecondsIsCode4);
    RUN(anUnreadableStdinIsCode5);
    buf_free(&out);
    remove_dir(dir);
    return check_done("forward");
}
