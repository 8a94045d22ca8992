package dev.cnidhcp.daemon.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Resolves {@code -socketgroup}: a numeric gid as it is, a name through the group file
 * {@code <hostprefix>/etc/group} (the host's, since the peers are host processes; with no host
 * prefix, {@code /etc/group}). Only that file is read: groups known only to NSS services (LDAP, sssd)
 * are given by number.
 */
public final class SocketGroup {
    private SocketGroup() {
    }

    /** The gid of {@code spec}; throws naming the group and the file when it cannot be resolved. */
    public static int resolve(String spec, String hostPrefix) throws IOException {
        return resolve(spec, Path.of(hostPrefix + "/etc/group"));
    }

    static int resolve(String spec, Path groupFile) throws IOException {
        if (spec.isEmpty()) {
            throw new IllegalArgumentException("-socketgroup: empty value");
        }
        if (spec.chars().allMatch(Character::isDigit)) {
            try {
                return Integer.parseInt(spec);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-socketgroup: gid " + spec + " is out of range");
            }
        }
        String text;
        try {
            text = Files.readString(groupFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException("-socketgroup " + spec + ": no group file " + groupFile + " to look the name up in;"
                    + " give the group's number instead");
        }
        for (String line : text.split("\n")) {
            String[] fields = line.split(":", -1); // name:password:gid:members
            if (fields.length >= 3 && fields[0].equals(spec)) {
                try {
                    return Integer.parseInt(fields[2].trim());
                } catch (NumberFormatException e) {
                    throw new IOException("-socketgroup " + spec + ": bad gid '" + fields[2] + "' in " + groupFile);
                }
            }
        }
        throw new IOException("-socketgroup " + spec + ": no such group in " + groupFile
                + " (give the group's number if it comes from another source)");
    }
}
