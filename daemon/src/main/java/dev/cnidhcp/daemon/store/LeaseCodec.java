package dev.cnidhcp.daemon.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.Cidr;
import dev.cnidhcp.daemon.dhcp.ClientOptions;
import dev.cnidhcp.daemon.dhcp.Exclusions;
import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.dhcp.Suppression;
import dev.cnidhcp.daemon.config.Route6;
import dev.cnidhcp.daemon.dhcp6.Binding6;
import dev.cnidhcp.daemon.dhcp6.Identity6;
import dev.cnidhcp.daemon.dhcp6.Lease6;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.Binding;
import dev.cnidhcp.daemon.lease.LeaseKey;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The on-disk form of a {@link StoredLease} (IPv4) and of a {@link StoredLease6} (DHCPv6, marked
 * {@code "family": "6"}): one JSON object, format 1, whose {@code crc32c} field covers the rest of
 * the record, so a corrupt or half-written record is detected (see docs/lease-store.md). Records
 * written before DHCPv6 have no {@code dhcpv4}/{@code dhcpv6} fields and read as IPv4 only.
 */
final class LeaseCodec {
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private LeaseCodec() {
    }

    static byte[] encode(StoredLease stored) {
        ObjectNode body = JSON.createObjectNode();
        body.put("format", FORMAT);
        putAttachment(body, stored.attachment());
        body.put("mac", HEX.formatHex(stored.binding().identity().mac()));
        Lease l = stored.binding().lease();
        ObjectNode lease = body.putObject("lease");
        lease.put("address", l.address().getHostAddress());
        lease.put("prefixLength", l.prefixLength());
        lease.put("serverId", l.serverId().getHostAddress());
        lease.put("gateway", l.gateway() == null ? "" : l.gateway().getHostAddress());
        ArrayNode routes = lease.putArray("routes");
        for (Route r : l.routes()) {
            routes.addObject().put("dst", r.cidr()).put("gw", r.gateway() == null ? "" : r.gateway().getHostAddress());
        }
        ArrayNode dns = lease.putArray("dnsServers");
        l.dnsServers().forEach(s -> dns.add(s.getHostAddress()));
        lease.put("domain", l.domain());
        ArrayNode search = lease.putArray("searchDomains");
        l.searchDomains().forEach(search::add);
        lease.put("leaseSeconds", l.leaseTime().toSeconds());
        lease.put("renewalSeconds", l.renewalTime().toSeconds());
        lease.put("rebindingSeconds", l.rebindingTime().toSeconds());
        lease.put("acquired", l.acquired().toString());
        return seal(body);
    }

    /**
     * A DHCPv6 record: the attachment's fields as in an IPv4 record, {@code "family": "6"}, the
     * client's {@code duid} and {@code iaid}, the pod's {@code uplink} ("" when not known; absent in
     * older records, read as not known), and the lease under {@code lease6}.
     */
    static byte[] encode6(StoredLease6 stored) {
        ObjectNode body = JSON.createObjectNode();
        body.put("format", FORMAT);
        body.put("family", "6");
        putAttachment(body, stored.attachment());
        Identity6 identity = stored.binding().identity();
        body.put("duid", HEX.formatHex(identity.duid()));
        body.put("iaid", Integer.toUnsignedLong(identity.iaid()));
        body.put("uplink", stored.binding().uplink() == null ? "" : stored.binding().uplink());
        Lease6 l = stored.binding().lease();
        ObjectNode lease = body.putObject("lease6");
        lease.put("address", l.address().getHostAddress());
        lease.put("prefixLength", l.prefixLength());
        lease.put("router", l.router() == null ? "" : l.router().getHostAddress());
        lease.put("serverDuid", HEX.formatHex(l.serverDuid()));
        lease.put("serverUnicast", l.serverUnicast() == null ? "" : l.serverUnicast().getHostAddress());
        ArrayNode dns = lease.putArray("dnsServers");
        l.dnsServers().forEach(a -> dns.add(a.getHostAddress()));
        ArrayNode search = lease.putArray("searchDomains");
        l.searchDomains().forEach(search::add);
        lease.put("renewalSeconds", l.renewalTime().toSeconds());
        lease.put("rebindingSeconds", l.rebindingTime().toSeconds());
        lease.put("preferredSeconds", l.preferredLifetime().toSeconds());
        lease.put("validSeconds", l.validLifetime().toSeconds());
        lease.put("acquired", l.acquired().toString());
        return seal(body);
    }

