package dev.cnidhcp.daemon.netns;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**
 * The few Linux calls the JDK lacks: namespace entry, packet sockets, an eventfd to wake a poll, interface ioctls, socket
 * credentials and the socket systemd passes. Structs are passed as byte arrays laid out by the callers
 * (native byte order). Only classes of this package call it.
 */
public interface LibC {
    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;
    /** Open a path without opening the file: no I/O, no device or FIFO open; fstatfs works on it. */
    int O_PATH = 0x200000;
    int ENOENT = 2;
    int ENOTDIR = 20;
    /** statfs.f_type of the namespace file system (linux/magic.h). */
    long NSFS_MAGIC = 0x6e736673L;
    /** ioctl on a namespace file: its CLONE_NEW* type (linux/nsfs.h, _IO(0xb7, 0x3); Linux 4.11+). */
    long NS_GET_NSTYPE = 0xb703;
    int CLONE_NEWNET = 0x40000000;
    int CLONE_NEWNS = 0x00020000;
    int CLONE_NEWCGROUP = 0x02000000;
    int CLONE_NEWUTS = 0x04000000;
    int CLONE_NEWIPC = 0x08000000;
    int CLONE_NEWUSER = 0x10000000;
    int CLONE_NEWPID = 0x20000000;
    int CLONE_NEWTIME = 0x00000080;
    int AF_INET = 2;
    int AF_PACKET = 17;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    int ETH_P_IP = 0x0800;
    int ETH_P_ARP = 0x0806;
    int ETH_P_IPV6 = 0x86DD;
    /** sll_pkttype of a frame this host sent (packet sockets see those too). */
    int PACKET_OUTGOING = 4;
    int EFD_CLOEXEC = 0x80000;
    int EFD_NONBLOCK = 0x800;
    int SOL_SOCKET = 1;
    int SO_ATTACH_FILTER = 26;
    short POLLIN = 1;
    long SIOCGIFFLAGS = 0x8913;
    long SIOCSIFFLAGS = 0x8914;
    long SIOCGIFADDR = 0x8915;
    long SIOCGIFHWADDR = 0x8927;
    long SIOCADDRT = 0x890B;
    short RTF_UP = 0x1;
    short RTF_GATEWAY = 0x2;
    short RTF_HOST = 0x4;
    int EEXIST = 17;
    int IFF_UP = 0x1;
    int IFF_RUNNING = 0x40;
    int EINTR = 4;

    @SaveError
    int open(String path, int flags);

    @SaveError
    int close(int fd);

    @SaveError
    int fstatfs(int fd, @Out byte[] statfs);

    @SaveError
    int setns(int fd, int nstype);

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int bind(int fd, @In byte[] addr, int addrlen);

    @SaveError
    long sendto(int fd, @In byte[] buf, long len, int flags, @In byte[] addr, int addrlen);

    @SaveError
    long recv(int fd, @Out byte[] buf, long len, int flags);

    /** recv that also fills {@code struct sockaddr_ll} of the sender (packet sockets). */
    @SaveError
    long recvfrom(int fd, @Out byte[] buf, long len, int flags, @Out byte[] addr, @In @Out int[] addrlen);

    @SaveError
    int eventfd(int initval, int flags);

    @SaveError
    long write(int fd, @In byte[] buf, long count);

    @SaveError
    int poll(@In @Out byte[] fds, long nfds, int timeoutMillis);

    @SaveError
    int ioctl(int fd, long request, @In @Out byte[] ifreq);

    @SaveError
    int setsockopt(int fd, int level, int optname, @In byte[] optval, int optlen);

    @SaveError
    int if_nametoindex(String name);

    /** The interfaces of the calling thread's namespace: {unsigned if_index; char *if_name} pairs, ending with 0. */
    @SaveError
    jnr.ffi.Pointer if_nameindex();

    void if_freenameindex(jnr.ffi.Pointer list);

    @SaveError
    int unsetenv(String name);

    String strerror(int errnum);
}
