/* cpu_per_call N BINARY...: the CPU time (user + system, from wait4's rusage: the process and all
 * its threads) of one plugin call, over N calls of each kind, for each BINARY in turn: a VERSION and
 * an ADD with no daemon at the socket (error 11). Prints the median, the 90th percentile and the
 * mean in milliseconds. docs/plugin-startup.md has the figures. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static const char CONFIG[] = "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"bridge\","
                             "\"ipam\":{\"type\":\"dhcp\",\"daemonSocketPath\":\"/tmp/cpu-per-call-none.sock\"}}";

static int by_value(const void *a, const void *b)
{
    double x = *(const double *) a;
    double y = *(const double *) b;
    return x < y ? -1 : x > y;
}

/* One call: returns its CPU time in ms, or -1. */
static double call(const char *binary, char **envp)
{
    int in[2];
    if (pipe(in) != 0) {
        return -1;
    }
    pid_t child = fork();
    if (child == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(in[0], 0);
        dup2(devnull, 1);
        close(in[0]);
        close(in[1]);
        char *argv[] = {(char *) (unsigned long) binary, NULL};
        execve(binary, argv, envp);
        _exit(126);
    }
    close(in[0]);
    if (write(in[1], CONFIG, sizeof CONFIG - 1) != (ssize_t) (sizeof CONFIG - 1)) {
        return -1;
    }
    close(in[1]);
    int status;
    struct rusage ru;
    if (wait4(child, &status, 0, &ru) != child || !WIFEXITED(status) || WEXITSTATUS(status) == 126) {
        return -1;
    }
    return (double) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3
           + (double) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: cpu_per_call N BINARY...\n");
        return 2;
    }
    int n = atoi(argv[1]);
    if (n < 1) {
        return 2;
    }
    char *path = getenv("PATH");
    char path_entry[4096];
    snprintf(path_entry, sizeof path_entry, "PATH=%s", path == NULL ? "/usr/bin:/bin" : path);
    char *version_env[] = {"CNI_COMMAND=VERSION", path_entry, NULL};
    char *add_env[] = {"CNI_COMMAND=ADD", "CNI_CONTAINERID=c1", "CNI_NETNS=/run/netns/none", "CNI_IFNAME=eth0",
                       "CNI_PATH=/opt/cni/bin", path_entry, NULL};
    struct {
        const char *name;
        char **env;
    } kinds[] = {{"VERSION", version_env}, {"ADD, no daemon", add_env}};
    double *ms = calloc((size_t) n, sizeof *ms);
    printf("%-40s %-16s %8s %8s %8s  (CPU ms per call, %d calls)\n", "binary", "call", "median", "p90", "mean", n);
    for (int b = 2; b < argc; b++) {
        for (size_t k = 0; k < 2; k++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                ms[i] = call(argv[b], kinds[k].env);
                if (ms[i] < 0) {
                    fprintf(stderr, "cpu_per_call: %s did not run\n", argv[b]);
                    return 1;
                }
                sum += ms[i];
            }
            qsort(ms, (size_t) n, sizeof *ms, by_value);
            printf("%-40s %-16s %8.2f %8.2f %8.2f\n", argv[b], kinds[k].name, ms[n / 2], ms[(n * 9) / 10], sum / n);
        }
    }
    free(ms);
    return 0;
}
