package dev.cnidhcp.cni;

import java.util.Locale;

/** CNI_COMMAND values and what each requires of the environment and the config version. */
public enum Command {
    ADD(true, "0.1.0"),
    DEL(false, "0.1.0"),
    CHECK(true, "0.4.0"),
    GC(false, "1.1.0"),
    STATUS(false, "1.1.0"),
    VERSION(false, "0.1.0");

    private final boolean needsNetns;
    private final String minimumVersion;

    Command(boolean needsNetns, String minimumVersion) {
        this.needsNetns = needsNetns;
        this.minimumVersion = minimumVersion;
    }

    /** Whether CNI_NETNS must be set. */
    public boolean needsNetns() {
        return needsNetns;
    }

    /** Whether CNI_CONTAINERID and CNI_IFNAME must be set. */
    public boolean needsAttachment() {
        return this == ADD || this == DEL || this == CHECK;
    }

    /** The oldest config cniVersion in which the command exists. */
    public String minimumVersion() {
        return minimumVersion;
    }

    /** Parses a CNI_COMMAND value; throws code 4 naming the value when it is unknown. */
    public static Command parse(String value) throws CniException {
        if (value == null || value.isEmpty()) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT, "required environment variable CNI_COMMAND is not set");
        }
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT,
                    "unknown CNI_COMMAND '" + value + "' (expected one of ADD, DEL, CHECK, GC, STATUS, VERSION)");
        }
    }
}
