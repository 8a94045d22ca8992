package dev.cnidhcp.daemon.netns;

/**
 * What a path names, as far as entering a network namespace is concerned: a namespace file of one of
 * the kernel's types (nsfs), some other kind of file, or nothing.
 */
public enum FileKind {
    MISSING("nothing (it does not exist)"),
    NETWORK_NAMESPACE("a network namespace"),
    MOUNT_NAMESPACE("a mount namespace"),
    UTS_NAMESPACE("a UTS namespace"),
    IPC_NAMESPACE("an IPC namespace"),
    PID_NAMESPACE("a PID namespace"),
    USER_NAMESPACE("a user namespace"),
    CGROUP_NAMESPACE("a cgroup namespace"),
    TIME_NAMESPACE("a time namespace"),
    UNKNOWN_NAMESPACE("a namespace of an unknown type"),
    EMPTY_FILE("an empty regular file"),
    REGULAR_FILE("a regular file"),
    DIRECTORY("a directory"),
    FIFO("a FIFO"),
    CHARACTER_DEVICE("a character device"),
    BLOCK_DEVICE("a block device"),
    SOCKET("a socket"),
    OTHER("a file of an unknown kind");

    private final String description;

    FileKind(String description) {
        this.description = description;
    }

    /** With its article, for messages: "a mount namespace", "an empty regular file". */
    public String description() {
        return description;
    }

    /** Whether this is a file of nsfs (a namespace of any type). */
    public boolean isNamespace() {
        return name().endsWith("_NAMESPACE");
    }

    /** The kind of a namespace whose NS_GET_NSTYPE is {@code cloneFlag}. */
    static FileKind ofNamespaceType(int cloneFlag) {
        return switch (cloneFlag) {
            case LibC.CLONE_NEWNET -> NETWORK_NAMESPACE;
            case LibC.CLONE_NEWNS -> MOUNT_NAMESPACE;
            case LibC.CLONE_NEWUTS -> UTS_NAMESPACE;
            case LibC.CLONE_NEWIPC -> IPC_NAMESPACE;
            case LibC.CLONE_NEWPID -> PID_NAMESPACE;
            case LibC.CLONE_NEWUSER -> USER_NAMESPACE;
            case LibC.CLONE_NEWCGROUP -> CGROUP_NAMESPACE;
            case LibC.CLONE_NEWTIME -> TIME_NAMESPACE;
            default -> UNKNOWN_NAMESPACE;
        };
    }

    /** The kind of a file that is not on nsfs, from its {@code st_mode} and size. */
    static FileKind ofMode(int mode, long size) {
        return switch (mode & 0170000) {
            case 0100000 -> size == 0 ? EMPTY_FILE : REGULAR_FILE;
            case 0040000 -> DIRECTORY;
            case 0010000 -> FIFO;
            case 0020000 -> CHARACTER_DEVICE;
            case 0060000 -> BLOCK_DEVICE;
            case 0140000 -> SOCKET;
            default -> OTHER;
        };
    }
}
