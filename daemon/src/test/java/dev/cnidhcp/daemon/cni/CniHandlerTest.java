package dev.cnidhcp.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnidhcp.daemon.admin.AdminRequests;
import dev.cnidhcp.daemon.admin.DaemonStatus;
import dev.cnidhcp.daemon.admin.LeaseListing;
import dev.cnidhcp.daemon.dhcp.ClientIdentity;
import dev.cnidhcp.daemon.dhcp.Lease;
import dev.cnidhcp.daemon.dhcp.NoLeaseException;
import dev.cnidhcp.daemon.dhcp.Route;
import dev.cnidhcp.daemon.dhcp.Suppression;
import dev.cnidhcp.daemon.lease.Attachment;
import dev.cnidhcp.daemon.lease.Binding;
import dev.cnidhcp.daemon.lease.LeaseKey;
import dev.cnidhcp.daemon.lease.LeaseManager;
import dev.cnidhcp.daemon.lease.LeaseTransport;
import dev.cnidhcp.daemon.time.Scheduler;
import dev.cnidhcp.daemon.metrics.DaemonMetrics;
import dev.cnidhcp.wire.AdminCommand;
import dev.cnidhcp.wire.WireRequest;
import dev.cnidhcp.wire.WireResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CniHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Peer RUNTIME = new Peer(4242, 0, 0);

    /** Held so that JUL keeps the level: the handler logs every request, and failures with stack traces. */
    private static final Logger DAEMON_LOG = Logger.getLogger("dev.cnidhcp.daemon");

    static {
        DAEMON_LOG.setLevel(Level.OFF);
    }

    /** Keeps scheduled timers without running them: lease timers are not under test here. */
    private static final class ParkedScheduler implements Scheduler {
        final List<Instant> scheduled = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Cancellable at(Instant when, Instant deadline, Runnable task) {
            scheduled.add(when);
            return () -> scheduled.remove(when);
        }
    }

    /** Grants 10.1.0.10, .11, ... in order and records every call. */
    private static final class FakeTransport implements LeaseTransport {
        final List<Attachment> acquired = Collections.synchronizedList(new ArrayList<>());
        final List<Path> releaseFallbacks = Collections.synchronizedList(new ArrayList<>());
        final List<Binding> released = Collections.synchronizedList(new ArrayList<>());
        final List<Boolean> linkChanges = Collections.synchronizedList(new ArrayList<>());
        volatile Inet4Address interfaceAddress;
        volatile IOException releaseFailure;
        Exception failure;
        private int next = 10;

        @Override
        public synchronized Binding acquire(Attachment attachment, Inet4Address requested, Instant deadline)
                throws IOException, NoLeaseException {
            if (failure instanceof IOException e) {
                throw e;
            }
            if (failure instanceof NoLeaseException e) {
                throw e;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            acquired.add(attachment);
            Inet4Address address = ip("10.1.0." + next++);
            Lease lease = new Lease(address, 24, ip("10.1.0.2"), ip("10.1.0.1"),
                    List.of(Route.parse("0.0.0.0/0", "10.1.0.1")), List.of(ip("10.1.0.53")), "example.org",
                    List.of(), Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofMinutes(52), Instant.now());
            byte[] mac = {2, 0, 0, 0, 0, (byte) next};
            return new Binding(new ClientIdentity(mac, attachment.clientId()), lease);
        }

        @Override
        public Lease renew(Attachment attachment, Binding binding, Instant deadline) {
            return binding.lease();
        }

        @Override
        public Lease rebind(Attachment attachment, Binding binding, Instant deadline) {
            return binding.lease();
        }

        @Override
        public Lease reboot(Attachment attachment, Binding binding, Instant deadline) {
            return binding.lease();
        }

        @Override
        public void setLinkUp(Attachment attachment, boolean up) {
            linkChanges.add(up);
        }

        @Override
        public void restoreRoutes(Attachment attachment, List<Route> routes) {
        }

        @Override
        public Inet4Address interfaceAddress(Attachment attachment) {
            return interfaceAddress;
        }

        @Override
        public String release(Attachment attachment, Binding binding, Path fallbackNetns) throws IOException {
            if (releaseFailure != null) {
                throw releaseFailure;
            }
            released.add(binding);
            releaseFallbacks.add(fallbackNetns);
            return "test";
        }
    }

    private final FakeTransport transport = new FakeTransport();
    private final ParkedScheduler scheduler = new ParkedScheduler();
    private final LeaseManager leases = new LeaseManager(transport, scheduler, Clock.systemUTC(),
            Duration.ofSeconds(1), Duration.ofSeconds(62));

    private static Inet4Address ip(String text) {
        return Route.parseAddress(text, "test");
    }

    private final DaemonMetrics metrics = new DaemonMetrics();
    @TempDir
    Path dir;

    private CniHandler handler(String hostPrefix) {
        return handler(leases, hostPrefix);
    }

    private CniHandler handler(LeaseManager manager, String hostPrefix) {
        AdminRequests admin = new AdminRequests(new LeaseListing(manager, Clock.systemUTC()),
                new DaemonStatus(manager, metrics, dir.resolve("dhcp.sock"), "/var/lib/cni/dhcp", Clock.systemUTC()));
        return new CniHandler(manager, new ResultRenderer(), new HostPaths(hostPrefix), Duration.ofSeconds(5),
                Clock.systemUTC(), metrics, admin);
    }

    private CniHandler handler() {
        return handler("");
    }

    private static String config(String version) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"net1\",\"type\":\"macvlan\","
                + "\"ipam\":{\"type\":\"dhcp\"}}";
    }

    private static Map<String, String> env(String command, String ifname) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", "c0ffee");
        env.put("CNI_NETNS", "/var/run/netns/pod1");
        env.put("CNI_IFNAME", ifname);
        env.put("CNI_PATH", "/opt/cni/bin");
        return env;
    }

    private WireResponse call(CniHandler handler, Map<String, String> env, String stdin) {
        return handler.handle(new WireRequest(env, stdin), RUNTIME);
    }

    private WireResponse add(String ifname) {
        return call(handler(), env("ADD", ifname), config("1.0.0"));
    }

    private static JsonNode json(WireResponse response) throws Exception {
        return JSON.readTree(response.stdout());
    }

    private static void assertError(WireResponse response, int code) throws Exception {
        assertEquals(1, response.exitCode(), response.stdout());
        assertEquals(code, json(response).get("code").asInt(), response.stdout());
    }

    // --- ADD ---

    @Test
    void addReturnsTheRenderedResultForTheGrantedLease() throws Exception {
        WireResponse response = add("eth0");
        assertEquals(0, response.exitCode(), response.stdout());
        JsonNode result = json(response);
        assertEquals("1.0.0", result.get("cniVersion").asText());
        assertEquals("10.1.0.10/24", result.get("ips").get(0).get("address").asText());
        assertEquals("10.1.0.1", result.get("ips").get(0).get("gateway").asText());
        assertEquals("0.0.0.0/0", result.get("routes").get(0).get("dst").asText());
        assertEquals("10.1.0.53", result.get("dns").get("nameservers").get(0).asText());
    }

    @Test
    void addRendersInTheConfigVersion() throws Exception {
        WireResponse response = call(handler(), env("ADD", "eth0"), config("0.2.0"));
        assertEquals(0, response.exitCode());
        assertEquals("10.1.0.10/24", json(response).get("ip4").get("ip").asText());
    }

    @Test
    void addHandsTheTransportTheKeyNetnsAndDefaultClientId() {
        add("eth0");
        Attachment a = transport.acquired.get(0);
        assertEquals(new LeaseKey("c0ffee", "net1", "eth0"), a.key());
        assertEquals(Path.of("/var/run/netns/pod1"), a.netns());
        assertArrayEquals(ClientIdentity.defaultClientId("c0ffee", "net1", "eth0"), a.clientId());
    }

    @Test
    void addSeesThePodNetnsUnderTheHostPrefix() {
        call(handler("/host/"), env("ADD", "eth0"), config("1.0.0"));
        assertEquals(Path.of("/host/var/run/netns/pod1"), transport.acquired.get(0).netns());
    }

    @Test
    void addWithANetnsOutsideTheKnownPlacesIsRefusedWithCode4() throws Exception {
        Map<String, String> env = env("ADD", "eth0");
        env.put("CNI_NETNS", "/etc/passwd");
        WireResponse response = call(handler(), env, config("1.0.0"));
        assertError(response, 4);
        assertTrue(json(response).get("msg").asText().contains("/etc/passwd"), response.stdout());
        assertTrue(transport.acquired.isEmpty());
    }

    @Test
    void addWithARealNamespaceOfAThreadPasses() throws Exception {
        Map<String, String> env = env("ADD", "eth0");
        env.put("CNI_NETNS", "/proc/" + ProcessHandle.current().pid() + "/task/" + ProcessHandle.current().pid()
                + "/ns/net");
        assertEquals(0, call(handler(), env, config("1.0.0")).exitCode(), "a real namespace passes");
    }

    @Test
    void delOfAPodWhoseNamespaceIsGoneSucceeds() {
        Map<String, String> env = env("DEL", "eth0");
        env.put("CNI_NETNS", "/run/netns/gone-already");
        assertEquals(0, call(handler(), env, config("1.0.0")).exitCode());
    }

    /** DEL never enters CNI_NETNS; refusing it would leave a runtime unable to clean up an ADD it lost. */
    @Test
    void delWithANetnsOutsideTheKnownPlacesStillReleases() throws Exception {
        add("eth0");
        Map<String, String> env = env("DEL", "eth0");
        env.put("CNI_NETNS", "/run/netns/../../etc/passwd");
        assertEquals(0, call(handler(), env, config("1.0.0")).exitCode());
        assertEquals(1, transport.released.size(), "the lease was released");
    }

    @Test
    void addTwiceForTheSameAttachmentAcquiresOnceAndReturnsTheSameAddress() throws Exception {
        WireResponse first = add("eth0");
        WireResponse second = add("eth0");
        assertEquals(1, transport.acquired.size());
        assertEquals(0, second.exitCode());
        assertEquals(json(first).get("ips"), json(second).get("ips"));
    }

    @Test
    void twoIfnamesOfOneContainerGetTwoLeasesWithDifferentClientIds() throws Exception {
        WireResponse eth0 = add("eth0");
        WireResponse net1 = add("net1");
        assertEquals(2, transport.acquired.size());
        assertFalse(java.util.Arrays.equals(transport.acquired.get(0).clientId(),
                transport.acquired.get(1).clientId()));
        assertNotEquals(json(eth0).get("ips").get(0).get("address").asText(),
                json(net1).get("ips").get(0).get("address").asText());
    }

    @Test
    void addWithoutLeaseIsCode100NamingTheInterface() throws Exception {
        transport.failure = new NoLeaseException("no DHCPOFFER received");
        WireResponse response = add("eth0");
        assertError(response, 100);
        JsonNode error = json(response);
        assertTrue(error.get("msg").asText().contains("no DHCPOFFER received"), response.stdout());
        assertTrue(error.get("details").asText().contains("eth0"), response.stdout());
        assertEquals("1.0.0", error.get("cniVersion").asText());
    }

    @Test
    void failedAddLeavesNoLeaseBehindSoTheNextAddTriesAgain() throws Exception {
        transport.failure = new NoLeaseException("silence");
        assertError(add("eth0"), 100);
        transport.failure = null;
        assertEquals(0, add("eth0").exitCode());
        assertEquals(1, transport.acquired.size());
    }

    @Test
    void addFailingWithIoExceptionIsCode101() throws Exception {
        transport.failure = new IOException("cannot enter namespace");
        WireResponse response = add("eth0");
        assertError(response, 101);
        assertTrue(json(response).get("msg").asText().contains("cannot enter namespace"), response.stdout());
    }

    @Test
    void unexpectedRuntimeFailureIsCode199() throws Exception {
        transport.failure = new IllegalStateException("surprise");
        assertError(add("eth0"), 199);
    }

    // --- DEL ---

    @Test
    void delOfUnknownLeaseSucceedsWithEmptyOutput() {
        WireResponse response = call(handler(), env("DEL", "eth0"), config("1.0.0"));
        assertEquals(0, response.exitCode());
        assertEquals("", response.stdout());
        assertTrue(transport.released.isEmpty());
    }

    @Test
    void delWithoutNetnsSucceeds() {
        Map<String, String> env = env("DEL", "eth0");
        env.remove("CNI_NETNS");
        assertEquals(new WireResponse(0, ""), call(handler(), env, config("1.0.0")));
    }

    @Test
    void delReleasesWithTheRuntimeNamespaceOfThePeerProcess() {
        add("eth0");
        WireResponse response = call(handler(), env("DEL", "eth0"), config("1.0.0"));
        assertEquals(new WireResponse(0, ""), response);
        assertEquals(1, transport.released.size());
        assertEquals("10.1.0.10", transport.released.get(0).lease().address().getHostAddress());
        assertEquals(Path.of("/proc/4242/ns/net"), transport.releaseFallbacks.get(0));
    }

    @Test
    void delReleasesWithTheRuntimeNamespaceUnderTheHostPrefix() {
        call(handler("/host"), env("ADD", "eth0"), config("1.0.0"));
        call(handler("/host"), env("DEL", "eth0"), config("1.0.0"));
        assertEquals(Path.of("/host/proc/4242/ns/net"), transport.releaseFallbacks.get(0));
    }

    @Test
    void delFromUnknownPeerFallsBackToTheNamespaceTheAddCameFrom() {
        add("eth0");
        handler().handle(new WireRequest(env("DEL", "eth0"), config("1.0.0")), Peer.UNKNOWN);
        assertEquals(1, transport.released.size());
        assertEquals(Path.of("/proc/4242/ns/net"), transport.releaseFallbacks.get(0));
    }

    @Test
    void statusIsCode50WhenNoLeaseCouldBeRecorded() throws Exception {
        LeaseManager unwritable = new LeaseManager(transport, scheduler, Clock.systemUTC(), Duration.ofSeconds(1),
                Duration.ofSeconds(62), new dev.cnidhcp.daemon.lease.LeaseJournal() {
                    @Override
                    public void record(Attachment a, Binding b) throws IOException {
                        throw new IOException("Read-only file system");
                    }

                    @Override
                    public void remove(LeaseKey key) {
                    }

                    @Override
                    public void checkWritable() throws IOException {
                        throw new IOException("state directory /var/lib/cni/dhcp is not writable: Read-only file system");
                    }
                });
        CniHandler handler = handler(unwritable, "");
        WireResponse status = handler.handle(new WireRequest(Map.of("CNI_COMMAND", "STATUS"), config("1.1.0")), RUNTIME);
        assertError(status, 50);
        assertTrue(json(status).get("msg").asText().contains("not writable"), status.stdout());

        WireResponse add = handler.handle(new WireRequest(env("ADD", "eth0"), config("1.0.0")), RUNTIME);
        assertError(add, 5);
        assertTrue(json(add).get("msg").asText().contains("could not be recorded"), add.stdout());
        assertEquals(1, transport.released.size(), "the lease that could not be recorded was given back");
    }

    @Test
    void delForgetsTheLeaseSoTheNextAddAcquiresAgain() throws Exception {
        add("eth0");
        call(handler(), env("DEL", "eth0"), config("1.0.0"));
        WireResponse again = add("eth0");
        assertEquals(2, transport.acquired.size());
        assertEquals("10.1.0.11/24", json(again).get("ips").get(0).get("address").asText());
    }

    @Test
    void anAddAnswerUndoneBecauseItsCallerHadGoneReleasesTheLease() {
        Answer answer = handler().answer(new WireRequest(env("ADD", "eth0"), config("1.0.0")), RUNTIME);
        assertEquals(0, answer.response().exitCode(), answer.response().stdout());
        assertTrue(answer.undoable());
        answer.undo().run();
        assertEquals(1, transport.released.size(), "released");
        assertNull(leases.get(new LeaseKey("c0ffee", "net1", "eth0")), "and forgotten");
        assertEquals(transport.acquired.get(0).runtimeNetns(), transport.releaseFallbacks.get(0),
                "sent from the namespace recorded at ADD");
    }

    @Test
    void answersThatGrantNothingHaveNothingToUndo() {
        Answer failed = handler().answer(new WireRequest(env("ADD", "eth0"), "{}"), RUNTIME);
        assertEquals(1, failed.response().exitCode());
        assertFalse(failed.undoable());
        add("eth0");
        assertFalse(handler().answer(new WireRequest(env("DEL", "eth0"), config("1.0.0")), RUNTIME).undoable());
    }

    @Test
    void delOfOneInterfaceKeepsTheOther() {
        add("eth0");
        add("net1");
        call(handler(), env("DEL", "eth0"), config("1.0.0"));
        assertEquals(1, transport.released.size());
        assertTrue(leases.get(new LeaseKey("c0ffee", "net1", "net1")) != null);
        assertNull(leases.get(new LeaseKey("c0ffee", "net1", "eth0")));
    }

    @Test
    void delTwiceReleasesOnce() {
        add("eth0");
        call(handler(), env("DEL", "eth0"), config("1.0.0"));
        assertEquals(0, call(handler(), env("DEL", "eth0"), config("1.0.0")).exitCode());
        assertEquals(1, transport.released.size());
    }

    // --- other commands and malformed input ---

    @Test
    void malformedWireBytesAreCode6() throws Exception {
        WireResponse response = handler().handle("not json".getBytes(StandardCharsets.UTF_8), RUNTIME);
        assertError(response, 6);
        assertTrue(json(response).get("msg").asText().contains("malformed request"), response.stdout());
        assertEquals("1.1.0", json(response).get("cniVersion").asText());
    }

    @Test
    void wireBytesOfTheWrongShapeAreCode6() throws Exception {
        assertError(handler().handle("{\"env\":{}}".getBytes(StandardCharsets.UTF_8), RUNTIME), 6);
    }

    @Test
    void encodedRequestBytesAreDecodedAndAnswered() throws Exception {
        byte[] raw = new WireRequest(env("ADD", "eth0"), config("1.0.0")).encode();
        WireResponse response = handler().handle(raw, RUNTIME);
        assertEquals(0, response.exitCode(), response.stdout());
        assertEquals("10.1.0.10/24", json(response).get("ips").get(0).get("address").asText());
    }

    @Test
    void stdinThatIsNotJsonIsCode6() throws Exception {
        assertError(call(handler(), env("ADD", "eth0"), "{oops"), 6);
    }

    @Test
    void daemonChecksTheEnvironmentAgain() throws Exception {
        Map<String, String> env = env("ADD", "eth0");
        env.remove("CNI_NETNS");
        WireResponse response = call(handler(), env, config("0.4.0"));
        assertError(response, 4);
        assertEquals("0.4.0", json(response).get("cniVersion").asText());
        assertTrue(transport.acquired.isEmpty());
    }

    @Test
    void badIpamRoutesAreCode7() throws Exception {
        String stdin = "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"ipam\":{\"type\":\"dhcp\","
                + "\"routes\":[{\"dst\":\"nonsense\"}]}}";
        assertError(call(handler(), env("ADD", "eth0"), stdin), 7);
        assertTrue(transport.acquired.isEmpty());
    }

    private static String checkConfig(String address) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"macvlan\",\"ipam\":{\"type\":\"dhcp\"},"
                + "\"prevResult\":{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"" + address + "\"}]}}";
    }

    @Test
    void checkSucceedsSilentlyWhenTheLeaseIsHeldAndTheInterfaceCarriesIt() {
        add("eth0");
        transport.interfaceAddress = ip("10.1.0.10");
        assertEquals(new WireResponse(0, ""), call(handler(), env("CHECK", "eth0"), checkConfig("10.1.0.10/24")));
    }

    @Test
    void checkOfAContainerWithoutLeaseIsCode3() throws Exception {
        assertError(call(handler(), env("CHECK", "eth0"), checkConfig("10.1.0.10/24")), 3);
    }

    @Test
    void checkIsCode103NamingTheInterfaceWhenItLacksTheLeasedAddress() throws Exception {
        add("eth0");
        transport.interfaceAddress = null;
        WireResponse response = call(handler(), env("CHECK", "eth0"), checkConfig("10.1.0.10/24"));
        assertError(response, 103);
        assertTrue(json(response).get("msg").asText().contains("eth0"), response.stdout());
        assertTrue(json(response).get("msg").asText().contains("no IPv4 address"), response.stdout());
    }

    @Test
    void checkIsCode103WhenPrevResultNamesAnotherAddress() throws Exception {
        add("eth0");
        transport.interfaceAddress = ip("10.1.0.10");
        WireResponse response = call(handler(), env("CHECK", "eth0"), checkConfig("10.1.0.99/24"));
        assertError(response, 103);
        assertTrue(json(response).get("msg").asText().contains("10.1.0.99"), response.stdout());
    }

    @Test
    void checkWithoutPrevResultIsCode7() throws Exception {
        add("eth0");
        assertError(call(handler(), env("CHECK", "eth0"), config("1.0.0")), 7);
    }

    @Test
    void checkBelowZeroFourZeroIsCode1() throws Exception {
        assertError(call(handler(), env("CHECK", "eth0"), config("0.3.1")), 1);
    }

    private static String gcConfig(String key, String attachments) {
        return "{\"cniVersion\":\"1.1.0\",\"name\":\"net1\",\"type\":\"macvlan\",\"ipam\":{\"type\":\"dhcp\"},"
                + "\"" + key + "\":" + attachments + "}";
    }

    private WireResponse gc(String key, String attachments) {
        return call(handler(), Map.of("CNI_COMMAND", "GC", "CNI_PATH", "/opt/cni/bin"), gcConfig(key, attachments));
    }

    @Test
    void gcReleasesOnlyLeasesOfTheNetworkMissingFromValidAttachments() {
        add("eth0");
        add("net1");
        call(handler(), env("ADD", "eth0"), config("1.0.0").replace("net1", "other"));
        WireResponse response = gc("cni.dev/valid-attachments", "[{\"containerID\":\"c0ffee\",\"ifname\":\"eth0\"}]");
        assertEquals(new WireResponse(0, ""), response);
        assertEquals(1, transport.released.size(), "only net1 of network net1 is released");
        assertEquals("10.1.0.11", transport.released.get(0).lease().address().getHostAddress());
        assertEquals(Path.of("/proc/4242/ns/net"), transport.releaseFallbacks.get(0));
        assertTrue(leases.get(new LeaseKey("c0ffee", "net1", "eth0")) != null, "the valid lease is kept");
        assertTrue(leases.get(new LeaseKey("c0ffee", "other", "eth0")) != null, "another network is untouched");
    }

    @Test
    void gcAcceptsTheOlderAttachmentsKey() {
        add("eth0");
        assertEquals(new WireResponse(0, ""), gc("cni.dev/attachments", "[]"));
        assertEquals(1, transport.released.size());
    }

    @Test
    void gcWithoutValidAttachmentsIsCode7AndReleasesNothing() throws Exception {
        add("eth0");
        assertError(call(handler(), Map.of("CNI_COMMAND", "GC", "CNI_PATH", "/opt/cni/bin"), config("1.1.0")), 7);
        assertTrue(transport.released.isEmpty());
    }

    @Test
    void gcReportsEveryFailedReleaseAndKeepsGoing() throws Exception {
        add("eth0");
        add("net1");
        transport.releaseFailure = new IOException("no route to server");
        WireResponse response = gc("cni.dev/valid-attachments", "[]");
        assertError(response, 104);
        String msg = json(response).get("msg").asText();
        assertTrue(msg.startsWith("2 lease(s)"), msg);
        assertTrue(msg.contains("ifname=eth0") && msg.contains("ifname=net1"), msg);
        assertNull(leases.get(new LeaseKey("c0ffee", "net1", "eth0")), "forgotten although the release failed");
    }

    @Test
    void delSucceedsWhenTheReleaseCannotBeSent() {
        add("eth0");
        transport.releaseFailure = new IOException("pod interface gone, no runtime namespace");
        assertEquals(new WireResponse(0, ""), call(handler(), env("DEL", "eth0"), config("1.0.0")));
        assertNull(leases.get(new LeaseKey("c0ffee", "net1", "eth0")));
    }

    @Test
    void providedHostNameComesFromCniArgs() {
        Map<String, String> env = env("ADD", "eth0");
        env.put("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAMESPACE=ns;K8S_POD_NAME=web-0;K8S_POD_UID=u");
        String stdin = "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"ipam\":{\"type\":\"dhcp\","
                + "\"provide\":[{\"option\":\"host-name\",\"fromArg\":\"K8S_POD_NAME\"}]}}";
        assertEquals(0, call(handler(), env, stdin).exitCode());
        assertArrayEquals("web-0".getBytes(StandardCharsets.UTF_8),
                transport.acquired.get(0).options().provided().get(12));
    }

    @Test
    void providedClientIdentifierReplacesTheDefaultOne() {
        String stdin = "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"ipam\":{\"type\":\"dhcp\","
                + "\"provide\":[{\"option\":\"dhcp-client-identifier\",\"value\":\"pod-one\"}]}}";
        assertEquals(0, call(handler(), env("ADD", "eth0"), stdin).exitCode());
        assertArrayEquals("pod-one".getBytes(StandardCharsets.UTF_8), transport.acquired.get(0).clientId());
    }

    @Test
    void unknownRequestedOptionIsCode7NamingIt() throws Exception {
        String stdin = "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"ipam\":{\"type\":\"dhcp\","
                + "\"request\":[{\"option\":\"no-such-option\"}]}}";
        WireResponse response = call(handler(), env("ADD", "eth0"), stdin);
        assertError(response, 7);
        assertTrue(json(response).get("msg").asText().contains("no-such-option"), response.stdout());
    }

    @Test
    void statusWithCniVersionOneOneZeroSucceedsWithEmptyOutput() {
        assertEquals(new WireResponse(0, ""), call(handler(), Map.of("CNI_COMMAND", "STATUS"), config("1.1.0")));
    }

    @Test
    void statusBelowOneOneZeroIsCode1() throws Exception {
        assertError(call(handler(), Map.of("CNI_COMMAND", "STATUS"), config("1.0.0")), 1);
    }

    @Test
    void versionIsAnsweredWithTheSupportedVersions() throws Exception {
        WireResponse response = call(handler(), Map.of("CNI_COMMAND", "VERSION"), config("0.3.1"));
        assertEquals(0, response.exitCode());
        assertEquals("0.3.1", json(response).get("cniVersion").asText());
        assertEquals(7, json(response).get("supportedVersions").size());
    }

    @Test
    void lowercaseVersionIsAnsweredLikeVersion() throws Exception {
        WireResponse response = call(handler(), Map.of("CNI_COMMAND", "version"), config("1.0.0"));
        assertEquals(0, response.exitCode(), response.stdout());
        assertEquals(7, json(response).get("supportedVersions").size());
    }

    // --- admin requests (dhcp leases, dhcp status) ---

    private WireResponse admin(CniHandler handler, String command) {
        return handler.handle(new WireRequest(Map.of("CNI_COMMAND", command, AdminCommand.MARKER, "1"), ""), RUNTIME);
    }

    @Test
    void leasesListsEveryLeaseHeld() throws Exception {
        add("eth0");

        WireResponse response = admin(handler(), "LEASES");

        assertEquals(0, response.exitCode(), response.stdout());
        JsonNode list = json(response);
        assertEquals(1, list.size());
        JsonNode lease = list.get(0);
        assertEquals("c0ffee", lease.get("container").asText());
        assertEquals("net1", lease.get("network").asText());
        assertEquals("eth0", lease.get("ifname").asText());
        assertEquals("/var/run/netns/pod1", lease.get("netns").asText());
        assertEquals("10.1.0.10/24", lease.get("address").asText());
        assertEquals("bound", lease.get("state").asText());
        assertTrue(lease.has("server") && lease.has("expiresAt") && lease.has("remainingSeconds"), lease.toString());
    }

    @Test
    void leasesListTheRoutesThePodWasGivenAndTheSuppression() throws Exception {
        add("eth0");
        assertEquals(0, call(handler(), env("ADD", "net1"), suppressConfig("[\"gateway\"]", null)).exitCode());

        JsonNode list = json(admin(handler(), "LEASES"));
        JsonNode plain = list.get(0).get("ifname").asText().equals("eth0") ? list.get(0) : list.get(1);
        JsonNode suppressed = plain == list.get(0) ? list.get(1) : list.get(0);
        assertEquals("[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\"}]", plain.get("routes").toString());
        assertEquals("[]", plain.get("suppress").toString());
        assertEquals("[]", suppressed.get("routes").toString(), "as the ADD's result: no default route");
        assertEquals("[\"gateway\"]", suppressed.get("suppress").toString());
    }

    @Test
    void daemonStatusIsHealthyWhenTheSocketExistsAndLeasesCanBeRecorded() throws Exception {
        java.nio.file.Files.createFile(dir.resolve("dhcp.sock"));
        add("eth0");

        WireResponse response = admin(handler(), "DAEMON-STATUS");

        assertEquals(0, response.exitCode(), response.stdout());
        JsonNode status = json(response);
        assertTrue(status.get("healthy").asBoolean(), response.stdout());
        assertEquals(1, status.get("leases").get("byState").get("bound").asInt());
    }

    @Test
    void daemonStatusIsUnhealthyWhenNoLeaseCouldBeRecorded() throws Exception {
        java.nio.file.Files.createFile(dir.resolve("dhcp.sock"));
        LeaseManager unwritable = new LeaseManager(transport, scheduler, Clock.systemUTC(), Duration.ofSeconds(1),
                Duration.ofSeconds(62), new dev.cnidhcp.daemon.lease.LeaseJournal() {
                    @Override
                    public void record(Attachment a, Binding b) {
                    }

                    @Override
                    public void remove(LeaseKey key) {
                    }

                    @Override
                    public void checkWritable() throws IOException {
                        throw new IOException("No space left on device");
                    }
                });

        WireResponse response = admin(handler(unwritable, ""), "DAEMON-STATUS");

        assertEquals(0, response.exitCode(), "the request itself succeeds");
        JsonNode status = json(response);
        assertFalse(status.get("healthy").asBoolean());
        assertTrue(status.get("problems").get(0).asText().contains("No space left on device"), response.stdout());
    }

    @Test
    void adminCommandsAreSpelledExactlyElseTheyAreUnknownCniCommands() throws Exception {
        assertError(admin(handler(), "leases"), 4);
        assertError(admin(handler(), "DAEMON_STATUS"), 4);
    }

    /** What a runtime that sets CNI_COMMAND=LEASES sends: the plugin forwards CNI_* only, so no marker. */
    @Test
    void anAdminCommandWithoutTheMarkerIsAnUnknownCniCommand() throws Exception {
        for (String command : List.of("LEASES", "DAEMON-STATUS")) {
            WireResponse response = call(handler(), env(command, "eth0"), config("1.0.0"));
            assertError(response, 4);
            assertEquals("unknown CNI_COMMAND '" + command + "' (expected one of ADD, DEL, CHECK, GC, STATUS, VERSION)",
                    json(response).get("msg").asText());
        }
    }

    // --- metrics ---

    @Test
    void everyAnswerIsCountedByCommandAndCode() {
        add("eth0");
        transport.failure = new NoLeaseException("silence");
        add("eth1");
        call(handler(), env("FROB", "eth0"), config("1.0.0"));
        call(handler(), Map.of("CNI_COMMAND", "VERSION"), config("1.0.0"));
        admin(handler(), "LEASES");
        handler().handle("not json".getBytes(StandardCharsets.UTF_8), RUNTIME);

        assertEquals(Map.of(new DaemonMetrics.Request("ADD", 0), 1L, new DaemonMetrics.Request("ADD", 100), 1L,
                new DaemonMetrics.Request("other", 4), 1L, new DaemonMetrics.Request("VERSION", 0), 1L,
                new DaemonMetrics.Request("LEASES", 0), 1L, new DaemonMetrics.Request("other", 6), 1L),
                metrics.requests());
    }

    @Test
    void onlyAddsAnsweredWithALeaseAreTimed() {
        add("eth0");
        add("eth0");
        transport.failure = new NoLeaseException("silence");
        add("eth1");

        assertEquals(2, metrics.addDurations().count());
    }

    @Test
    void commandLabelsAreTheCniCommandsOrOther() {
        assertEquals("ADD", CniHandler.commandLabel("add"));
        assertEquals("STATUS", CniHandler.commandLabel("STATUS"));
        assertEquals("other", CniHandler.commandLabel("x\n\"evil\""));
        assertEquals("other", CniHandler.commandLabel(null));
    }

    // --- ipam.suppress ---

    private static String suppressConfig(String suppress, String prevResult) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"macvlan\",\"ipam\":{\"type\":\"dhcp\","
                + "\"suppress\":" + suppress + "}" + (prevResult == null ? "" : ",\"prevResult\":" + prevResult) + "}";
    }

    @Test
    void addWithSuppressedGatewayAnswersWithoutGatewayOrDefaultRouteAndTheAttachmentRemembersIt() throws Exception {
        WireResponse response = call(handler(), env("ADD", "net1"), suppressConfig("[\"gateway\"]", null));
        assertEquals(0, response.exitCode(), response.stdout());
        JsonNode result = json(response);
        assertEquals("10.1.0.10/24", result.get("ips").get(0).get("address").asText());
        assertFalse(result.get("ips").get(0).has("gateway"), result.toString());
        assertEquals(0, result.get("routes").size(), result.toString());
        assertEquals(Suppression.GATEWAY, leases.get(new LeaseKey("c0ffee", "net1", "net1")).attachment().suppress(),
                "kept with the lease: routes put back later and the record follow it");
        add("eth0");
        assertEquals(Suppression.NONE, leases.get(new LeaseKey("c0ffee", "net1", "eth0")).attachment().suppress());
    }

    @Test
    void unknownSuppressValueIsCode7NamingItAndAcquiresNothing() throws Exception {
        WireResponse response = call(handler(), env("ADD", "net1"), suppressConfig("[\"dns\"]", null));
        assertError(response, 7);
        assertTrue(json(response).get("msg").asText().contains("'dns'"), response.stdout());
        assertError(call(handler(), env("ADD", "net1"), suppressConfig("\"gateway\"", null)), 7);
        assertTrue(transport.acquired.isEmpty());
    }

    // --- clientId, releaseOnDel ---

    private static String podConfig() {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"macvlan\",\"ipam\":{\"type\":\"dhcp\","
                + "\"clientId\":\"{K8S_POD_NAMESPACE}/{K8S_POD_NAME}/{ifname}\",\"releaseOnDel\":false}}";
    }

    private static Map<String, String> podEnv(String command, String container) {
        Map<String, String> env = env(command, "eth0");
        env.put("CNI_CONTAINERID", container);
        env.put("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0");
        return env;
    }

    @Test
    void addUsesTheClientIdTemplateAndRemembersReleaseOnDel() throws Exception {
        assertEquals(0, call(handler(), podEnv("ADD", "c1"), podConfig()).exitCode());
        Attachment a = transport.acquired.get(0);
        assertArrayEquals("\0default/web-0/eth0".getBytes(java.nio.charset.StandardCharsets.UTF_8), a.clientId());
        assertFalse(a.releaseOnDel());

        assertEquals(0, call(handler(), podEnv("DEL", "c1"), podConfig()).exitCode());
        assertEquals(List.of(), transport.released, "DEL sends no release");
    }

    @Test
    void addWithATemplateKeyMissingFromCniArgsIsCode7NamingIt() throws Exception {
        Map<String, String> env = podEnv("ADD", "c1");
        env.put("CNI_ARGS", "K8S_POD_NAMESPACE=default");
        WireResponse response = call(handler(), env, podConfig());
        assertError(response, 7);
        assertTrue(json(response).get("msg").asText().contains("{K8S_POD_NAME}"), response.stdout());
        assertTrue(transport.acquired.isEmpty());
    }

    @Test
    void checkOfASuppressedAttachmentPassesWithTheResultItWasGiven() throws Exception {
        String prev = "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.1.0.10/24\"}],\"routes\":[]}";
        assertEquals(0, call(handler(), env("ADD", "net1"), suppressConfig("[\"gateway\"]", null)).exitCode());
        transport.interfaceAddress = ip("10.1.0.10");
        assertEquals(new WireResponse(0, ""), call(handler(), env("CHECK", "net1"), suppressConfig("[\"gateway\"]", prev)));
    }

    @Test
    void addWhoseClientIdAnotherLivePodHoldsIsCode11() throws Exception {
        transport.interfaceAddress = ip("10.1.0.10"); // the first pod is alive
        assertEquals(0, call(handler(), podEnv("ADD", "c1"), podConfig()).exitCode());

        WireResponse response = call(handler(), podEnv("ADD", "c2"), podConfig());

        assertError(response, 11);
        assertTrue(json(response).get("msg").asText().contains("container=c1"), response.stdout());
        assertEquals(1, transport.acquired.size());
    }

    @Test
    void dhcpv6WithAVersionBefore030IsError1NamingWhyAndTakesNoLease() throws Exception {
        for (String version : List.of("0.1.0", "0.2.0")) {
            String stdin = "{\"cniVersion\":\"" + version + "\",\"name\":\"net1\",\"type\":\"macvlan\","
                    + "\"ipam\":{\"type\":\"dhcp\",\"dhcpv6\":true}}";
            WireResponse response = call(handler(), env("ADD", "eth0"), stdin);
            assertError(response, 1);
            String msg = json(response).get("msg").asText();
            assertTrue(msg.contains("dhcpv6") && msg.contains("0.3.0") && msg.contains(version), msg);
        }
        assertTrue(transport.acquired.isEmpty());
    }
}
