package dev.cnidhcp.daemon.doctor;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigCheckTest {
    private static final String CONFLIST = "{\"cniVersion\":\"1.0.0\",\"name\":\"lan\",\"plugins\":["
            + "{\"type\":\"macvlan\",\"master\":\"eth0\",\"ipam\":{\"type\":\"dhcp\",\"exclude\":[\"10.96.0.0/12\"]}},"
            + "{\"type\":\"portmap\"}]}";

    @TempDir
    Path tmp;
    Path conf;
    Path bin;

    @BeforeEach
    void dirs() throws IOException {
        conf = Files.createDirectory(tmp.resolve("net.d"));
        bin = Files.createDirectory(tmp.resolve("bin"));
        executable("macvlan");
        executable("dhcp");
    }

    private void executable(String name) throws IOException {
        Path p = Files.writeString(bin.resolve(name), "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private ConfigCheck.Result run() {
        return new ConfigCheck(conf, bin).run();
    }

    private static Set<String> failed(ConfigCheck.Result r) {
        return r.findings().stream().filter(f -> f.verdict() == Verdict.FAIL).map(Finding::check).collect(Collectors.toSet());
    }

    @Test
    void aValidConflistWithItsBinariesPassesEveryCheckAndYieldsItsExcludes() throws IOException {
        Files.writeString(conf.resolve("10-lan.conflist"), CONFLIST);
        ConfigCheck.Result r = run();
        assertTrue(r.findings().stream().allMatch(f -> f.verdict() == Verdict.PASS), r.findings().toString());
        assertEquals(List.of(Checks.CONFIG_FILES, Checks.CONFIG_PARSE, Checks.CONFIG_IPAM, Checks.CONFIG_BINARIES),
                r.findings().stream().map(Finding::check).toList());
        assertEquals(List.of("10.96.0.0/12"), r.excludes().get("lan"));
    }

    @Test
    void aMissingMainPluginBinaryFailsOnlyTheBinariesCheckAndNamesIt() throws IOException {
        Files.writeString(conf.resolve("10-lan.conflist"), CONFLIST);
        Files.delete(bin.resolve("macvlan"));
        ConfigCheck.Result r = run();
        assertEquals(Set.of(Checks.CONFIG_BINARIES), failed(r));
        Finding f = r.findings().stream().filter(x -> x.verdict() == Verdict.FAIL).findFirst().orElseThrow();
        assertTrue(f.saw().contains("macvlan") && !f.saw().contains("dhcp"), f.saw());
    }

    @Test
    void aDhcpBinaryThatIsNotExecutableFails() throws IOException {
        Files.writeString(conf.resolve("10-lan.conflist"), CONFLIST);
        Files.setPosixFilePermissions(bin.resolve("dhcp"), PosixFilePermissions.fromString("rw-r--r--"));
        ConfigCheck.Result r = run();
        assertEquals(Set.of(Checks.CONFIG_BINARIES), failed(r));
        assertTrue(r.findings().stream().anyMatch(f -> f.verdict() == Verdict.FAIL && f.saw().endsWith(": dhcp")));
    }

    @Test
    void aFileThatIsNotJsonFailsOnlyTheParseCheckAndNamesTheFile() throws IOException {
        Path file = Files.writeString(conf.resolve("10-lan.conflist"), "{\"cniVersion\":\"1.0.0\",");
        ConfigCheck.Result r = run();
        assertEquals(Set.of(Checks.CONFIG_PARSE), failed(r));
        assertTrue(r.findings().stream().anyMatch(f -> f.verdict() == Verdict.FAIL && f.subject().equals(file.toString())));
    }

    @Test
    void anIpamTheDaemonRefusesFailsTheIpamCheckWithTheDaemonsMessage() throws IOException {
        Files.writeString(conf.resolve("10-lan.conf"), "{\"cniVersion\":\"1.0.0\",\"name\":\"lan\",\"type\":\"bridge\","
                + "\"ipam\":{\"type\":\"dhcp\",\"request\":[{\"skipDefault\":false,\"option\":\"no-such-option\"}]}}");
        executable("bridge");
        ConfigCheck.Result r = run();
        assertEquals(Set.of(Checks.CONFIG_IPAM), failed(r));
        Finding f = r.findings().stream().filter(x -> x.verdict() == Verdict.FAIL).findFirst().orElseThrow();
        assertTrue(f.saw().contains("ipam.request") && f.saw().contains("no-such-option"), f.saw());
    }

    @Test
    void aConfigWithoutNameFailsTheParseCheck() throws IOException {
        Files.writeString(conf.resolve("10-lan.conf"), "{\"cniVersion\":\"1.0.0\",\"type\":\"macvlan\",\"ipam\":{\"type\":\"dhcp\"}}");
        assertEquals(Set.of(Checks.CONFIG_PARSE), failed(run()));
    }

    @Test
    void anEmptyDirectoryFailsTheFilesCheck() {
        ConfigCheck.Result r = run();
        assertEquals(Set.of(Checks.CONFIG_FILES), failed(r));
    }

    @Test
    void configsThatDoNotUseDhcpAreAWarningNotAFailure() throws IOException {
        Files.writeString(conf.resolve("10-lan.conf"), "{\"cniVersion\":\"1.0.0\",\"name\":\"lan\",\"type\":\"bridge\","
                + "\"ipam\":{\"type\":\"host-local\"}}");
        Files.writeString(conf.resolve("README"), "not a config");
        ConfigCheck.Result r = run();
        assertEquals(Set.of(), failed(r));
        assertEquals(Verdict.WARN, r.findings().get(0).verdict());
        assertTrue(r.findings().get(0).saw().startsWith("1 config file(s)"), r.findings().get(0).saw());
    }
}
