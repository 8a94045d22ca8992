package dev.cnidhcp.plugin;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The flags of an admin command line, written as the reference plugin's Go flags are: {@code -name
 * value}, {@code -name=value}, with one or two dashes; a switch ({@code --json}) takes no value or
 * {@code =true}. Errors are IllegalArgumentExceptions with Go's wording ("flag provided but not
 * defined: -x", "flag needs an argument: -x").
 *
 * @param switches the switches given
 * @param values   the value of each valued flag given (the last one wins), never empty
 */
public record CommandFlags(Set<String> switches, Map<String, String> values) {
    public CommandFlags {
        switches = Set.copyOf(switches);
        values = Map.copyOf(values);
    }

    /**
     * Parses {@code args[from..]} against the switches and valued flags the command knows.
     *
     * @throws IllegalArgumentException naming the argument that does not fit
     */
    public static CommandFlags parse(String[] args, int from, Set<String> knownSwitches, Set<String> knownValued) {
        Set<String> switches = new HashSet<>();
        Map<String, String> values = new HashMap<>();
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            String name = arg.startsWith("--") ? arg.substring(2) : arg.startsWith("-") ? arg.substring(1) : null;
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (knownSwitches.contains(name)) {
                if (value != null && !value.equals("true")) {
                    throw new IllegalArgumentException("-" + name + " takes no value");
                }
                switches.add(name);
                continue;
            }
            if (!knownValued.contains(name)) {
                throw new IllegalArgumentException("flag provided but not defined: -" + name);
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("flag needs an argument: -" + name);
                }
                value = args[++i];
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException("-" + name + ": empty value");
            }
            values.put(name, value);
        }
        return new CommandFlags(switches, values);
    }

    /** The value of {@code name}, or {@code fallback} when it was not given. */
    public String value(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }
}
