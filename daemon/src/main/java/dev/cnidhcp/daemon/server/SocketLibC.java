package dev.cnidhcp.daemon.server;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * The Linux calls the socket server makes on its Unix socket's descriptors (x86-64 and aarch64 values;
 * structures as byte arrays in native byte order). The JDK's Unix-domain channels hide the descriptor,
 * and with it SO_PEERCRED's pid, poll(2)'s POLLHUP and the adoption of a descriptor passed by systemd;
 * docs/security.md says why these few calls are made here instead. Public only because jnr-ffi implements
 * it from another class loader; only classes of this package call it.
 */
public interface SocketLibC {
    int AF_UNIX = 1;
    int AF_INET = 2;
    int SOCK_STREAM = 1;
    int SOCK_DGRAM = 2;
    int SOCK_NONBLOCK = 0x800;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    int SO_TYPE = 3;
    int SO_PEERCRED = 17;
    int SO_ACCEPTCONN = 30;
    int SO_DOMAIN = 39;
    int F_GETFD = 1;
    int F_SETFD = 2;
    int F_GETFL = 3;
    int F_SETFL = 4;
    int FD_CLOEXEC = 1;
    int O_NONBLOCK = 0x800;
    int O_CLOEXEC = 0x80000;
    short POLLIN = 0x1;
    short POLLOUT = 0x4;
    short POLLERR = 0x8;
    short POLLHUP = 0x10;
    short POLLNVAL = 0x20;
    short POLLRDHUP = 0x2000;
    int MSG_DONTWAIT = 0x40;
    int MSG_NOSIGNAL = 0x4000;
    int EINTR = 4;
    int EBADF = 9;
    int EAGAIN = 11;
    int ENOTSOCK = 88;
    /** sizeof(struct sockaddr_un): sa_family_t and 108 bytes of path. */
    int SOCKADDR_UN_SIZE = 110;

    int socket(int domain, int type, int protocol);

    int bind(int fd, @In byte[] addr, int addrlen);

    int listen(int fd, int backlog);

    int getsockname(int fd, @Out byte[] addr, @In @Out int[] addrlen);

    /** With null address arguments: the peer's address (unnamed for a plugin) is not wanted. */
    int accept4(int fd, Pointer addr, Pointer addrlen, int flags);

    long recv(int fd, @Out byte[] buf, long len, int flags);

    long send(int fd, @In byte[] buf, long len, int flags);

    long write(int fd, @In byte[] buf, long len);

    long read(int fd, @Out byte[] buf, long len);

    /** {@code fds}: struct pollfd {int fd; short events; short revents;} entries. */
    int poll(@In @Out byte[] fds, long nfds, int timeoutMillis);

    int pipe2(@Out int[] fds, int flags);

    int getsockopt(int fd, int level, int optname, @Out byte[] optval, @In @Out int[] optlen);

    int fcntl(int fd, int cmd, int arg);

    int close(int fd);

    String strerror(int errnum);
}
