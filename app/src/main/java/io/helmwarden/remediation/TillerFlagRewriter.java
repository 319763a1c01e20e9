package io.helmwarden.remediation;

import io.fabric8.kubernetes.api.model.Container;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites one flag of a Tiller container and nothing else: the flag is changed where it is (command or
 * args, whatever its spelling), or added to args when absent. Every other flag and argument is kept as it
 * was — unlike tools that overwrite the whole command and drop flags such as {@code --listen}.
 */
public final class TillerFlagRewriter {

    /** The container's command and args after the rewrite. */
    public record Rewritten(List<String> command, List<String> args) {
    }

    private TillerFlagRewriter() {
    }

    /** Sets a flag on the container itself, keeping the shapes command and args had (absent stays absent). */
    public static void set(Container container, String name, String value) {
        apply(container, set(container.getCommand(), container.getArgs(), name, value));
    }

    /** Sets a boolean flag to true on the container, only where it is written already. */
    public static void setBooleanIfWritten(Container container, String name) {
        if (written(container, name)) {
            apply(container, setBoolean(container.getCommand(), container.getArgs(), name, true));
        }
    }

    public static boolean written(Container container, String name) {
        return written(container.getCommand(), container.getArgs(), name);
    }

    private static void apply(Container container, Rewritten flags) {
        if (container.getCommand() != null && !container.getCommand().isEmpty() || flags.command() != null) {
            container.setCommand(flags.command());
        }
        if (container.getArgs() != null || !flags.args().isEmpty()) {
            container.setArgs(flags.args());
        }
    }

    /** Sets a flag that takes a value, e.g. {@code storage} to {@code secret}. */
    public static Rewritten set(List<String> command, List<String> args, String name, String value) {
        return rewrite(command, args, name, value, false);
    }

    /**
     * Sets a boolean flag, always written {@code --name=value}: Go reads {@code --tls false} as {@code --tls}
     * followed by an argument, so a separate value word is never used.
     */
    public static Rewritten setBoolean(List<String> command, List<String> args, String name, boolean value) {
        return rewrite(command, args, name, String.valueOf(value), true);
    }

    /** Whether the flag is written in command (after the program) or args, in any spelling. */
    public static boolean written(List<String> command, List<String> args, String name) {
        return java.util.stream.Stream.concat(command == null ? java.util.stream.Stream.<String>empty()
                        : command.stream().skip(1), args == null ? java.util.stream.Stream.<String>empty() : args.stream())
                .map(word -> word.replaceFirst("^--?", ""))
                .anyMatch(flag -> flag.equals(name) || flag.startsWith(name + "="));
    }

    private static Rewritten rewrite(List<String> command, List<String> args, String name, String value,
            boolean bool) {
        List<String> newCommand = command == null ? null : new ArrayList<>(command);
        List<String> newArgs = args == null ? new ArrayList<>() : new ArrayList<>(args);
        // The last occurrence wins in Go, so rewrite every occurrence.
        boolean found = rewrite(newCommand, 1, name, value, bool) | rewrite(newArgs, 0, name, value, bool);
        if (!found) {
            newArgs.add("--" + name + "=" + value);
        }
        return new Rewritten(newCommand == null || newCommand.isEmpty() ? null : newCommand, newArgs);
    }

    private static boolean rewrite(List<String> words, int from, String name, String value, boolean bool) {
        if (words == null) {
            return false;
        }
        boolean found = false;
        for (int i = from; i < words.size(); i++) {
            String word = words.get(i);
            String dashes = word.startsWith("--") ? "--" : word.startsWith("-") ? "-" : null;
            if (dashes == null) {
                continue;
            }
            String flag = word.substring(dashes.length());
            if (flag.startsWith(name + "=") || bool && flag.equals(name)) {
                words.set(i, dashes + name + "=" + value);
                found = true;
            } else if (flag.equals(name) && i + 1 < words.size()) {
                words.set(i + 1, value);
                found = true;
            }
        }
        return found;
    }
}
