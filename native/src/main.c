/* dhcp: the CNI IPAM plugin a container runtime executes (CNI_PATH), a forwarder to the per-node
 * lease daemon, and the entry point of `dhcp daemon`, `dhcp leases` and `dhcp status`, which run on
 * the JVM (lib/dhcp-jvm). docs/architecture.md describes the layout. */
#include <signal.h>
#include <unistd.h>

#include "cnienv.h"
#include "forward.h"
#include "launch.h"

extern char **environ;

int main(int argc, char **argv)
{
    if (!launch_is_cni(argc, argv)) {
        return launch_jvm(argc, argv);
    }
    /* A reader that closed stdout ends no call with a signal (the socket writes use MSG_NOSIGNAL). */
    signal(SIGPIPE, SIG_IGN);
    struct cnienv env;
    if (cnienv_collect(environ, &env) != 0) {
        return 1;
    }
    int exit_code = forward(&env, STDIN_FILENO, STDOUT_FILENO);
    cnienv_free(&env);
    return exit_code;
}
