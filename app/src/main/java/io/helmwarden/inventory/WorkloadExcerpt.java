package io.helmwarden.inventory;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The evidence behind a Tiller's facts, as people would read it in the workload's YAML: service account,
 * host network, the Tiller container's image, command, args, Tiller's own environment, mounts and volumes.
 * Values of other environment variables are left out: they may hold anything.
 */
final class WorkloadExcerpt {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private WorkloadExcerpt() {
    }

    static String of(HasMetadata workload, PodTemplateSpec template, Container container) {
        var pod = template.getSpec();
        Map<String, Object> spec = new LinkedHashMap<>();
        put(spec, "serviceAccountName", pod.getServiceAccountName());
        put(spec, "automountServiceAccountToken", pod.getAutomountServiceAccountToken());
        put(spec, "hostNetwork", pod.getHostNetwork());
        Map<String, Object> tiller = new LinkedHashMap<>();
        put(tiller, "name", container.getName());
        put(tiller, "image", container.getImage());
        put(tiller, "command", container.getCommand());
        put(tiller, "args", container.getArgs());
        List<Map<String, Object>> env = Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of()).stream()
                .map(WorkloadExcerpt::env).toList();
        put(tiller, "env", env);
        put(tiller, "volumeMounts", container.getVolumeMounts());
        spec.put("containers", List.of(tiller));
        put(spec, "volumes", pod.getVolumes());
        Map<String, Object> excerpt = new LinkedHashMap<>();
        excerpt.put("kind", workload.getKind());
        excerpt.put("metadata", Map.of("name", workload.getMetadata().getName(),
                "namespace", workload.getMetadata().getNamespace()));
        excerpt.put("spec", Map.of("template", Map.of("spec", spec)));
        return YAML.writeValueAsString(excerpt).replaceFirst("^---\\s*\\n", "");
    }

    private static Map<String, Object> env(EnvVar var) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", var.getName());
        if (var.getValueFrom() != null) {
            out.put("valueFrom", "(a reference)");
        } else if (var.getName().startsWith("TILLER_")) {
            out.put("value", var.getValue() == null ? "" : var.getValue());
        } else {
            out.put("value", "(not shown)");
        }
        return out;
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null && !(value instanceof List<?> list && list.isEmpty())) {
            map.put(key, value);
        }
    }
}
