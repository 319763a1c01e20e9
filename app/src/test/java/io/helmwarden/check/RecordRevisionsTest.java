package io.helmwarden.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.inventory.ReleaseRecord;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.release.ReleaseRecords;
import io.helmwarden.release.ReleaseStorage;
import io.helmwarden.release.hapi.chart.Chart;
import io.helmwarden.release.hapi.chart.Metadata;
import io.helmwarden.release.hapi.release.Info;
import io.helmwarden.release.hapi.release.Release;
import io.helmwarden.release.hapi.release.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Records written by other tools, with real encoded payloads: the revision comes from the VERSION label,
 * else the record's name, else the payload, the page says which, and says so when the payload disagrees; a
 * payload that does not decode is marked unreadable on the record itself.
 */
class RecordRevisionsTest {

    static final String NS = "team-tiller";

    @Test
    void theRevisionSaysWhereItCameFromAndWhenThePayloadDisagrees() {
        List<HasMetadata> objects = new ArrayList<>(new HelmInit(NS).objects());
        objects.add(withoutVersionLabel(record("bar", 1)));
        objects.add(record("baz", 2, 3));
        var nameless = withoutVersionLabel(record("qux", 5));
        nameless.getMetadata().setName("qux-hand-made");
        objects.add(nameless);
        var broken = (ConfigMap) record("broken", 2);
        broken.setData(java.util.Map.of("release", "H4sIAAAA-not-a-release"));
        objects.add(broken);

        Tiller tiller = CheckFixtures.tillers(objects).stream().filter(t -> t.namespace().equals(NS)).findFirst()
                .orElseThrow();

        ReleaseRecord bar = find(tiller, "bar");
        assertThat(bar.revision()).isEqualTo(1);
        assertThat(bar.revisionSource()).isEqualTo(ReleaseRecord.FROM_NAME);
        assertThat(bar.revisionDisagreement()).isEmpty();

        ReleaseRecord baz = find(tiller, "baz");
        assertThat(baz.revision()).isEqualTo(3);
        assertThat(baz.revisionFromLabel()).isTrue();
        assertThat(baz.revisionDisagreement()).contains("the VERSION label says 3, the payload says 2");

        ReleaseRecord qux = find(tiller, "qux");
        assertThat(qux.revision()).isEqualTo(5);
        assertThat(qux.revisionSource()).isEqualTo(ReleaseRecord.FROM_PAYLOAD);

        ReleaseRecord unreadable = find(tiller, "broken");
        assertThat(unreadable.revision()).isEqualTo(2);
        assertThat(unreadable.unreadable()).isTrue();
        assertThat(bar.unreadable()).isFalse();
    }

    private static ReleaseRecord find(Tiller tiller, String release) {
        return tiller.records().stream().filter(r -> r.release().equals(release)).findFirst().orElseThrow();
    }

    private static HasMetadata record(String name, int revision) {
        return record(name, revision, revision);
    }

    /** A record whose VERSION label says {@code labelled} and whose payload says {@code revision}. */
    private static HasMetadata record(String name, int revision, int labelled) {
        var release = Release.newBuilder().setName(name).setVersion(revision).setNamespace("payments")
                .setChart(Chart.newBuilder().setMetadata(Metadata.newBuilder().setName(name).setVersion("1.0.0")))
                .setInfo(Info.newBuilder().setStatus(Status.newBuilder().setCode(Status.Code.DEPLOYED)))
                .build();
        var record = ReleaseRecords.create(release, ReleaseStorage.CONFIGMAP, NS, CheckFixtures.NOW);
        var labels = new java.util.HashMap<>(record.getMetadata().getLabels());
        labels.put(ReleaseRecords.VERSION_LABEL, Integer.toString(labelled));
        record.getMetadata().setLabels(labels);
        record.getMetadata().setName(ReleaseRecords.recordName(name, labelled));
        return record;
    }

    private static HasMetadata withoutVersionLabel(HasMetadata record) {
        var labels = new java.util.HashMap<>(record.getMetadata().getLabels());
        labels.remove(ReleaseRecords.VERSION_LABEL);
        record.getMetadata().setLabels(labels);
        return record;
    }
}