    /** The record around {@code body}: its CRC-32C and the body, one line. */
    private static byte[] seal(ObjectNode body) {
        String text = body.toString();
        ObjectNode record = JSON.createObjectNode();
        record.put("crc32c", crc(text));
        record.set("record", body);
        return (record.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The attachment's fields, shared by both kinds of record. */
    private static void putAttachment(ObjectNode body, Attachment a) {
        body.put("containerId", a.key().containerId());
        body.put("network", a.key().networkName());
        body.put("ifname", a.key().ifname());
        body.put("netns", a.netns() == null ? "" : a.netns().toString());
        body.put("runtimeNetns", a.runtimeNetns() == null ? "" : a.runtimeNetns().toString());
        body.put("clientId", HEX.formatHex(a.clientId()));
        body.put("releaseOnDel", a.releaseOnDel());
        body.put("dhcpv4", a.dhcpv4());
        body.put("dhcpv6", a.dhcpv6());
        body.put("requestList", HEX.formatHex(a.options().requestList()));
        ArrayNode staticRoutes = body.putArray("staticRoutes");
        for (Route r : a.staticRoutes()) {
            staticRoutes.addObject().put("dst", r.cidr()).put("gw", r.gateway() == null ? "" : r.gateway().getHostAddress());
        }
        ArrayNode suppress = body.putArray("suppress");
        a.suppress().names().forEach(suppress::add);
        ArrayNode exclude = body.putArray("exclude");
        a.exclude().strings().forEach(exclude::add);
        ObjectNode provided = body.putObject("provided");
        a.options().provided().forEach((code, value) -> provided.put(String.valueOf(code), HEX.formatHex(value)));
    }

    /** Decodes one record; anything malformed or failing its checksum is a {@link CorruptRecordException}. */
    static StoredLease decode(byte[] bytes) throws CorruptRecordException {
        JsonNode body = open(bytes);
        if (body.has("family")) {
            throw new CorruptRecordException("a DHCPv6 record (family " + body.get("family") + ") in an IPv4 record's file");
        }
        try {
            Attachment attachment = attachmentOf(body);
            byte[] clientId = attachment.clientId();
            JsonNode l = body.path("lease");
            List<Route> routes = new ArrayList<>();
            for (JsonNode r : l.path("routes")) {
                routes.add(Route.parse(text(r, "dst"), text(r, "gw")));
            }
            List<Inet4Address> dns = new ArrayList<>();
            for (JsonNode s : l.path("dnsServers")) {
                dns.add(Route.parseAddress(s.asText(), "dnsServers"));
            }
            List<String> search = new ArrayList<>();
            l.path("searchDomains").forEach(s -> search.add(s.asText()));
            String gateway = text(l, "gateway");
            Lease lease = new Lease(Route.parseAddress(text(l, "address"), "address"), l.path("prefixLength").asInt(),
                    Route.parseAddress(text(l, "serverId"), "serverId"),
                    gateway.isEmpty() ? null : Route.parseAddress(gateway, "gateway"), routes, dns,
                    text(l, "domain"), search, Duration.ofSeconds(l.path("leaseSeconds").asLong()),
                    Duration.ofSeconds(l.path("renewalSeconds").asLong()),
                    Duration.ofSeconds(l.path("rebindingSeconds").asLong()), Instant.parse(text(l, "acquired")));
            Binding binding = new Binding(new ClientIdentity(HEX.parseHex(text(body, "mac")), clientId), lease);
            return new StoredLease(attachment, binding);
        } catch (RuntimeException e) {
            throw new CorruptRecordException("invalid field: " + e.getMessage());
        }
    }

    /** Decodes one DHCPv6 record ({@link #encode6}); anything malformed is a {@link CorruptRecordException}. */
    static StoredLease6 decode6(byte[] bytes) throws CorruptRecordException {
        JsonNode body = open(bytes);
        if (!"6".equals(body.path("family").asText())) {
            throw new CorruptRecordException("not a DHCPv6 record (family " + body.path("family") + ")");
        }
        try {
            Attachment attachment = attachmentOf(body);
            if (!attachment.dhcpv6()) {
                throw new IllegalArgumentException("\"dhcpv6\" false in a DHCPv6 record");
            }
            long iaid = body.path("iaid").asLong(-1);
            if (!body.path("iaid").isIntegralNumber() || iaid < 0 || iaid > 0xffffffffL) {
                throw new IllegalArgumentException("\"iaid\" not a 32-bit unsigned number");
            }
            Identity6 identity = new Identity6(HEX.parseHex(text(body, "duid")), (int) iaid);
            JsonNode l = body.path("lease6");
            List<Inet6Address> dns = new ArrayList<>();
            for (JsonNode a : l.path("dnsServers")) {
                dns.add(Route6.parseAddress(a.asText(), "dnsServers"));
            }
            List<String> search = new ArrayList<>();
            l.path("searchDomains").forEach(d -> search.add(d.asText()));
            String router = text(l, "router");
            String unicast = text(l, "serverUnicast");
            Lease6 lease = new Lease6(Route6.parseAddress(text(l, "address"), "address"), l.path("prefixLength").asInt(),
                    router.isEmpty() ? null : Route6.parseAddress(router, "router"), HEX.parseHex(text(l, "serverDuid")),
                    unicast.isEmpty() ? null : Route6.parseAddress(unicast, "serverUnicast"), dns, search,
                    Duration.ofSeconds(l.path("renewalSeconds").asLong()),
                    Duration.ofSeconds(l.path("rebindingSeconds").asLong()),
                    Duration.ofSeconds(l.path("preferredSeconds").asLong()),
                    Duration.ofSeconds(l.path("validSeconds").asLong()), Instant.parse(text(l, "acquired")));
            String uplink = body.path("uplink").asText(""); // absent in records written before it was kept
            return new StoredLease6(attachment, new Binding6(identity, lease, uplink.isEmpty() ? null : uplink));
        } catch (RuntimeException e) {
            throw new CorruptRecordException("invalid field: " + e.getMessage());
        }
    }

    /** The body of a record whose checksum and format are right. */
    private static JsonNode open(byte[] bytes) throws CorruptRecordException {
        JsonNode record;
        try {
            record = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new CorruptRecordException("not JSON (" + firstLine(e.getMessage()) + ")");
        }
        if (record == null || !record.path("record").isObject() || !record.path("crc32c").isTextual()) {
            throw new CorruptRecordException("missing \"record\" or \"crc32c\"");
        }
        JsonNode body = record.get("record");
        if (!crc(body.toString()).equals(record.get("crc32c").asText())) {
            throw new CorruptRecordException("checksum mismatch");
        }
        if (body.path("format").asInt() != FORMAT) {
            throw new CorruptRecordException("unknown format " + body.path("format"));
        }
        return body;
    }

    /**
     * The attachment's fields of either kind of record; those absent from records written before
     * they existed take the value that was implied then (no suppress, release at DEL, no exclude,
     * IPv4 only).
     */
    private static Attachment attachmentOf(JsonNode body) {
        LeaseKey key = new LeaseKey(text(body, "containerId"), text(body, "network"), text(body, "ifname"));
        String netns = text(body, "netns");
        Map<Integer, byte[]> provided = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = body.path("provided").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            provided.put(Integer.parseInt(e.getKey()), HEX.parseHex(e.getValue().asText()));
        }
        ClientOptions options = new ClientOptions(HEX.parseHex(text(body, "requestList")), provided);
        byte[] clientId = HEX.parseHex(text(body, "clientId"));
        List<Route> staticRoutes = new ArrayList<>();
        for (JsonNode r : body.path("staticRoutes")) {
            staticRoutes.add(Route.parse(text(r, "dst"), text(r, "gw")));
        }
        String runtimeNetns = text(body, "runtimeNetns");
        List<String> suppress = new ArrayList<>(); // absent in records written before ipam.suppress: none
        for (JsonNode s : body.path("suppress")) {
            suppress.add(s.asText());
        }
        JsonNode release = body.path("releaseOnDel"); // absent in records written before it existed: true
        if (!release.isMissingNode() && !release.isBoolean()) {
            throw new IllegalArgumentException("\"releaseOnDel\" not true or false");
        }
        List<Cidr> exclude = new ArrayList<>(); // absent in records written before ipam.exclude: none
        for (JsonNode c : body.path("exclude")) {
            exclude.add(Cidr.parse(c.asText()));
        }
        JsonNode v4 = body.path("dhcpv4");
        JsonNode v6 = body.path("dhcpv6");
        if ((!v4.isMissingNode() && !v4.isBoolean()) || (!v6.isMissingNode() && !v6.isBoolean())) {
            throw new IllegalArgumentException("\"dhcpv4\" or \"dhcpv6\" not true or false");
        }
        return new Attachment(key, netns.isEmpty() ? null : Path.of(netns), clientId, options,
                staticRoutes, runtimeNetns.isEmpty() ? null : Path.of(runtimeNetns), Suppression.of(suppress),
                release.asBoolean(true), new Exclusions(exclude), v4.asBoolean(true), v6.asBoolean(false));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" missing or not a string");
        }
        return v.asText();
    }

    private static String crc(String text) {
        CRC32C crc = new CRC32C();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
