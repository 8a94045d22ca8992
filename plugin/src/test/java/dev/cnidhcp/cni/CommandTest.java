package dev.cnidhcp.cni;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandTest {

    @Test
    void parsesEveryCommandInUpperCase() throws CniException {
        for (Command c : Command.values()) {
            assertEquals(c, Command.parse(c.name()));
        }
    }

    @Test
    void lowercaseAndMixedCaseAreAccepted() throws CniException {
        assertEquals(Command.ADD, Command.parse("add"));
        assertEquals(Command.DEL, Command.parse("Del"));
        assertEquals(Command.STATUS, Command.parse("status"));
    }

    @Test
    void unknownCommandIsCode4NamingTheValue() {
        CniException e = assertThrows(CniException.class, () -> Command.parse("FROB"));
        assertEquals(ErrorCode.INVALID_ENVIRONMENT, e.code());
        assertTrue(e.getMessage().contains("'FROB'"), e.getMessage());
    }

    @Test
    void missingOrEmptyCommandIsCode4NamingTheVariable() {
        for (String value : new String[] {null, ""}) {
            CniException e = assertThrows(CniException.class, () -> Command.parse(value));
            assertEquals(4, e.code());
            assertTrue(e.getMessage().contains("CNI_COMMAND"), e.getMessage());
        }
    }

    @Test
    void minimumVersionsFollowTheSpecification() {
        assertEquals("0.1.0", Command.ADD.minimumVersion());
        assertEquals("0.1.0", Command.DEL.minimumVersion());
        assertEquals("0.4.0", Command.CHECK.minimumVersion());
        assertEquals("1.1.0", Command.GC.minimumVersion());
        assertEquals("1.1.0", Command.STATUS.minimumVersion());
    }

    @Test
    void onlyAddAndCheckNeedNetns() {
        assertTrue(Command.ADD.needsNetns());
        assertTrue(Command.CHECK.needsNetns());
        assertFalse(Command.DEL.needsNetns());
        assertFalse(Command.GC.needsNetns());
        assertFalse(Command.STATUS.needsNetns());
        assertFalse(Command.VERSION.needsNetns());
    }

    @Test
    void addDelAndCheckNeedContainerIdAndIfname() {
        assertTrue(Command.ADD.needsAttachment());
        assertTrue(Command.DEL.needsAttachment());
        assertTrue(Command.CHECK.needsAttachment());
        assertFalse(Command.GC.needsAttachment());
        assertFalse(Command.STATUS.needsAttachment());
        assertFalse(Command.VERSION.needsAttachment());
    }
}
