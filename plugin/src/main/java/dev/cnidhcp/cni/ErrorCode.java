package dev.cnidhcp.cni;

/** The well-known error codes of the CNI specification, plus the ones this plugin defines (100+). */
public final class ErrorCode {
    public static final int INCOMPATIBLE_VERSION = 1;
    public static final int UNSUPPORTED_FIELD = 2;
    public static final int UNKNOWN_CONTAINER = 3;
    public static final int INVALID_ENVIRONMENT = 4;
    public static final int IO_FAILURE = 5;
    public static final int DECODING_FAILURE = 6;
    public static final int INVALID_NETWORK_CONFIG = 7;
    public static final int TRY_AGAIN_LATER = 11;
    public static final int STATUS_CANNOT_SERVE_ADD = 50;
    public static final int STATUS_UNAVAILABLE = 51;
    /** No lease could be obtained from any DHCP server within the timeout. */
    public static final int NO_LEASE = 100;
    /** The pod's namespace or interface could not be entered or used. */
    public static final int NETNS_FAILURE = 101;
    /** The command is understood but not implemented by this version. */
    public static final int NOT_IMPLEMENTED = 102;
    /** CHECK: the lease is not held, or the pod's interface does not carry it. */
    public static final int CHECK_FAILED = 103;
    /** GC: some leases could not be released; the message lists them. */
    public static final int GC_INCOMPLETE = 104;
    /** The process that called the daemon is not allowed to use it (its uid or groups); the message says how to allow it. */
    public static final int PERMISSION_DENIED = 105;
    /** Anything the daemon did not expect; the message says what. */
    public static final int INTERNAL = 199;

    private ErrorCode() {
    }
}
