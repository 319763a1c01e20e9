package io.helmwarden.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.helmwarden.release.hapi.chart.Template;
import io.helmwarden.release.hapi.release.Release;
import io.helmwarden.release.hapi.release.Status;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a conversion's preview says of one release, from its decoded history alone. */
class Helm3SurveyTest {

    static final Helm3Survey.Facts CLEAR = new Helm3Survey.Facts(true, List.of(), (version, kind) -> true, Optional.empty());

    static Helm2History history(String name, Release... revisions) {
        List<Helm2History.Revision> list = new ArrayList<>();
        for (Release revision : revisions) {
            String record = name + ".v" + revision.getVersion();
            list.add(new Helm2History.Revision(record, revision.getVersion(), Optional.of(revision), Optional.empty(), "",
                    new ConfigMapBuilder().withNewMetadata().withName(record).endMetadata().build()));
        }
        return new Helm2History(name, list);
    }

    static Release revision(String name, int version, Status.Code code) {
        return Helm3Fixtures.revision(name, "apps", version, code, "replicas: 2\n").build();
    }

    @Test
    void everyRevisionIsListedWithItsSecretStatusAndSize() {
        var survey = Helm3Survey.of(history("web", revision("web", 1, Status.Code.SUPERSEDED),
                revision("web", 2, Status.Code.DEPLOYED)), 0, CLEAR);
        assertThat(survey.blockers()).isEmpty();
        assertThat(survey.namespace()).isEqualTo("apps");
        assertThat(survey.revisions()).extracting(Helm3Survey.RevisionConversion::secretName,
                        Helm3Survey.RevisionConversion::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("sh.helm.release.v1.web.v1", "superseded"),
                        org.assertj.core.groups.Tuple.tuple("sh.helm.release.v1.web.v2", "deployed"));
        assertThat(survey.revisions()).allMatch(r -> r.encodedBytes() > 100 && r.encodedBytes() < 2000);
    }

    @Test
    void aRecordOverOneMebibyteOnceConvertedIsRefusedWithItsSize() {
        byte[] noise = new byte[900_000];
        new SecureRandom().nextBytes(noise);
        Release big = revision("big", 1, Status.Code.DEPLOYED).toBuilder().setChart(revision("big", 1, Status.Code.DEPLOYED)
                .getChart().toBuilder().addTemplates(Template.newBuilder().setName("templates/blob")
                        .setData(ByteString.copyFrom(noise)))).build();
        var survey = Helm3Survey.of(history("big", big), 0, CLEAR);
        assertThat(survey.blockers()).singleElement().asString()
                .matches("revision 1 would be 1[0-9]{6} bytes encoded, above the 1 MiB \\(1048576 bytes\\) Kubernetes"
                        + " allows in a Secret");
    }

    @Test
    void theNewestRevisionsOnlyLeaveTheOthersBehind() {
        List<Release> revisions = new ArrayList<>();
        for (int i = 1; i <= 15; i++) {
            revisions.add(revision("web", i, i == 15 ? Status.Code.DEPLOYED : Status.Code.SUPERSEDED));
        }
        var survey = Helm3Survey.of(history("web", revisions.toArray(Release[]::new)), 10, CLEAR);
        assertThat(survey.revisions()).extracting(Helm3Survey.RevisionConversion::revision)
                .containsExactly(6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        assertThat(survey.leftBehind()).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void whatHelm3WouldRefuseOrMixIsABlocker() {
        var moved = revision("web", 2, Status.Code.PENDING_UPGRADE).toBuilder().setNamespace("elsewhere").build();
        var mislabelled = revision("web", 3, Status.Code.DEPLOYED).toBuilder().setVersion(7).build();
        var unreadable = new Helm2History.Revision("web.v4", 4, Optional.empty(), Optional.of("the payload is not base64"),
                "", new ConfigMapBuilder().build());
        var history = new Helm2History("web", List.of(history("web", revision("web", 1, Status.Code.SUPERSEDED), moved)
                .revisions().get(0), history("web", moved).revisions().get(0), new Helm2History.Revision("web.v3", 3,
                Optional.of(mislabelled), Optional.empty(), "", new ConfigMapBuilder().build()), unreadable));
        var survey = Helm3Survey.of(history, 0, new Helm3Survey.Facts(false, List.of("Secret sh.helm.release.v1.web.v1"),
                (version, kind) -> !"extensions/v1beta1".equals(version), Optional.of("namespace x is team b's")));
        assertThat(survey.blockers()).contains(
                "namespace x is team b's",
                "record web.v4 does not decode (the payload is not base64): fix or delete it first; helm-2to3 would skip"
                        + " it silently and leave a gap in the history",
                "namespace apps does not exist: Helm 3 keeps a release's records in its namespace",
                "namespace apps already holds a Helm 3 history of web (Secret sh.helm.release.v1.web.v1): converting"
                        + " would mix two histories",
                "revision 2 names namespace elsewhere, the newest apps: Helm 3 keeps one history per namespace",
                "record web.v3 is labelled revision 3 but its payload says 7");
    }

    @Test
    void aPendingNewestRevisionBlocksAndRemovedApisAreWarnedOf() {
        var legacy = revision("old", 1, Status.Code.PENDING_INSTALL).toBuilder()
                .setManifest("---\napiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: old\n---\n"
                        + "apiVersion: v1\nkind: Service\n").build();
        var survey = Helm3Survey.of(history("old", legacy), 0, new Helm3Survey.Facts(true, List.of(),
                (version, kind) -> !"extensions/v1beta1".equals(version), Optional.empty()));
        assertThat(survey.blockers()).containsExactly("the newest revision (1) is pending-install: Helm 3 would refuse"
                + " every operation on it; let Helm 2 finish or roll it back first");
        assertThat(survey.warnings()).singleElement().asString()
                .startsWith("Deployment in extensions/v1beta1 is no longer served by this cluster");
    }

    @Test
    void objectsInADeprecatedVersionWhoseSuccessorIsServedAreWarnedOfAsAdoptions() {
        var web = revision("web", 1, Status.Code.DEPLOYED).toBuilder()
                .setManifest("---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: web\n---\n"
                        + "apiVersion: apps/v1beta2\nkind: StatefulSet\n---\napiVersion: rbac.authorization.k8s.io/v1\n"
                        + "kind: Role\n").build();
        // The cluster serves the Ingress's successor and still the old version; apps/v1beta2 no more.
        var survey = Helm3Survey.of(history("web", web), 0, new Helm3Survey.Facts(true, List.of(),
                (version, kind) -> !"apps/v1beta2".equals(version), Optional.empty()));
        assertThat(survey.blockers()).isEmpty();
        assertThat(survey.warnings()).hasSize(2);
        assertThat(survey.warnings().get(0)).startsWith("StatefulSet in apps/v1beta2 is no longer served");
        assertThat(survey.warnings().get(1)).startsWith("Ingress in extensions/v1beta1 (deprecated; this cluster serves"
                + " networking.k8s.io/v1): a chart version naming networking.k8s.io/v1 makes Helm 3 adopt the live object")
                .contains("invalid ownership metadata", "--take-ownership");
    }
}
