package io.helmwarden.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads and writes of one Kubernetes kind, the way every remediation writes: an update carries the
 * resourceVersion it was read at, so a concurrent change is a {@link WriteConflict}, never an overwrite; an
 * edit reads, changes a copy, writes only if something changed, and on a conflict reads and decides again.
 * Cluster-scoped kinds take a {@code null} namespace.
 */
public final class KubeObjects<T extends HasMetadata> {

    /** How often an edit reads again after a conflict before it gives up. */
    private static final int EDIT_ATTEMPTS = 5;

    private final MixedOperation<T, ? extends KubernetesResourceList<T>, Resource<T>> operation;
    private final String kind;
    private final Class<T> type;

    KubeObjects(MixedOperation<T, ? extends KubernetesResourceList<T>, Resource<T>> operation, Class<T> type) {
        this.operation = operation;
        this.type = type;
        this.kind = type.getSimpleName();
    }

    /** What an edit did, in words for the run's record. */
    public enum Edit { CHANGED, UNCHANGED }

    public Optional<T> get(String namespace, String name) {
        return Optional.ofNullable(in(namespace).withName(name).get());
    }

    /** The object, or an {@link ObjectGone} naming it. */
    public T require(String namespace, String name) {
        return get(namespace, name).orElseThrow(() -> new ObjectGone(describe(namespace, name) + " is gone"));
    }

    public T create(T object) {
        return in(object.getMetadata().getNamespace()).resource(object).create();
    }

    /** Creates the object unless one of its name exists; false when one did (the caller compares). */
    public boolean createIfAbsent(T object) {
        return createNew(object).isPresent();
    }

    /** The object as created (with its uid and resourceVersion), or empty when one of its name exists. */
    public Optional<T> createNew(T object) {
        try {
            return Optional.of(create(object));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Writes the object with the resourceVersion it carries; a change since it was read is a conflict. */
    public T update(T object) {
        try {
            return in(object.getMetadata().getNamespace()).resource(object).update();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                throw new WriteConflict(describe(object.getMetadata().getNamespace(), object.getMetadata().getName())
                        + " changed while being written; resume to read it again");
            }
            throw e;
        }
    }

    /** Deletes the object; deleting what is already gone is done. */
    public void delete(String namespace, String name) {
        in(namespace).withName(name).delete();
    }

    /** The objects with the labels in every namespace (a cluster-scoped kind ignores namespaces anyway). */
    public List<T> listEverywhere(Map<String, String> labels) {
        return operation.inAnyNamespace().withLabels(labels).list().getItems();
    }

    public List<T> list(String namespace, Map<String, String> labels) {
        return labels.isEmpty() ? in(namespace).list().getItems() : in(namespace).withLabels(labels).list().getItems();
    }

    /**
     * The objects with the labels, at least as fresh as the resourceVersion given (an object this process wrote):
     * served from the API server's watch cache, which filters by label in memory, instead of a read of every object
     * of the namespace from etcd, which is what a label-selected list costs otherwise.
     */
    public List<T> listNotOlderThan(String namespace, Map<String, String> labels, String resourceVersion) {
        return in(namespace).withLabels(labels).list(new ListOptionsBuilder().withResourceVersion(resourceVersion)
                .withResourceVersionMatch("NotOlderThan").build()).getItems();
    }

    /** Every object with the labels, one page at a time: memory holds one page, not the whole list. */
    public void forEachPage(String namespace, Map<String, String> labels, int pageSize, Consumer<List<T>> page) {
        String continueToken = null;
        do {
            var list = in(namespace).withLabels(labels)
                    .list(new ListOptionsBuilder().withLimit((long) pageSize).withContinue(continueToken).build());
            page.accept(list.getItems());
            continueToken = list.getMetadata().getContinue();
        } while (continueToken != null && !continueToken.isEmpty());
    }

    /**
     * Reads the object, edits a copy and writes it back with the resourceVersion it was read at, only if the edit
     * changed something; a conflict reads and edits again.
     *
     * @param prepare brings the copy to the shape the edit compares with (e.g. empty lists for absent ones, which
     *                the API server stores the same), so an edit that changes nothing writes nothing
     */
    public Edit edit(String namespace, String name, Consumer<T> prepare, Consumer<T> edit) {
        for (int attempt = 0; attempt < EDIT_ATTEMPTS; attempt++) {
            T current = require(namespace, name);
            T before = copy(current);
            prepare.accept(before);
            T changed = copy(before);
            edit.accept(changed);
            if (changed.equals(before)) {
                return Edit.UNCHANGED;
            }
            try {
                update(changed);
                return Edit.CHANGED;
            } catch (WriteConflict e) {
                // read again and decide again
            }
        }
        throw new WriteConflict(describe(namespace, name) + " kept changing while it was being edited");
    }

    public Edit edit(String namespace, String name, Consumer<T> edit) {
        return edit(namespace, name, object -> { }, edit);
    }

    /**
     * Takes the unwanted subjects out of a binding (a RoleBinding or a ClusterRoleBinding), deleting it when
     * none is left; empty when none matched. The update carries the binding's resourceVersion.
     */
    public Optional<String> withoutSubjects(T binding, Function<T, List<Subject>> subjectsOf,
            BiConsumer<T, List<Subject>> setSubjects, Predicate<Subject> unwanted) {
        List<Subject> subjects = Objects.requireNonNullElse(subjectsOf.apply(binding), List.of());
        List<Subject> kept = subjects.stream().filter(unwanted.negate()).toList();
        if (kept.size() == subjects.size()) {
            return Optional.empty();
        }
        String what = describe(binding.getMetadata().getNamespace(), binding.getMetadata().getName());
        if (kept.isEmpty()) {
            delete(binding.getMetadata().getNamespace(), binding.getMetadata().getName());
            return Optional.of(what + " deleted");
        }
        T changed = copy(binding);
        setSubjects.accept(changed, kept);
        update(changed);
        return Optional.of(what + ": " + (subjects.size() - kept.size()) + " subjects removed, " + kept.size() + " kept");
    }

    /** "Deployment ns/name", or "ClusterRoleBinding name" for a cluster-scoped kind. */
    public String describe(String namespace, String name) {
        return kind + " " + (namespace == null ? "" : namespace + "/") + name;
    }

    private NonNamespaceOperation<T, ? extends KubernetesResourceList<T>, Resource<T>> in(String namespace) {
        return namespace == null ? operation : operation.inNamespace(namespace);
    }

    private T copy(T object) {
        return Serialization.clone(object);
    }
}
