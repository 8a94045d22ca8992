package dev.cnidhcp.daemon.config;

import dev.cnidhcp.cni.CniException;
import dev.cnidhcp.cni.ErrorCode;
import dev.cnidhcp.daemon.dhcp.ClientFqdn;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp.Cidr;
import dev.cnidhcp.daemon.dhcp.Exclusions;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.dhcp.Suppression;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The keys this daemon reads from a network config's {@code ipam} object. Unknown keys are ignored,
 * as CNI expects.
 *
 * @param routes   static routes appended to every result ({@code ipam.routes})
 * @param priority the route priority for CNI 1.1.0 results ({@code ipam.priority}), or -1
 * @param options  what the client requests ({@code ipam.request}) and provides ({@code ipam.provide})
 * @param suppress what is kept out of the result ({@code ipam.suppress}: {@code ["gateway"]})
 * @param clientId     how the client identifier is made ({@code ipam.clientId}; a provided option 61 wins)
 * @param releaseOnDel whether DEL sends DHCPRELEASE ({@code ipam.releaseOnDel}, default true); when
 *                     false the lease is only forgotten and the server keeps it until it expires
 * @param exclude      ranges no lease of this network may touch ({@code ipam.exclude}: a list of
 *                     CIDRs), on top of the daemon's {@code -exclude}
 * @param routes6      the IPv6 entries of {@code ipam.routes} (a {@code dst} with a colon), appended to
 *                     results that carry a DHCPv6 lease
 * @param dhcpv4       whether the attachment leases an IPv4 address ({@code ipam.dhcpv4}, default true)
 * @param dhcpv6       whether the attachment leases an IPv6 address too ({@code ipam.dhcpv6}, default
 *                     false); at least one of the two
 */
