package dev.cnidhcp.cni;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CniRequestTest {
    private static final String CONFIG = config("1.1.0");

    private static String config(String version) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"net1\",\"type\":\"macvlan\","
                + "\"ipam\":{\"type\":\"dhcp\"}}";
    }

    private static Map<String, String> env(String command) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", "c0ffee");
        env.put("CNI_NETNS", "/var/run/netns/pod1");
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", "/opt/cni/bin");
        return env;
    }

    private static Map<String, String> without(Map<String, String> env, String... names) {
        for (String name : names) {
            env.remove(name);
        }
        return env;
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        env.put(name, value);
        return env;
    }

    private static CniException rejected(Map<String, String> env, String stdin) {
        return assertThrows(CniException.class, () -> CniRequest.parse(env, stdin));
    }

    // --- a well-formed ADD ---

    @Test
    void addWithAllVariablesIsParsedIntoItsFields() throws CniException {
        CniRequest r = CniRequest.parse(env("ADD"), CONFIG);
        assertEquals(Command.ADD, r.command());
        assertEquals("c0ffee", r.containerId());
        assertEquals("/var/run/netns/pod1", r.netns());
        assertEquals("eth0", r.ifname());
        assertEquals("/opt/cni/bin", r.cniPath());
        assertEquals("1.1.0", r.cniVersion());
        assertEquals("net1", r.networkName());
        assertEquals("macvlan", r.config().get("type"));
        assertEquals(Map.of("type", "dhcp"), r.ipam());
        assertEquals(Map.of(), r.args());
    }

    @Test
    void commandIsReadCaseInsensitively() throws CniException {
        assertEquals(Command.ADD, CniRequest.parse(env("add"), CONFIG).command());
    }

    @Test
    void versionCommandIsNotParsedAsARequest() {
        assertThrows(IllegalArgumentException.class, () -> CniRequest.parse(env("VERSION"), CONFIG));
    }

    // --- required environment, per command ---

    @Test
    void addWithoutContainerIdIsCode4NamingTheVariable() {
        CniException e = rejected(without(env("ADD"), "CNI_CONTAINERID"), CONFIG);
        assertEquals(ErrorCode.INVALID_ENVIRONMENT, e.code());
        assertTrue(e.getMessage().contains("CNI_CONTAINERID"), e.getMessage());
    }

    @Test
    void addWithoutNetnsIsCode4NamingTheVariable() {
        CniException e = rejected(without(env("ADD"), "CNI_NETNS"), CONFIG);
        assertEquals(4, e.code());
        assertTrue(e.getMessage().contains("CNI_NETNS"), e.getMessage());
    }

    @Test
    void addWithoutIfnameIsCode4NamingTheVariable() {
        CniException e = rejected(without(env("ADD"), "CNI_IFNAME"), CONFIG);
        assertEquals(4, e.code());
        assertTrue(e.getMessage().contains("CNI_IFNAME"), e.getMessage());
    }

    @Test
    void addMissingSeveralVariablesNamesAllOfThem() {
        CniException e = rejected(without(env("ADD"), "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME"), CONFIG);
        assertEquals(4, e.code());
        assertEquals("required environment variables missing: CNI_CONTAINERID, CNI_IFNAME, CNI_NETNS",
                e.getMessage());
    }

    @Test
    void emptyVariableCountsAsMissing() {
        CniException e = rejected(with(env("ADD"), "CNI_IFNAME", ""), CONFIG);
        assertEquals(4, e.code());
        assertTrue(e.getMessage().contains("CNI_IFNAME"), e.getMessage());
    }

    @Test
    void addDoesNotRequireCniPathOrCniArgs() throws CniException {
        CniRequest r = CniRequest.parse(without(env("ADD"), "CNI_PATH", "CNI_ARGS"), CONFIG);
        assertEquals("", r.cniPath());
    }

    @Test
    void delWithoutNetnsIsAccepted() throws CniException {
        CniRequest r = CniRequest.parse(without(env("DEL"), "CNI_NETNS"), CONFIG);
        assertEquals(Command.DEL, r.command());
        assertEquals("", r.netns());
        assertEquals("c0ffee", r.containerId());
        assertEquals("eth0", r.ifname());
    }

    @Test
    void delWithoutContainerIdAndIfnameIsCode4NamingBoth() {
        CniException e = rejected(without(env("DEL"), "CNI_CONTAINERID", "CNI_IFNAME", "CNI_NETNS"), CONFIG);
        assertEquals(4, e.code());
        assertTrue(e.getMessage().contains("CNI_CONTAINERID"), e.getMessage());
        assertTrue(e.getMessage().contains("CNI_IFNAME"), e.getMessage());
        assertTrue(!e.getMessage().contains("CNI_NETNS"), e.getMessage());
    }

    @Test
    void checkRequiresContainerIdNetnsAndIfname() {
        CniException e = rejected(without(env("CHECK"), "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME"), CONFIG);
        assertEquals(4, e.code());
        assertTrue(e.getMessage().contains("CNI_CONTAINERID"), e.getMessage());
        assertTrue(e.getMessage().contains("CNI_NETNS"), e.getMessage());
        assertTrue(e.getMessage().contains("CNI_IFNAME"), e.getMessage());
    }

    @Test
    void gcWithoutCniPathIsCode4NamingIt() {
        CniException e = rejected(without(env("GC"), "CNI_PATH"), CONFIG);
        assertEquals(4, e.code());
        assertTrue(e.getMessage().contains("CNI_PATH"), e.getMessage());
    }

    @Test
    void gcNeedsNeitherContainerIdNorIfnameNorNetns() throws CniException {
        Map<String, String> env = Map.of("CNI_COMMAND", "GC", "CNI_PATH", "/opt/cni/bin");
        CniRequest r = CniRequest.parse(env, CONFIG);
        assertEquals(Command.GC, r.command());
        assertEquals("", r.containerId());
        assertEquals("", r.ifname());
    }

    @Test
    void statusNeedsOnlyTheCommand() throws CniException {
        CniRequest r = CniRequest.parse(Map.of("CNI_COMMAND", "STATUS"), CONFIG);
        assertEquals(Command.STATUS, r.command());
    }

    @Test
    void missingCommandIsCode4() {
        CniException e = rejected(without(env("ADD"), "CNI_COMMAND"), CONFIG);
        assertEquals(4, e.code());
        assertTrue(e.getMessage().contains("CNI_COMMAND"), e.getMessage());
    }

    // --- the configuration on stdin ---

    @Test
    void stdinThatIsNotJsonIsCode6() {
        CniException e = rejected(env("ADD"), "{\"cniVersion\":");
        assertEquals(ErrorCode.DECODING_FAILURE, e.code());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
    }

    @Test
    void emptyStdinIsCode6() {
        assertEquals(6, rejected(env("ADD"), "").code());
        assertEquals(6, rejected(env("ADD"), "  \n").code());
        assertEquals(6, rejected(env("ADD"), null).code());
    }

    @Test
    void stdinThatIsJsonButNotAnObjectIsCode6() {
        assertEquals(6, rejected(env("ADD"), "[1,2]").code());
        assertEquals(6, rejected(env("ADD"), "\"text\"").code());
    }

    @Test
    void unsupportedCniVersionIsCode1ListingTheSupportedOnes() {
        CniException e = rejected(env("ADD"), config("0.9.0"));
        assertEquals(ErrorCode.INCOMPATIBLE_VERSION, e.code());
        assertTrue(e.getMessage().contains("0.9.0"), e.getMessage());
        assertTrue(e.getMessage().contains("1.1.0"), e.getMessage());
    }

    @Test
    void cniVersionThatIsNotAStringIsCode1() {
        assertEquals(1, rejected(env("ADD"), "{\"cniVersion\":1,\"name\":\"n\",\"ipam\":{}}").code());
    }

    @Test
    void missingCniVersionImpliesZeroOneZero() throws CniException {
        CniRequest r = CniRequest.parse(env("ADD"), "{\"name\":\"net1\",\"ipam\":{\"type\":\"dhcp\"}}");
        assertEquals("0.1.0", r.cniVersion());
    }

    @Test
    void everySupportedVersionIsAcceptedForAdd() throws CniException {
        for (String v : CniVersion.SUPPORTED) {
            assertEquals(v, CniRequest.parse(env("ADD"), config(v)).cniVersion());
        }
    }

    @Test
    void checkBelowZeroFourZeroIsCode1() {
        for (String v : List.of("0.1.0", "0.2.0", "0.3.0", "0.3.1")) {
            CniException e = rejected(env("CHECK"), config(v));
            assertEquals(1, e.code(), v);
            assertTrue(e.getMessage().contains("0.4.0"), e.getMessage());
        }
    }

    @Test
    void checkWithoutCniVersionIsCode1BecauseZeroOneZeroIsImplied() {
        assertEquals(1, rejected(env("CHECK"), "{\"name\":\"net1\",\"ipam\":{}}").code());
    }

    @Test
    void checkFromZeroFourZeroIsAccepted() throws CniException {
        assertEquals(Command.CHECK, CniRequest.parse(env("CHECK"), config("0.4.0")).command());
        assertEquals(Command.CHECK, CniRequest.parse(env("CHECK"), config("1.0.0")).command());
    }

    @Test
    void gcAndStatusBelowOneOneZeroAreCode1() {
        for (String v : List.of("0.4.0", "1.0.0")) {
            assertEquals(1, rejected(env("GC"), config(v)).code(), "GC " + v);
            assertEquals(1, rejected(env("STATUS"), config(v)).code(), "STATUS " + v);
        }
    }

    @Test
    void versionIsCheckedBeforeTheEnvironment() {
        CniException e = rejected(Map.of("CNI_COMMAND", "CHECK"), config("0.3.1"));
        assertEquals(1, e.code());
    }

    // --- container id and interface name ---

    @Test
    void containerIdStartingWithDashIsCode4() {
        CniException e = rejected(with(env("ADD"), "CNI_CONTAINERID", "-abc"), CONFIG);
        assertEquals(4, e.code());
        assertTrue(e.getMessage().contains("'-abc'"), e.getMessage());
    }

    @Test
    void containerIdWithSlashIsCode4() {
        assertEquals(4, rejected(with(env("ADD"), "CNI_CONTAINERID", "a/b"), CONFIG).code());
        assertEquals(4, rejected(with(env("ADD"), "CNI_CONTAINERID", "../etc"), CONFIG).code());
        assertEquals(4, rejected(with(env("DEL"), "CNI_CONTAINERID", "a b"), CONFIG).code());
    }

    @Test
    void containerIdWithLettersDigitsUnderscoreDotDashIsAccepted() throws CniException {
        String id = "Abc_1.2-3";
        assertEquals(id, CniRequest.parse(with(env("ADD"), "CNI_CONTAINERID", id), CONFIG).containerId());
    }

    @Test
    void ifnameOfFifteenCharactersIsAccepted() throws CniException {
        assertEquals("abcdefghijklmno",
                CniRequest.parse(with(env("ADD"), "CNI_IFNAME", "abcdefghijklmno"), CONFIG).ifname());
    }

    @Test
    void ifnameLongerThanFifteenIsCode4() {
        CniException e = rejected(with(env("ADD"), "CNI_IFNAME", "abcdefghijklmnop"), CONFIG);
        assertEquals(4, e.code());
        assertTrue(e.getMessage().contains("longer than 15"), e.getMessage());
    }

    @Test
    void ifnameDotAndDotDotAreCode4() {
        assertEquals(4, rejected(with(env("ADD"), "CNI_IFNAME", "."), CONFIG).code());
        assertEquals(4, rejected(with(env("ADD"), "CNI_IFNAME", ".."), CONFIG).code());
    }

    @Test
    void ifnameWithSlashColonOrSpaceIsCode4() {
        for (String name : List.of("eth/0", "eth:0", "eth 0", "eth\t0")) {
            CniException e = rejected(with(env("ADD"), "CNI_IFNAME", name), CONFIG);
            assertEquals(4, e.code(), name);
            assertTrue(e.getMessage().contains("CNI_IFNAME"), e.getMessage());
        }
    }

    @Test
    void ifnameIsAlsoCheckedOnDel() {
        assertEquals(4, rejected(with(env("DEL"), "CNI_IFNAME", "a/b"), CONFIG).code());
    }

    // --- network name and ipam ---

    @Test
    void missingNetworkNameIsCode7() {
        CniException e = rejected(env("ADD"), "{\"cniVersion\":\"1.0.0\",\"ipam\":{}}");
        assertEquals(ErrorCode.INVALID_NETWORK_CONFIG, e.code());
        assertTrue(e.getMessage().contains("name"), e.getMessage());
    }

    @Test
    void emptyOrNonStringNetworkNameIsCode7() {
        assertEquals(7, rejected(env("ADD"), "{\"cniVersion\":\"1.0.0\",\"name\":\"\",\"ipam\":{}}").code());
        assertEquals(7, rejected(env("ADD"), "{\"cniVersion\":\"1.0.0\",\"name\":5,\"ipam\":{}}").code());
    }

    @Test
    void invalidNetworkNameIsCode7NamingIt() {
        CniException e = rejected(env("ADD"), "{\"cniVersion\":\"1.0.0\",\"name\":\"my/net\",\"ipam\":{}}");
        assertEquals(7, e.code());
        assertTrue(e.getMessage().contains("'my/net'"), e.getMessage());
    }

    @Test
    void missingIpamObjectIsCode7() {
        CniException e = rejected(env("ADD"), "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}");
        assertEquals(7, e.code());
        assertTrue(e.getMessage().contains("ipam"), e.getMessage());
        assertEquals(7, rejected(env("ADD"), "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":\"dhcp\"}").code());
    }

    @Test
    void nonStringDaemonSocketPathIsCode7() {
        CniException e = rejected(env("ADD"),
                "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":{\"daemonSocketPath\":5}}");
        assertEquals(7, e.code());
        assertTrue(e.getMessage().contains("daemonSocketPath"), e.getMessage());
    }

    // --- CNI_ARGS ---

    @Test
    void kubernetesCniArgsAreAcceptedWholeAndKeptInOrder() throws CniException {
        CniRequest r = CniRequest.parse(with(env("ADD"), "CNI_ARGS",
                "IgnoreUnknown=1;K8S_POD_NAMESPACE=ns;K8S_POD_NAME=p;K8S_POD_INFRA_CONTAINER_ID=abc;K8S_POD_UID=u"),
                CONFIG);
        assertEquals(List.of("IgnoreUnknown", "K8S_POD_NAMESPACE", "K8S_POD_NAME", "K8S_POD_INFRA_CONTAINER_ID",
                "K8S_POD_UID"), new ArrayList<>(r.args().keySet()));
        assertEquals(List.of("1", "ns", "p", "abc", "u"), new ArrayList<>(r.args().values()));
    }

    @Test
    void cniArgsValueMayContainEqualsSign() throws CniException {
        CniRequest r = CniRequest.parse(with(env("ADD"), "CNI_ARGS", "A=b=c;D="), CONFIG);
        assertEquals("b=c", r.args().get("A"));
        assertEquals("", r.args().get("D"));
    }

    @Test
    void emptyCniArgsItemsAreSkipped() throws CniException {
        CniRequest r = CniRequest.parse(with(env("ADD"), "CNI_ARGS", ";A=1;;"), CONFIG);
        assertEquals(Map.of("A", "1"), r.args());
    }

    @Test
    void cniArgsItemWithoutEqualsIsCode4NamingTheItem() {
        CniException e = rejected(with(env("ADD"), "CNI_ARGS", "A=1;bogus;B=2"), CONFIG);
        assertEquals(4, e.code());
        assertTrue(e.getMessage().contains("'bogus'"), e.getMessage());
    }

    @Test
    void cniArgsItemWithEmptyKeyIsCode4() {
        assertEquals(4, rejected(with(env("ADD"), "CNI_ARGS", "=v"), CONFIG).code());
    }

    @Test
    void argsMapIsUnmodifiable() throws CniException {
        CniRequest r = CniRequest.parse(with(env("ADD"), "CNI_ARGS", "A=1"), CONFIG);
        assertThrows(UnsupportedOperationException.class, () -> r.args().put("B", "2"));
    }

    // --- socket path ---

    @Test
    void socketPathDefaultsToReferenceDaemonSocket() throws CniException {
        assertEquals("/run/cni/dhcp.sock", CniRequest.parse(env("ADD"), CONFIG).socketPath());
        assertEquals(CniRequest.DEFAULT_SOCKET_PATH, CniRequest.socketPathOf(Map.of()));
    }

    @Test
    void socketPathComesFromIpamDaemonSocketPath() throws CniException {
        CniRequest r = CniRequest.parse(env("ADD"), "{\"cniVersion\":\"1.0.0\",\"name\":\"n\","
                + "\"ipam\":{\"type\":\"dhcp\",\"daemonSocketPath\":\"/tmp/x/d.sock\"}}");
        assertEquals("/tmp/x/d.sock", r.socketPath());
    }

    @Test
    void emptyDaemonSocketPathMeansTheDefault() {
        assertEquals("/run/cni/dhcp.sock", CniRequest.socketPathOf(Map.of("daemonSocketPath", "")));
    }

    // --- versionOf ---

    @Test
    void versionOfEchoesASupportedConfigVersion() {
        assertEquals("0.4.0", CniRequest.versionOf(config("0.4.0")));
        assertEquals("0.1.0", CniRequest.versionOf(config("0.1.0")));
    }

    @Test
    void versionOfFallsBackToLatestWhenUnreadableOrUnsupported() {
        assertEquals(CniVersion.LATEST, CniRequest.versionOf(null));
        assertEquals(CniVersion.LATEST, CniRequest.versionOf(""));
        assertEquals(CniVersion.LATEST, CniRequest.versionOf(" \n"));
        assertEquals(CniVersion.LATEST, CniRequest.versionOf("{not json"));
        assertEquals(CniVersion.LATEST, CniRequest.versionOf("[\"1.0.0\"]"));
        assertEquals(CniVersion.LATEST, CniRequest.versionOf(config("0.9.0")));
        assertEquals(CniVersion.LATEST, CniRequest.versionOf("{\"cniVersion\":100}"));
    }

    @Test
    void versionOfAConfigWithoutCniVersionIsTheImpliedOneParseUses() {
        assertEquals("0.1.0", CniRequest.versionOf("{\"name\":\"n\"}"));
    }

    @Test
    void identifiersFollowTheSpecGrammar() {
        java.util.regex.Pattern spec = java.util.regex.Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");
        for (String id : List.of("", "a", "Z9", "0", "_a", ".a", "-a", "a_b.c-d", "a b", "a/b", "a:b", "é", "a\u0000",
                "abc-", "A.B_C", "a+", "ab*")) {
            assertEquals(spec.matcher(id).matches(), CniRequest.isIdentifier(id), "'" + id + "'");
        }
    }
}
