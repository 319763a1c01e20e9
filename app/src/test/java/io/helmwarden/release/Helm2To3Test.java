package io.helmwarden.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.helmwarden.release.hapi.chart.Chart;
import io.helmwarden.release.hapi.chart.Config;
import io.helmwarden.release.hapi.chart.Metadata;
import io.helmwarden.release.hapi.chart.Template;
import io.helmwarden.release.hapi.release.Hook;
import io.helmwarden.release.hapi.release.Info;
import io.helmwarden.release.hapi.release.Release;
import io.helmwarden.release.hapi.release.Status;
import io.helmwarden.release.hapi.release.TestRun;
import io.helmwarden.release.hapi.release.TestSuite;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The golden cases of {@code shared/design/helm3-conversion-facts.md} §5, compared as decoded JSON: what
 * helm-2to3 writes for each, with Helm Warden's two named improvements (requirements, empty apiVersion).
 */
class Helm2To3Test {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static Timestamp at(long seconds, int nanos) {
        return Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build();
    }

    /** G1's Helm 2 revision. */
    static Release.Builder web() {
        return Release.newBuilder().setName("web").setNamespace("team-a").setVersion(3)
                .setInfo(Info.newBuilder().setStatus(Status.newBuilder().setCode(Status.Code.DEPLOYED).setNotes("Visit http://web"))
                        .setFirstDeployed(at(1546300800, 0)).setLastDeployed(at(1546387200, 500000000))
                        .setDescription("Upgrade complete"))
                .setChart(Chart.newBuilder()
                        .setMetadata(Metadata.newBuilder().setName("web").setVersion("1.2.3").setDescription("demo")
                                .setApiVersion("v1").setAppVersion("2.0").setEngine("gotpl").setTillerVersion(">=2.10.0"))
                        .addTemplates(Template.newBuilder().setName("templates/deploy.yaml")
                                .setData(ByteString.copyFromUtf8("kind: Deployment\n")))
                        .setValues(Config.newBuilder().setRaw("replicas: 1\n")))
                .setConfig(Config.newBuilder().setRaw("replicas: 2\n"))
                .setManifest("---\n# Source: web/templates/deploy.yaml\nkind: Deployment\n");
    }

    @Test
    void g1AMinimalDeployedRevisionIsTheHelm3RecordFieldByField() {
        var converted = Helm2To3.convert(web().build());
        assertThat(reparsed(converted.release())).isEqualTo(json("""
                {"name":"web","info":{"first_deployed":"2019-01-01T00:00:00Z","last_deployed":"2019-01-02T00:00:00.5Z",
                 "deleted":"","description":"Upgrade complete","status":"deployed","notes":"Visit http://web"},
                 "chart":{"metadata":{"name":"web","version":"1.2.3","description":"demo","apiVersion":"v1","appVersion":"2.0",
                 "type":"application"},"lock":null,"templates":[{"name":"templates/deploy.yaml","data":"a2luZDogRGVwbG95bWVudAo="}],
                 "values":{"replicas":1},"schema":null,"files":null},"config":{"replicas":2},
                 "manifest":"---\\n# Source: web/templates/deploy.yaml\\nkind: Deployment\\n","version":3,"namespace":"team-a"}
                """));
        assertThat(converted.status()).isEqualTo("deployed");
        assertThat(converted.notCarried()).containsExactly("the chart's tillerVersion constraint >=2.10.0");
        // Go writes struct fields in declaration order: the same order here.
        assertThat(iterable(converted.release().propertyNames())).containsExactly("name", "info", "chart", "config",
                "manifest", "version", "namespace");
    }

