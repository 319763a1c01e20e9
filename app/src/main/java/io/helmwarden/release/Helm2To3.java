package io.helmwarden.release;

import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import io.helmwarden.release.hapi.chart.Chart;
import io.helmwarden.release.hapi.chart.Metadata;
import io.helmwarden.release.hapi.release.Hook;
import io.helmwarden.release.hapi.release.Release;
import io.helmwarden.release.hapi.release.Status;
import io.helmwarden.release.hapi.release.TestRun;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One Helm 2 release revision as the Helm 3 release JSON for the same revision, field by field as helm-2to3
 * maps it (see {@code shared/design/helm3-conversion-facts.md} §2.2), keys in the order Go's encoder writes
 * them, with two deliberate improvements native Helm 3 makes when it loads such a chart: an empty chart
 * {@code apiVersion} becomes {@code v1}, and {@code requirements.yaml}/{@code requirements.lock} fill
 * {@code metadata.dependencies} and {@code lock}. What Helm 3 has no field for is listed, never silently lost.
 */
public final class Helm2To3 {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final java.time.format.DateTimeFormatter SECONDS =
            java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    /**
     * @param release    the Helm 3 release JSON
     * @param status     its status, as the record's {@code status} label says it
     * @param notCarried what the Helm 2 revision held that Helm 3 cannot keep, in words (each kind once)
     */
    public record Converted(ObjectNode release, String status, List<String> notCarried) {
    }

    private Helm2To3() {
    }

    /**
     * @throws IllegalArgumentException when the revision cannot be converted (no chart or info, a status or a time
     *                                  Helm 3 cannot hold, values that are not YAML); the message says why
     */
    public static Converted convert(Release v2) {
        if (!v2.hasChart() || !v2.hasInfo()) {
            throw new IllegalArgumentException("the revision has no chart or no info metadata");
        }
        Set<String> notCarried = new LinkedHashSet<>();
        String status = status(v2.getInfo().getStatus().getCode());
        ObjectNode release = JSON.objectNode();
        putText(release, "name", v2.getName());
        release.set("info", info(v2, status, notCarried));
        release.set("chart", chart(v2.getChart(), notCarried));
        Map<String, Object> config = values(v2.getConfig().getRaw(), "the release's values");
        if (!config.isEmpty()) {
            release.set("config", MAPPER.valueToTree(config));
        }
        putText(release, "manifest", v2.getManifest());
        ArrayNode hooks = hooks(v2, notCarried);
        if (!hooks.isEmpty()) {
            release.set("hooks", hooks);
        }
        if (v2.getVersion() != 0) {
            release.put("version", v2.getVersion());
        }
        putText(release, "namespace", v2.getNamespace());
        return new Converted(release, status, List.copyOf(notCarried));
    }

    /** Helm 3's status word for a Helm 2 status code (G2 of the facts). */
    public static String status(Status.Code code) {
        return switch (code) {
            case UNKNOWN -> "unknown";
            case DEPLOYED -> "deployed";
            case DELETED -> "uninstalled";
            case SUPERSEDED -> "superseded";
            case FAILED -> "failed";
            case DELETING -> "uninstalling";
            case PENDING_INSTALL -> "pending-install";
            case PENDING_UPGRADE -> "pending-upgrade";
            case PENDING_ROLLBACK -> "pending-rollback";
            case UNRECOGNIZED -> throw new IllegalArgumentException("the revision's status code is not one Helm 2 defines");
        };
    }

    private static ObjectNode info(Release v2, String status, Set<String> notCarried) {
        var info = v2.getInfo();
        ObjectNode json = JSON.objectNode();
        json.put("first_deployed", info.hasFirstDeployed() ? time(info.getFirstDeployed()) : "");
        json.put("last_deployed", info.hasLastDeployed() ? time(info.getLastDeployed()) : "");
        json.put("deleted", info.hasDeleted() ? time(info.getDeleted()) : "");
        putText(json, "description", info.getDescription());
        json.put("status", status);
        putText(json, "notes", info.getStatus().getNotes());
        if (!info.getStatus().getResources().isEmpty()) {
            notCarried.add("the status resources table (Helm 3 computes it on demand)");
        }
        return json;
    }

    private static ObjectNode chart(Chart chart, Set<String> notCarried) {
        ObjectNode json = JSON.objectNode();
        json.set("metadata", metadata(chart, notCarried));
        json.set("lock", lock(chart));
        json.set("templates", chart.getTemplatesCount() == 0 ? JSON.nullNode() : files(chart.getTemplatesList().stream()
                .map(t -> Map.entry(t.getName(), t.getData().toByteArray())).toList()));
        json.set("values", chart.hasValues() ? MAPPER.valueToTree(values(chart.getValues().getRaw(), "the chart's default values"))
                : JSON.nullNode());
        json.putNull("schema");
        json.set("files", chart.getFilesCount() == 0 ? JSON.nullNode() : files(chart.getFilesList().stream()
                .map(f -> Map.entry(f.getTypeUrl(), f.getValue().toByteArray())).toList()));
        return json;
    }

