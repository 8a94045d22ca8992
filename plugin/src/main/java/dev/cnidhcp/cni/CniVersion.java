package dev.cnidhcp.cni;

import java.util.List;

/** The CNI specification versions this plugin speaks, oldest first. */
public final class CniVersion {
    public static final List<String> SUPPORTED =
            List.of("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
    public static final String LATEST = "1.1.0";
    /** What libcni assumes when a config carries no cniVersion. */
    public static final String IMPLIED = "0.1.0";

    private CniVersion() {
    }

    public static boolean isSupported(String version) {
        return version != null && SUPPORTED.contains(version);
    }

    /** Compares two supported versions; negative when {@code a} is older than {@code b}. */
    public static int compare(String a, String b) {
        int ia = SUPPORTED.indexOf(a);
        int ib = SUPPORTED.indexOf(b);
        if (ia < 0 || ib < 0) {
            throw new IllegalArgumentException("unsupported version: " + (ia < 0 ? a : b));
        }
        return Integer.compare(ia, ib);
    }

    public static boolean atLeast(String version, String minimum) {
        return compare(version, minimum) >= 0;
    }

    /** The answer to CNI_COMMAND=VERSION. */
    public static String versionInfoJson(String cniVersion) {
        StringBuilder out = new StringBuilder(128);
        out.append("{\"cniVersion\":\"").append(cniVersion).append("\",\"supportedVersions\":[");
        for (int i = 0; i < SUPPORTED.size(); i++) {
            out.append(i == 0 ? "\"" : ",\"").append(SUPPORTED.get(i)).append('"');
        }
        return out.append("]}").toString();
    }
}
