package io.helmwarden.remediation;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a run keeps of its plan, so a resumed run does exactly what was previewed: typed values under the keys
 * below, stored as one {@code key=value} per line. Lists are kept in the order the plan wrote them.
 */
public final class RunParameters {

    /** Every parameter a plan may write, with how a list of it is separated. */
    public enum Key {
        MODE("mode"), SECRET("secret"), SERVICES("services", ","), KEEP_SERVICE("keep"), HISTORY_MAX("max"),
        NAMESPACES("namespaces", ","), SERVICE_ACCOUNT("serviceAccount"), PREVIOUS_SERVICE_ACCOUNT("previousServiceAccount"),
        STORAGE_RESOURCE("storage"),
        /** RoleBindings in the team's namespaces to take the Tiller's accounts out of, as {@code namespace/name}. */
        ROLE_BINDINGS("roleBindings", ";"),
        /** Subjects to take out of the Tiller namespace's RoleBindings, as {@code kind|name|namespace}. */
        SUBJECTS("subjects", ";"),
        /** Cluster-wide bindings a platform admin ticked, as {@code binding|subject}. */
        CLUSTER_BINDINGS("clusterBindings", ";"),
        TEAM("team"), GROUPS("groups", ","), PROVISIONED_HISTORY_MAX("historyMax"), IMAGE("image"), KEEP_RECORDS("keepRecords"),
        /** The Helm 2 releases a conversion covers (label values cannot hold a comma). */
        RELEASES("releases", ","),
        /** A conversion writes the newest N revisions of each release; absent or 0 for all. */
        MAX_REVISIONS("maxRevisions"),
        /** The conversion run an undo reverses. */
        CONVERSION_RUN("conversionRun");

        private final String stored;
        private final String separator;

        Key(String stored) {
            this(stored, null);
        }

        Key(String stored, String separator) {
            this.stored = stored;
            this.separator = separator;
        }

        static Optional<Key> stored(String name) {
            return Arrays.stream(values()).filter(key -> key.stored.equals(name)).findFirst();
        }
    }

    private static final RunParameters NONE = new RunParameters(new EnumMap<>(Key.class), List.of());

    private final Map<Key, String> values;
    /** Names stored that this version does not know (a newer replica wrote the run): such a run is not executed. */
    private final List<String> unknown;

    private RunParameters(Map<Key, String> values, List<String> unknown) {
        this.values = values;
        this.unknown = unknown;
    }

    public List<String> unknown() {
        return unknown;
    }

    public static RunParameters none() {
        return NONE;
    }

    public RunParameters with(Key key, String value) {
        EnumMap<Key, String> copy = new EnumMap<>(Key.class);
        copy.putAll(values);
        copy.put(key, value);
        return new RunParameters(copy, unknown);
    }

    public RunParameters with(Key key, boolean value) {
        return with(key, String.valueOf(value));
    }

    public RunParameters with(Key key, int value) {
        return with(key, String.valueOf(value));
    }

    public RunParameters with(Key key, Collection<String> list) {
        if (key.separator == null) {
            throw new IllegalArgumentException(key + " is not a list");
        }
        return with(key, String.join(key.separator, list));
    }

    public Optional<String> text(Key key) {
        return Optional.ofNullable(values.get(key));
    }

    /** A value the plan always writes: a run stored without it was not written by this version. */
    public String required(Key key) {
        return text(key).orElseThrow(() -> new StepFailed("the run has no parameter " + key.stored));
    }

    public boolean flag(Key key) {
        return Boolean.parseBoolean(values.get(key));
    }

    public int number(Key key) {
        return Integer.parseInt(required(key));
    }

    /** A list parameter's items, blanks dropped; empty when absent. */
    public List<String> list(Key key) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Stream.of(value.split(java.util.regex.Pattern.quote(key.separator))).map(String::strip)
                .filter(item -> !item.isEmpty()).toList();
    }

    /** The namespaces of the {@link Key#ROLE_BINDINGS} the run changes. */
    public List<String> roleBindingNamespaces() {
        return list(Key.ROLE_BINDINGS).stream().map(b -> b.contains("/") ? b.substring(0, b.indexOf('/')) : "").toList();
    }

    /** The values by their stored names, as the run keeps them (a copy). */
    public Map<String, String> asMap() {
        Map<String, String> byName = new java.util.LinkedHashMap<>();
        values.forEach((key, value) -> byName.put(key.stored, value));
        return byName;
    }

    /** As stored with the run: one {@code key=value} per line. */
    public String encode() {
        return values.entrySet().stream().map(e -> e.getKey().stored + "=" + e.getValue())
                .collect(Collectors.joining("\n"));
    }

    /** A stored run's parameters; names this version does not know are kept in {@link #unknown()}. */
    public static RunParameters decode(String stored) {
        EnumMap<Key, String> values = new EnumMap<>(Key.class);
        List<String> unknown = new java.util.ArrayList<>();
        if (stored != null) {
            for (String line : stored.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    String name = line.substring(0, eq);
                    Key.stored(name).ifPresentOrElse(key -> values.put(key, line.substring(eq + 1)),
                            () -> unknown.add(name));
                }
            }
        }
        return new RunParameters(values, List.copyOf(unknown));
    }

    /** For tests and stored runs written by hand: parameters by their stored names. */
    public static RunParameters of(Map<String, String> byName) {
        return decode(byName.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n")));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RunParameters that && values.equals(that.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return encode();
    }
}