    private static ObjectNode metadata(Chart chart, Set<String> notCarried) {
        Metadata m = chart.getMetadata();
        ObjectNode json = JSON.objectNode();
        putText(json, "name", m.getName());
        putText(json, "home", m.getHome());
        putList(json, "sources", m.getSourcesList());
        putText(json, "version", m.getVersion());
        putText(json, "description", m.getDescription());
        putList(json, "keywords", m.getKeywordsList());
        if (m.getMaintainersCount() > 0) {
            ArrayNode maintainers = json.putArray("maintainers");
            m.getMaintainersList().forEach(person -> {
                ObjectNode one = maintainers.addObject();
                putText(one, "name", person.getName());
                putText(one, "email", person.getEmail());
                putText(one, "url", person.getUrl());
            });
        }
        putText(json, "icon", m.getIcon());
        json.put("apiVersion", m.getApiVersion().isEmpty() ? "v1" : m.getApiVersion());
        putText(json, "condition", m.getCondition());
        putText(json, "tags", m.getTags());
        putText(json, "appVersion", m.getAppVersion());
        if (m.getDeprecated()) {
            json.put("deprecated", true);
        }
        if (m.getAnnotationsCount() > 0) {
            ObjectNode annotations = json.putObject("annotations");
            new java.util.TreeMap<>(m.getAnnotationsMap()).forEach(annotations::put);
        }
        putText(json, "kubeVersion", m.getKubeVersion());
        file(chart, "requirements.yaml").map(Helm2To3::dependencies).filter(deps -> !deps.isEmpty())
                .ifPresent(deps -> json.set("dependencies", deps));
        json.put("type", "application");
        if (!m.getEngine().isEmpty() && !"gotpl".equals(m.getEngine())) {
            notCarried.add("the chart's template engine " + m.getEngine() + " (Helm 3 has only Go templates)");
        }
        if (!m.getTillerVersion().isEmpty()) {
            notCarried.add("the chart's tillerVersion constraint " + m.getTillerVersion());
        }
        if (chart.getDependenciesCount() > 0) {
            notCarried.add(chart.getDependenciesCount() + " packaged subchart(s): Helm 3 never stores subcharts in"
                    + " a release (their rendered objects are in the manifest)");
        }
        return json;
    }

    /** The lock Helm 3 reads from a v1 chart's requirements.lock; null when there is none. */
    private static JsonNode lock(Chart chart) {
        return file(chart, "requirements.lock").<JsonNode>map(text -> {
            Map<String, Object> lock = values(text, "requirements.lock");
            ObjectNode json = JSON.objectNode();
            json.put("generated", lock.get("generated") == null ? "0001-01-01T00:00:00Z"
                    : rfc3339(String.valueOf(lock.get("generated"))));
            json.put("digest", String.valueOf(lock.getOrDefault("digest", "")));
            json.set("dependencies", dependencies(text));
            return json;
        }).orElse(JSON.nullNode());
    }

