package dev.cnidhcp.testlab;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One lab for all tests of a class: started before the first test, torn down after the last, also
 * when tests fail. Register it as {@code @RegisterExtension static final SharedLab LAB = new SharedLab();}.
 */
final class SharedLab implements BeforeAllCallback, AfterAllCallback {
    private final String[] flags;
    private volatile Lab lab;

    /** @param flags as {@code lab.sh up} takes them (--broadcast, --ping) */
    SharedLab(String... flags) {
        this.flags = flags.clone();
    }

    Lab get() {
        if (lab == null) {
            throw new IllegalStateException("the lab is not up (register SharedLab as a static extension)");
        }
        return lab;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        lab = Lab.up(flags);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (lab != null) {
            lab.close();
        }
    }
}
