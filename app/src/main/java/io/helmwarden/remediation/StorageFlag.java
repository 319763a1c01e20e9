package io.helmwarden.remediation;

import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a Tiller container's {@code --storage} flag and nothing else: the flag is changed where it is
 * (command or args, whatever its spelling), or added to args when absent. Every other flag and argument is
 * kept as it was — unlike tools that overwrite the whole command and drop flags such as {@code --listen}.
 */
public final class StorageFlag {

    /** The container's command and args after the rewrite. */
    public record Rewritten(List<String> command, List<String> args) {
    }

    private StorageFlag() {
    }

    public static Rewritten set(List<String> command, List<String> args, String backend) {
        List<String> newCommand = command == null ? null : new ArrayList<>(command);
        List<String> newArgs = args == null ? new ArrayList<>() : new ArrayList<>(args);
        // The last occurrence wins in Go, so rewrite every occurrence.
        boolean found = rewrite(newCommand, 1, backend) | rewrite(newArgs, 0, backend);
        if (!found) {
            newArgs.add("--storage=" + backend);
        }
        return new Rewritten(newCommand == null || newCommand.isEmpty() ? null : newCommand, newArgs);
    }

    private static boolean rewrite(List<String> words, int from, String backend) {
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
            if (flag.startsWith("storage=")) {
                words.set(i, dashes + "storage=" + backend);
                found = true;
            } else if (flag.equals("storage") && i + 1 < words.size()) {
                words.set(i + 1, backend);
                found = true;
            }
        }
        return found;
    }
}
