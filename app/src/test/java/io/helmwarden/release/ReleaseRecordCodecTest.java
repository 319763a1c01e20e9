package io.helmwarden.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helmwarden.release.hapi.chart.Chart;
import io.helmwarden.release.hapi.chart.Config;
import io.helmwarden.release.hapi.chart.Metadata;
import io.helmwarden.release.hapi.release.Info;
import io.helmwarden.release.hapi.release.Release;
import io.helmwarden.release.hapi.release.Status;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;
import com.google.protobuf.CodedOutputStream;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import org.junit.jupiter.api.Test;

class ReleaseRecordCodecTest {

    static final Release RELEASE = Release.newBuilder()
            .setName("sessions").setNamespace("default").setVersion(2)
            .setChart(Chart.newBuilder().setMetadata(Metadata.newBuilder().setName("redis").setVersion("10.5.7")))
            .setConfig(Config.newBuilder().setRaw("password: hunter2\n"))
            .setInfo(Info.newBuilder().setStatus(Status.newBuilder().setCode(Status.Code.DEPLOYED)))
            .build();

    @Test
    void encodesAsBase64OfGzipAndDecodesBack() throws Exception {
        String payload = ReleaseRecordCodec.encode(RELEASE);
        byte[] raw = Base64.getDecoder().decode(payload);
        assertThat(raw).startsWith((byte) 0x1f, (byte) 0x8b, (byte) 0x08);
        assertThat(ReleaseRecordCodec.decode(payload)).isEqualTo(RELEASE);
    }

    @Test
    void decodesUncompressedPayloadsAsTillerDoes() throws Exception {
        String plain = Base64.getEncoder().encodeToString(RELEASE.toByteArray());
        assertThat(ReleaseRecordCodec.decode(plain)).isEqualTo(RELEASE);
    }

    @Test
    void toleratesFieldsFromOtherHelmVersions() throws Exception {
        var bytes = new ByteArrayOutputStream();
        var out = CodedOutputStream.newInstance(bytes);
        out.writeString(1, "future");
        out.writeString(99, "a field this version does not know");
        out.writeInt32(7, 4);
        out.flush();
        Release decoded = ReleaseRecordCodec.decode(gzipBase64(bytes.toByteArray()));
        assertThat(decoded.getName()).isEqualTo("future");
        assertThat(decoded.getVersion()).isEqualTo(4);
    }

    @Test
    void corruptPayloadsAreRefusedWithAReason() {
        assertThatThrownBy(() -> ReleaseRecordCodec.decode(null)).isInstanceOf(ReleaseDecodingException.class)
                .hasMessageContaining("no release payload");
        assertThatThrownBy(() -> ReleaseRecordCodec.decode("not base64 at all!"))
                .isInstanceOf(ReleaseDecodingException.class).hasMessageContaining("not base64");
        byte[] truncatedGzip = java.util.Arrays.copyOf(Base64.getDecoder().decode(ReleaseRecordCodec.encode(RELEASE)), 12);
        assertThatThrownBy(() -> ReleaseRecordCodec.decode(Base64.getEncoder().encodeToString(truncatedGzip)))
                .isInstanceOf(ReleaseDecodingException.class).hasMessageContaining("not valid gzip");
        assertThatThrownBy(() -> ReleaseRecordCodec.decode(gzipBase64(new byte[] {(byte) 0xff, (byte) 0xff, 0x01})))
                .isInstanceOf(ReleaseDecodingException.class).hasMessageContaining("not a Helm 2 release");
    }

    @Test
    void recordsCarryTillersNameLabelsAndPayloadForEachStorage() throws Exception {
        Instant created = Instant.parse("2020-05-01T10:00:00Z");
        var configMap = (ConfigMap) ReleaseRecords.create(RELEASE, ReleaseStorage.CONFIGMAP, "kube-system", created);
        assertThat(configMap.getMetadata().getName()).isEqualTo("sessions.v2");
        assertThat(configMap.getMetadata().getLabels()).containsOnly(
                org.assertj.core.api.Assertions.entry("OWNER", "TILLER"),
                org.assertj.core.api.Assertions.entry("NAME", "sessions"),
                org.assertj.core.api.Assertions.entry("STATUS", "DEPLOYED"),
                org.assertj.core.api.Assertions.entry("VERSION", "2"),
                org.assertj.core.api.Assertions.entry("CREATED_AT", "1588327200"));
        assertThat(ReleaseRecordCodec.decode(configMap.getData().get("release"))).isEqualTo(RELEASE);

        var secret = (Secret) ReleaseRecords.create(RELEASE, ReleaseStorage.SECRET, "kube-system", created);
        assertThat(secret.getType()).isNull();
        String once = new String(Base64.getDecoder().decode(secret.getData().get("release")), StandardCharsets.US_ASCII);
        assertThat(once).isEqualTo(configMap.getData().get("release"));
    }

    private static String gzipBase64(byte[] bytes) throws Exception {
        var out = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }
}