    /** Dependencies as Helm 3's {@code chart.Dependency} writes them, from requirements.yaml or .lock. */
    private static ArrayNode dependencies(String yaml) {
        ArrayNode json = JSON.arrayNode();
        Object listed = values(yaml, "the chart's requirements").get("dependencies");
        if (listed instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> dependency) {
                    ObjectNode one = json.addObject();
                    one.put("name", String.valueOf(dependency.containsKey("name") ? dependency.get("name") : ""));
                    putText(one, "version", text(dependency.get("version")));
                    one.put("repository", text(dependency.get("repository")));
                    putText(one, "condition", text(dependency.get("condition")));
                    if (dependency.get("tags") instanceof List<?> tags && !tags.isEmpty()) {
                        one.set("tags", MAPPER.valueToTree(tags));
                    }
                    if (Boolean.TRUE.equals(dependency.get("enabled"))) {
                        one.put("enabled", true);
                    }
                    if (dependency.get("import-values") instanceof List<?> imports && !imports.isEmpty()) {
                        one.set("import-values", MAPPER.valueToTree(imports));
                    }
                    putText(one, "alias", text(dependency.get("alias")));
                }
            }
        }
        return json;
    }

    private static Optional<String> file(Chart chart, String name) {
        return chart.getFilesList().stream().filter(f -> name.equals(f.getTypeUrl())).findFirst()
                .map(f -> f.getValue().toString(StandardCharsets.UTF_8));
    }

    private static ArrayNode files(List<Map.Entry<String, byte[]>> files) {
        ArrayNode json = JSON.arrayNode();
        files.forEach(file -> json.addObject().put("name", file.getKey())
                .put("data", Base64.getEncoder().encodeToString(file.getValue())));
        return json;
    }

    private static ArrayNode hooks(Release v2, Set<String> notCarried) {
        Map<String, TestRun> tests = new java.util.HashMap<>();
        v2.getInfo().getStatus().getLastTestSuiteRun().getResultsList().forEach(run -> tests.putIfAbsent(run.getName(), run));
        ArrayNode json = JSON.arrayNode();
        for (Hook hook : v2.getHooksList()) {
            ObjectNode one = json.addObject();
            putText(one, "name", hook.getName());
            putText(one, "kind", hook.getKind());
            putText(one, "path", hook.getPath());
            putText(one, "manifest", hook.getManifest());
            if (hook.getEventsCount() > 0) {
                ArrayNode events = one.putArray("events");
                for (Hook.Event event : hook.getEventsList()) {
                    events.add(event(event, hook.getName(), notCarried));
                }
            }
            one.set("last_run", lastRun(tests.get(hook.getName())));
            if (hook.getWeight() != 0) {
                one.put("weight", hook.getWeight());
            }
            if (hook.getDeletePoliciesCount() > 0) {
                ArrayNode policies = one.putArray("delete_policies");
                hook.getDeletePoliciesList().forEach(policy -> policies.add(switch (policy) {
                    case SUCCEEDED -> "hook-succeeded";
                    case FAILED -> "hook-failed";
                    case BEFORE_HOOK_CREATION -> "before-hook-creation";
                    case UNRECOGNIZED -> throw new IllegalArgumentException("hook " + hook.getName()
                            + " has a delete policy Helm 2 does not define");
                }));
            }
            if (hook.getDeleteTimeout() != 0) {
                notCarried.add("hook delete timeouts (Helm 3 has none)");
            }
        }
        return json;
    }

    private static String event(Hook.Event event, String hook, Set<String> notCarried) {
        return switch (event) {
            case RELEASE_TEST_SUCCESS -> "test";
            case RELEASE_TEST_FAILURE -> {
                notCarried.add("hook " + hook + " is a test-failure hook: Helm 3 runs it as a plain test, which then"
                        + " reports a failure");
                yield "test";
            }
            case CRD_INSTALL -> {
                notCarried.add("hook " + hook + " is a crd-install hook: Helm 3 never fires it (CRDs go in crds/)");
                yield "crd-install";
            }
            case UNKNOWN -> "unknown";
            case UNRECOGNIZED -> throw new IllegalArgumentException("hook " + hook + " has an event Helm 2 does not define");
            default -> event.name().toLowerCase(Locale.ROOT).replace('_', '-');
        };
    }

    /** A hook's last run is what the last test suite said of a test of that name; otherwise never run. */
    private static ObjectNode lastRun(TestRun test) {
        ObjectNode json = JSON.objectNode();
        json.put("started_at", test != null && test.hasStartedAt() ? time(test.getStartedAt()) : "");
        json.put("completed_at", test != null && test.hasCompletedAt() ? time(test.getCompletedAt()) : "");
        json.put("phase", test == null ? "" : switch (test.getStatus()) {
            case SUCCESS -> "Succeeded";
            case FAILURE -> "Failed";
            case RUNNING -> "Running";
            case UNKNOWN, UNRECOGNIZED -> "Unknown";
        });
        return json;
    }

    private static Map<String, Object> values(String yaml, String what) {
        try {
            return GoYamlValues.parse(yaml);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage());
        }
    }

    /** Go's {@code time.Time} JSON in UTC: RFC 3339 with the fraction's trailing zeros trimmed. */
    static String time(Timestamp timestamp) {
        if (timestamp.getNanos() < 0 || timestamp.getNanos() >= 1_000_000_000
                || timestamp.getSeconds() < -62135596800L || timestamp.getSeconds() >= 253402300800L) {
            throw new IllegalArgumentException("a time in the revision is out of range: " + timestamp.getSeconds() + "s "
                    + timestamp.getNanos() + "ns");
        }
        if (timestamp.getSeconds() == -62135596800L && timestamp.getNanos() == 0) {
            return "";
        }
        String base = java.time.LocalDateTime.ofEpochSecond(timestamp.getSeconds(), 0, ZoneOffset.UTC)
                .format(SECONDS);
        if (timestamp.getNanos() == 0) {
            return base + "Z";
        }
        return base + "." + String.format("%09d", timestamp.getNanos()).replaceAll("0+$", "") + "Z";
    }

    private static String rfc3339(String text) {
        try {
            return OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC).toInstant().toString();
        } catch (DateTimeParseException e) {
            return text;
        }
    }

    private static String text(Object value) {
        return value == null ? "" : String.valueOf(value);
    }

    private static void putText(ObjectNode json, String field, String value) {
        if (value != null && !value.isEmpty()) {
            json.put(field, value);
        }
    }

    private static void putList(ObjectNode json, String field, List<String> values) {
        if (!values.isEmpty()) {
            ArrayNode array = json.putArray(field);
            new ArrayList<>(values).forEach(array::add);
        }
    }
}