    @ParameterizedTest
    @CsvSource({"UNKNOWN,unknown", "DEPLOYED,deployed", "DELETED,uninstalled", "SUPERSEDED,superseded", "FAILED,failed",
            "DELETING,uninstalling", "PENDING_INSTALL,pending-install", "PENDING_UPGRADE,pending-upgrade",
            "PENDING_ROLLBACK,pending-rollback"})
    void g2EveryStatusHasItsHelm3Word(Status.Code code, String helm3) {
        var converted = Helm2To3.convert(web().setInfo(web().getInfo().toBuilder()
                .setStatus(Status.newBuilder().setCode(code))).build());
        assertThat(converted.status()).isEqualTo(helm3);
        assertThat(converted.release().get("info").get("status").asString()).isEqualTo(helm3);
    }

    @Test
    void g2AnUnknownStatusCodeIsRefused() {
        var release = web().setInfo(web().getInfo().toBuilder().setStatus(Status.newBuilder().setCodeValue(9))).build();
        assertThatThrownBy(() -> Helm2To3.convert(release)).hasMessageContaining("status code");
    }

    @Test
    void g3HooksKeepTheirEventsAndPoliciesAndSayWhatHelm3Ignores() {
        var release = web().addHooks(Hook.newBuilder().setName("web-db").setKind("Job").setPath("web/templates/db.yaml")
                        .setManifest("m").addEvents(Hook.Event.PRE_INSTALL).addEvents(Hook.Event.PRE_UPGRADE).setWeight(-5)
                        .addDeletePolicies(Hook.DeletePolicy.BEFORE_HOOK_CREATION).addDeletePolicies(Hook.DeletePolicy.SUCCEEDED)
                        .setLastRun(at(100, 0)).setDeleteTimeout(300))
                .addHooks(Hook.newBuilder().setName("web-crd").setKind("Job").setPath("p").setManifest("m2")
                        .addEvents(Hook.Event.CRD_INSTALL).addEvents(Hook.Event.UNKNOWN).addEvents(Hook.Event.POST_DELETE)
                        .addEvents(Hook.Event.RELEASE_TEST_FAILURE).addDeletePolicies(Hook.DeletePolicy.FAILED))
                .build();
        var converted = Helm2To3.convert(release);
        assertThat(converted.release().get("hooks")).isEqualTo(json("""
                [{"name":"web-db","kind":"Job","path":"web/templates/db.yaml","manifest":"m",
                  "events":["pre-install","pre-upgrade"],"last_run":{"started_at":"","completed_at":"","phase":""},"weight":-5,
                  "delete_policies":["before-hook-creation","hook-succeeded"]},
                 {"name":"web-crd","kind":"Job","path":"p","manifest":"m2","events":["crd-install","unknown","post-delete","test"],
                  "last_run":{"started_at":"","completed_at":"","phase":""},"delete_policies":["hook-failed"]}]
                """));
        assertThat(converted.notCarried()).contains("hook delete timeouts (Helm 3 has none)")
                .anyMatch(line -> line.contains("web-crd is a crd-install hook"))
                .anyMatch(line -> line.contains("web-crd is a test-failure hook"));
    }

    @Test
    void g4TheLastTestSuiteBecomesEachTestHooksLastRun() {
        var suite = TestSuite.newBuilder()
                .addResults(TestRun.newBuilder().setName("web-test").setStatus(TestRun.Status.SUCCESS)
                        .setStartedAt(at(1546300800, 0)).setCompletedAt(at(1546300805, 0)))
                .addResults(TestRun.newBuilder().setName("web-x").setStatus(TestRun.Status.RUNNING));
        var release = web().setInfo(web().getInfo().toBuilder().setStatus(web().getInfo().getStatus().toBuilder()
                        .setLastTestSuiteRun(suite)))
                .addHooks(Hook.newBuilder().setName("web-test").addEvents(Hook.Event.RELEASE_TEST_SUCCESS))
                .addHooks(Hook.newBuilder().setName("web-x").addEvents(Hook.Event.RELEASE_TEST_SUCCESS))
                .addHooks(Hook.newBuilder().setName("web-none").addEvents(Hook.Event.RELEASE_TEST_SUCCESS))
                .build();
        JsonNode hooks = Helm2To3.convert(release).release().get("hooks");
        assertThat(hooks.get(0).get("last_run")).isEqualTo(json(
                "{\"started_at\":\"2019-01-01T00:00:00Z\",\"completed_at\":\"2019-01-01T00:00:05Z\",\"phase\":\"Succeeded\"}"));
        assertThat(hooks.get(1).get("last_run")).isEqualTo(json("{\"started_at\":\"\",\"completed_at\":\"\",\"phase\":\"Running\"}"));
        assertThat(hooks.get(2).get("last_run")).isEqualTo(json("{\"started_at\":\"\",\"completed_at\":\"\",\"phase\":\"\"}"));
    }

