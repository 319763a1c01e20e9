package io.helmwarden.inventory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The flags a Tiller container starts with, read as Go's flag package reads them: from {@code command}
 * (after the program) AND {@code args}, spelled {@code -f}, {@code --f}, {@code -f=v}, {@code --f=v} or
 * {@code -f v}; the last occurrence wins; parsing stops at {@code --} or the first non-flag argument.
 * A {@code sh -c "... /tiller --flag"} wrapper is looked into as well.
 */
public record TillerFlags(Map<String, String> values) {

    /** Tiller's boolean flags: they never consume the next argument. */
    private static final List<String> BOOLEAN_FLAGS = List.of("tls", "tls-verify", "trace", "experimental-release");

    public static TillerFlags parse(List<String> command, List<String> args) {
        List<String> argv = new ArrayList<>();
        List<String> cmd = command == null ? List.of() : command;
        if (!cmd.isEmpty()) {
            if (isShell(cmd.get(0)) && cmd.contains("-c") && cmd.indexOf("-c") + 1 < cmd.size()) {
                argv.addAll(afterTillerBinary(List.of(cmd.get(cmd.indexOf("-c") + 1).trim().split("\\s+"))));
            } else {
                argv.addAll(cmd.subList(1, cmd.size()));
            }
        }
        if (args != null) {
            argv.addAll(args);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (arg.equals("--") || !arg.startsWith("-") || arg.equals("-")) {
                break;
            }
            String flag = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
            int equals = flag.indexOf('=');
            if (equals >= 0) {
                values.put(flag.substring(0, equals), flag.substring(equals + 1));
            } else if (BOOLEAN_FLAGS.contains(flag)) {
                values.put(flag, "true");
            } else if (i + 1 < argv.size()) {
                values.put(flag, argv.get(++i));
            } else {
                values.put(flag, "");
            }
        }
        return new TillerFlags(Collections.unmodifiableMap(values));
    }

    private static boolean isShell(String program) {
        return program.endsWith("/sh") || program.equals("sh") || program.endsWith("/bash") || program.equals("bash");
    }

    private static List<String> afterTillerBinary(List<String> words) {
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).endsWith("tiller")) {
                return words.subList(i + 1, words.size());
            }
        }
        return List.of();
    }

    public Optional<String> value(String flag) {
        return Optional.ofNullable(values.get(flag));
    }

    /** A boolean flag as Go parses it: present alone means true; =false/=0 means false. */
    public Optional<Boolean> bool(String flag) {
        return value(flag).map(value -> switch (value.toLowerCase()) {
            case "", "1", "t", "true" -> true;
            default -> false;
        });
    }

    /** The flag as written, for evidence: {@code --storage=secret}. */
    public String describe(String flag) {
        return value(flag).map(value -> "--" + flag + "=" + value).orElse("--" + flag + " (not set)");
    }
}
