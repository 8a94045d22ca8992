package dev.cnidhcp.daemon.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SocketGroupTest {
    @TempDir
    Path host;

    private Path groupFile() throws IOException {
        Files.createDirectories(host.resolve("etc"));
        return Files.writeString(host.resolve("etc/group"), "root:x:0:\ncni:x:4242:alice,bob\nbad:x:notanumber:\n");
    }

    @Test
    void aNumberIsTheGid() throws IOException {
        assertEquals(4242, SocketGroup.resolve("4242", host.toString()));
    }

    @Test
    void aNameIsLookedUpInTheGroupFileUnderTheHostPrefix() throws IOException {
        groupFile();
        assertEquals(4242, SocketGroup.resolve("cni", host.toString()));
    }

    @Test
    void anUnknownNameIsAnErrorNamingTheFile() throws IOException {
        groupFile();
        IOException e = assertThrows(IOException.class, () -> SocketGroup.resolve("nobody-here", host.toString()));
        assertTrue(e.getMessage().contains(host.resolve("etc/group").toString()), e.getMessage());
    }

    @Test
    void aNameWithoutAGroupFileAsksForTheNumber() {
        IOException e = assertThrows(IOException.class, () -> SocketGroup.resolve("cni", host.toString()));
        assertTrue(e.getMessage().contains("number"), e.getMessage());
    }

    @Test
    void aBadGidInTheFileIsAnError() throws IOException {
        groupFile();
        assertThrows(IOException.class, () -> SocketGroup.resolve("bad", host.toString()));
    }
}