    @Test
    void g5ADeletedReleaseIsUninstalledWithItsDeletionTime() {
        var release = web().setInfo(web().getInfo().toBuilder().setStatus(Status.newBuilder().setCode(Status.Code.DELETED))
                .setDeleted(at(1546473600, 0))).build();
        var info = Helm2To3.convert(release).release().get("info");
        assertThat(info.get("status").asString()).isEqualTo("uninstalled");
        assertThat(info.get("deleted").asString()).isEqualTo("2019-01-03T00:00:00Z");
    }

    @Test
    void g6RequirementsBecomeDependenciesAndTheLockAndSubchartsAreNamedAsNotStored() {
        var chart = web().getChart().toBuilder()
                .addFiles(file("requirements.yaml", "dependencies:\n- name: db\n  version: 1.0.0\n  repository: https://charts.example\n  condition: db.enabled\n"))
                .addFiles(file("requirements.lock", "dependencies:\n- name: db\n  version: 1.0.0\n  repository: https://charts.example\ndigest: sha256:abc\ngenerated: 2019-01-01T00:00:00Z\n"))
                .addFiles(file("README.md", "# web\n"))
                .addFiles(file("charts/db-1.0.0.tgz.prov", "signed"))
                .addDependencies(Chart.newBuilder().setMetadata(Metadata.newBuilder().setName("db").setVersion("1.0.0")));
        var converted = Helm2To3.convert(web().setChart(chart).build());
        JsonNode json = converted.release().get("chart");
        assertThat(json.get("files").valueStream().map(f -> f.get("name").asString()).toList())
                .containsExactly("requirements.yaml", "requirements.lock", "README.md", "charts/db-1.0.0.tgz.prov");
        assertThat(json.get("files").get(2).get("data").asString())
                .isEqualTo(Base64.getEncoder().encodeToString("# web\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(json.get("metadata").get("dependencies")).isEqualTo(json(
                "[{\"name\":\"db\",\"version\":\"1.0.0\",\"repository\":\"https://charts.example\",\"condition\":\"db.enabled\"}]"));
        assertThat(json.get("lock")).isEqualTo(json("""
                {"generated":"2019-01-01T00:00:00Z","digest":"sha256:abc",
                 "dependencies":[{"name":"db","version":"1.0.0","repository":"https://charts.example"}]}"""));
        assertThat(converted.release().toString()).doesNotContain("\"db\",\"version\":\"1.0.0\",\"description\"");
        assertThat(converted.notCarried()).anyMatch(line -> line.startsWith("1 packaged subchart(s)"));
    }

    // A key "y" is the boolean true to go-yaml v2, so Helm 2 stored it as "true": the conversion keeps what Helm 2 used.
    @Test
    void g7ValuesAreReadWithGoYamlRulesNotSnakeYamlDefaults() {
        var release = web().setConfig(Config.newBuilder().setRaw(
                "a: 1.0\nb: y\nc: \"y\"\nd: on\ne: 0123\nf: 2001-12-14\nh:\ni: ~\nj: n\nk: 1_000\nl: 1.2.3\nm: 0x1F\n"
                        + "p: 12345678901234567890\no: [1, \"2\", yes]\n5: five\ny: a key\n")).build();
        assertThat(reparsed(Helm2To3.convert(release).release().get("config"))).isEqualTo(json("""
                {"5":"five","a":1,"b":true,"c":"y","d":true,"e":83,"f":"2001-12-14","h":null,"i":null,"j":false,
                 "k":1000,"l":"1.2.3","m":31,"p":12345678901234567890.0,"o":[1,"2",true],
                 "true":"a key"}"""));
    }