public record IpamConfig(List<Route> routes, int priority, ClientOptions options, Suppression suppress,
                         ClientIdTemplate clientId, boolean releaseOnDel, Exclusions exclude, List<Route6> routes6,
                         boolean dhcpv4, boolean dhcpv6) {

    public IpamConfig {
        routes = List.copyOf(routes);
        routes6 = List.copyOf(routes6);
        if (!dhcpv4 && !dhcpv6) {
            throw new IllegalArgumentException("dhcpv4 and dhcpv6: both false (expected: at least one family)");
        }
        Objects.requireNonNull(suppress, "suppress");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(exclude, "exclude");
    }

    /** An IPv4-only config without IPv6 routes. */
    public IpamConfig(List<Route> routes, int priority, ClientOptions options, Suppression suppress,
                      ClientIdTemplate clientId, boolean releaseOnDel, Exclusions exclude) {
        this(routes, priority, options, suppress, clientId, releaseOnDel, exclude, List.of(), true, false);
    }

    /** A config without {@code ipam.exclude}. */
    public IpamConfig(List<Route> routes, int priority, ClientOptions options, Suppression suppress,
                      ClientIdTemplate clientId, boolean releaseOnDel) {
        this(routes, priority, options, suppress, clientId, releaseOnDel, Exclusions.NONE);
    }

    /** A config that suppresses nothing, with the default client identifier and release at DEL. */
    public IpamConfig(List<Route> routes, int priority, ClientOptions options) {
        this(routes, priority, options, Suppression.NONE, ClientIdTemplate.defaultTemplate(), true);
    }

    /** Reads an {@code ipam} object without CNI_ARGS. */
    public static IpamConfig parse(Map<String, Object> ipam) throws CniException {
        return parse(ipam, Map.of());
    }

    /**
     * Reads an {@code ipam} object; {@code cniArgs} feed {@code provide[].fromArg}. A malformed known
     * key is code 7 naming the key and value.
     */
    public static IpamConfig parse(Map<String, Object> ipam, Map<String, String> cniArgs) throws CniException {
        boolean v4 = parseFamily(ipam, "dhcpv4", true);
        boolean v6 = parseFamily(ipam, "dhcpv6", false);
        if (!v4 && !v6) {
            throw invalid("ipam.dhcpv4 is false and ipam.dhcpv6 is not true: the attachment would lease no address"
                    + " (set \"dhcpv6\": true for IPv6 only)");
        }
        List<Route> routes = new ArrayList<>();
        List<Route6> routes6 = new ArrayList<>();
        parseRoutes(ipam.get("routes"), routes, routes6);
        return new IpamConfig(routes, parsePriority(ipam.get("priority")),
                new ClientOptions(parseRequest(ipam.get("request")), parseProvide(ipam.get("provide"), cniArgs)),
                parseSuppress(ipam.get("suppress")), ClientIdTemplate.parse(ipam.get("clientId")),
                parseReleaseOnDel(ipam.get("releaseOnDel")), parseExclude(ipam.get("exclude")), routes6, v4, v6);
    }

    /** {@code dhcpv4} / {@code dhcpv6}: true or false, {@code fallback} when absent. */
    private static boolean parseFamily(Map<String, Object> ipam, String key, boolean fallback) throws CniException {
        Object raw = ipam.get(key);
        if (raw == null) {
            return fallback;
        }
        if (!(raw instanceof Boolean b)) {
            throw invalid("ipam." + key + " must be true or false, got " + raw);
        }
        return b;
    }

    /** {@code exclude: ["10.96.0.0/12", ...]}: a list of IPv4 CIDR strings (a bare address is a /32). */
    private static Exclusions parseExclude(Object raw) throws CniException {
        if (raw == null) {
            return Exclusions.NONE;
        }
        if (!(raw instanceof List<?> list)) {
            throw invalid("ipam.exclude must be a list of CIDR strings, got " + raw);
        }
        List<Cidr> ranges = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String text)) {
                throw invalid("ipam.exclude entry " + item + " is not a string (expected: a CIDR such as \"10.96.0.0/12\")");
            }
            try {
                ranges.add(Cidr.parse(text));
            } catch (IllegalArgumentException e) {
                throw invalid("ipam.exclude: " + e.getMessage());
            }
        }
        return new Exclusions(ranges);
    }

    /**
     * {@code suppress: ["gateway"]}, the key proposed for the reference plugin (containernetworking/plugins
     * PR 1276); a list of strings, each a known value. An empty list suppresses nothing.
     */
    private static Suppression parseSuppress(Object raw) throws CniException {
        if (raw == null) {
            return Suppression.NONE;
        }
        if (!(raw instanceof List<?> list)) {
            throw invalid("ipam.suppress must be a list of strings, got " + raw);
        }
        List<String> names = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String name)) {
                throw invalid("ipam.suppress entry " + item + " is not a string (expected: \"gateway\")");
            }
            names.add(name);
        }
        try {
            return Suppression.of(names);
        } catch (IllegalArgumentException e) {
            throw invalid("ipam." + e.getMessage());
        }
    }

    private static boolean parseReleaseOnDel(Object raw) throws CniException {
        if (raw == null) {
            return true;
        }
        if (!(raw instanceof Boolean b)) {
            throw invalid("ipam.releaseOnDel must be true or false, got " + raw);
        }
        return b;
    }

    /**
     * The client identifier of an attachment: a provided option 61 as given, else {@link #clientId()}
     * rendered over the attachment and {@code cniArgs} (error 7 for a key CNI_ARGS lacks).
     */
    public byte[] clientIdOf(String containerId, String network, String ifname, Map<String, String> cniArgs)
            throws CniException {
        byte[] provided = options.provided().get(CLIENT_IDENTIFIER);
        return provided != null ? provided.clone() : clientId.render(containerId, network, ifname, cniArgs);
    }

    /** {@code routes: [{dst, gw}]}: IPv4 entries into {@code routes}, IPv6 ones (a colon in dst) into {@code routes6}. */
    private static void parseRoutes(Object raw, List<Route> routes, List<Route6> routes6) throws CniException {
        if (raw == null) {
            return;
        }
        if (!(raw instanceof List<?> list)) {
            throw invalid("ipam.routes must be a list, got " + raw);
        }
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> route) || !(route.get("dst") instanceof String dst)) {
                throw invalid("ipam.routes entry " + item + " has no \"dst\" string");
            }
            Object gw = route.get("gw");
            if (gw != null && !(gw instanceof String)) {
                throw invalid("ipam.routes entry " + item + ": \"gw\" must be a string");
            }
            try {
                if (Route6.isIpv6(dst)) {
                    routes6.add(Route6.parse(dst, (String) gw));
                } else {
                    routes.add(Route.parse(dst, (String) gw));
                }
            } catch (IllegalArgumentException e) {
                throw invalid("ipam.routes: " + e.getMessage());
            }
        }
    }

    private static int parsePriority(Object p) throws CniException {
        if (p == null) {
            return -1;
        }
        if (!(p instanceof Long n) || n < 0 || n > Integer.MAX_VALUE) {
            throw invalid("ipam.priority must be a non-negative integer, got " + p);
        }
        return n.intValue();
    }

    /**
     * {@code request: [{option, skipDefault}]}, read as the reference does: the listed options are
     * requested; the default list too, unless any entry says {@code skipDefault}.
     */
    private static byte[] parseRequest(Object raw) throws CniException {
        if (raw == null) {
            return ClientOptions.DEFAULT_REQUEST_LIST;
        }
        if (!(raw instanceof List<?> list)) {
            throw invalid("ipam.request must be a list, got " + raw);
        }
        Set<Integer> codes = new LinkedHashSet<>();
        boolean skipDefault = false;
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> entry) || !(entry.get("option") instanceof String option)) {
                throw invalid("ipam.request entry " + item + " has no \"option\" string");
            }
            Object skip = entry.get("skipDefault");
            if (skip != null && !(skip instanceof Boolean)) {
                throw invalid("ipam.request entry " + item + ": \"skipDefault\" must be true or false");
            }
            skipDefault |= Boolean.TRUE.equals(skip);
            codes.add(optionCode("ipam.request", option));
        }
        Set<Integer> all = new LinkedHashSet<>();
        if (!skipDefault) {
            for (byte b : ClientOptions.DEFAULT_REQUEST_LIST) {
                all.add(b & 0xff);
            }
        }
        all.addAll(codes);
        byte[] out = new byte[all.size()];
        int i = 0;
        for (int code : all) {
            out[i++] = (byte) code;
        }
        return out;
    }

    /**
     * {@code provide: [{option, value, fromArg}]}: {@code fromArg} (a CNI_ARGS key) wins when present.
     * Option 81 ({@code fqdn}) is given as a host name and sent encoded by {@link ClientFqdn}; every
     * other value is sent as its UTF-8 bytes.
     */
    private static Map<Integer, byte[]> parseProvide(Object raw, Map<String, String> cniArgs) throws CniException {
        Map<Integer, byte[]> provided = new LinkedHashMap<>();
        if (raw == null) {
            return provided;
        }
        if (!(raw instanceof List<?> list)) {
            throw invalid("ipam.provide must be a list, got " + raw);
        }
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> entry) || !(entry.get("option") instanceof String option)) {
                throw invalid("ipam.provide entry " + item + " has no \"option\" string");
            }
            int code = optionCode("ipam.provide", option);
            if (ClientOptions.PROTOCOL_OPTIONS.contains(code)) {
                throw invalid("ipam.provide: option '" + option + "' (" + code + ") is set by the DHCP client itself"
                        + " and cannot be provided");
            }
            String value = entry.get("value") instanceof String v ? v : "";
            if (entry.get("fromArg") instanceof String arg && cniArgs.containsKey(arg)) {
                value = cniArgs.get(arg);
            }
            if (value.isEmpty()) {
                continue; // as the reference: nothing to provide
            }
            byte[] bytes;
            if (code == CLIENT_FQDN) {
                try {
                    bytes = ClientFqdn.encode(value);
                } catch (IllegalArgumentException e) {
                    throw invalid("ipam.provide: " + e.getMessage());
                }
            } else {
                bytes = value.getBytes(StandardCharsets.UTF_8);
            }
            if (bytes.length > 255) {
                throw invalid("ipam.provide: value for option '" + option + "' is " + bytes.length
                        + " bytes (at most 255)");
            }
            if (code == CLIENT_IDENTIFIER && bytes.length < 2) { // RFC 2132 9.14: type and at least one byte
                throw invalid("ipam.provide: value for option '" + option + "' is " + bytes.length
                        + " byte (a client identifier needs at least 2)");
            }
            provided.put(code, bytes);
        }
        return provided;
    }

    private static final int CLIENT_IDENTIFIER = 61;
    /** Provided as a host name, encoded by {@link ClientFqdn} (RFC 4702). */
    private static final int CLIENT_FQDN = 81;

    private static int optionCode(String key, String option) throws CniException {
        try {
            return OptionNames.code(option);
        } catch (IllegalArgumentException e) {
            throw invalid(key + ": " + e.getMessage());
        }
    }

    private static CniException invalid(String message) {
        return new CniException(ErrorCode.INVALID_NETWORK_CONFIG, message);
    }
}