    @Test
    void g7EmptyValuesLeaveNoConfigKey() {
        var release = web().setConfig(Config.newBuilder().setRaw("")).build();
        assertThat(Helm2To3.convert(release).release().has("config")).isFalse();
    }

    @Test
    void valuesThatAreNotYamlAreRefusedWithTheReason() {
        var release = web().setConfig(Config.newBuilder().setRaw("a: [unclosed\n")).build();
        assertThatThrownBy(() -> Helm2To3.convert(release)).hasMessageStartingWith("the release's values: the values are not valid YAML");
        var list = web().setConfig(Config.newBuilder().setRaw("- a\n- b\n")).build();
        assertThatThrownBy(() -> Helm2To3.convert(list)).hasMessageContaining("not a map");
    }

    @Test
    void anEmptyApiVersionBecomesV1AndAMissingChartIsRefused() {
        var release = web().setChart(web().getChart().toBuilder().setMetadata(web().getChart().getMetadata().toBuilder()
                .setApiVersion(""))).build();
        assertThat(Helm2To3.convert(release).release().get("chart").get("metadata").get("apiVersion").asString()).isEqualTo("v1");
        assertThatThrownBy(() -> Helm2To3.convert(web().clearChart().build())).hasMessageContaining("no chart");
    }

    @Test
    void theRecordIsGzippedJsonThatDecodesBackAndHelm3NamesItsSecret() throws Exception {
        var converted = Helm2To3.convert(web().build());
        String payload = Helm3Records.encode(converted.release());
        assertThat(Base64.getDecoder().decode(payload)).startsWith((byte) 0x1f, (byte) 0x8b, (byte) 0x08);
        assertThat(Helm3Records.decode(payload)).isEqualTo(reparsed(converted.release()));
        var secret = Helm3Records.secret("team-a", "web", 3, converted.status(), payload, Instant.ofEpochSecond(1700000000),
                java.util.Map.of("helm-warden.io/conversion-run", "r1"));
        assertThat(secret.getMetadata().getName()).isEqualTo("sh.helm.release.v1.web.v3");
        assertThat(secret.getType()).isEqualTo("helm.sh/release.v1");
        assertThat(secret.getMetadata().getLabels()).containsExactly(java.util.Map.entry("name", "web"),
                java.util.Map.entry("owner", "helm"), java.util.Map.entry("status", "deployed"),
                java.util.Map.entry("version", "3"), java.util.Map.entry("createdAt", "1700000000"));
        // An uncompressed record (as Helm 3's TestUNcompressedSecretGet stores it) reads too.
        String plain = Base64.getEncoder().encodeToString(converted.release().toString().getBytes(StandardCharsets.UTF_8));
        assertThat(Helm3Records.decode(plain)).isEqualTo(reparsed(converted.release()));
    }

    @ParameterizedTest
    @CsvSource({"web,", "web.frontend-2,", "Web,lower-case", "web_db,lower-case", "-web,lower-case",
            "a23456789012345678901234567890123456789012345678901234,longer than 53"})
    void helm3RefusesSomeNamesHelm2Accepted(String name, String refusal) {
        assertThat(Helm3Records.nameRefusal(name)).satisfies(reason -> {
            if (refusal == null) {
                assertThat(reason).isEmpty();
            } else {
                assertThat(reason).hasValueSatisfying(text -> assertThat(text).contains(refusal));
            }
        });
    }

    static Any file(String name, String text) {
        return Any.newBuilder().setTypeUrl(name).setValue(ByteString.copyFromUtf8(text)).build();
    }

    /** Compared as read back: number node types depend on how a tree was built, not on the JSON. */
    static JsonNode reparsed(JsonNode built) {
        return json(built.toString());
    }

    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    static <T> Iterable<T> iterable(java.util.Collection<T> names) {
        return names;
    }
}
