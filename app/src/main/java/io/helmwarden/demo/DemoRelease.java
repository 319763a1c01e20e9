package io.helmwarden.demo;

import com.google.protobuf.Timestamp;
import io.helmwarden.release.hapi.chart.Chart;
import io.helmwarden.release.hapi.chart.Config;
import io.helmwarden.release.hapi.chart.Metadata;
import io.helmwarden.release.hapi.chart.Template;
import io.helmwarden.release.hapi.release.Info;
import io.helmwarden.release.hapi.release.Release;
import io.helmwarden.release.hapi.release.Status;
import com.google.protobuf.ByteString;
import java.time.Duration;
import java.time.Instant;

/** One release history of the demo fleet, encoded as Tiller 2.x would have written it. */
record DemoRelease(String name, String namespace, String chart, String chartVersion, String appVersion,
        String valuesYaml, Status.Code latestStatus, int revisions) {

    /** Revision {@code revision} of this history, deployed {@code age} before {@code now}. */
    Release revision(int revision, Instant now) {
        Instant deployed = now.minus(Duration.ofDays(3L * (revisions - revision) + 2)).minus(Duration.ofHours(name.length()));
        Instant firstDeployed = now.minus(Duration.ofDays(3L * revisions + 2));
        Status.Code code = revision == revisions ? latestStatus : Status.Code.SUPERSEDED;
        var chartMessage = Chart.newBuilder()
                .setMetadata(Metadata.newBuilder().setName(chart).setVersion(chartVersion).setAppVersion(appVersion)
                        .setApiVersion("v1").setDescription("Demo chart " + chart)
                        .setHome("https://charts.example.org/" + chart))
                .addTemplates(Template.newBuilder().setName("templates/deployment.yaml")
                        .setData(ByteString.copyFromUtf8(manifest())))
                .setValues(Config.newBuilder().setRaw("replicaCount: 1\n"));
        return Release.newBuilder()
                .setName(name)
                .setNamespace(namespace)
                .setVersion(revision)
                .setChart(chartMessage)
                .setConfig(Config.newBuilder().setRaw(valuesYaml))
                .setManifest(manifest())
                .setInfo(Info.newBuilder()
                        .setStatus(Status.newBuilder().setCode(code).setNotes("Thank you for installing " + chart + "."))
                        .setFirstDeployed(timestamp(firstDeployed))
                        .setLastDeployed(timestamp(deployed))
                        .setDescription(revision == 1 ? "Install complete"
                                : code == Status.Code.FAILED ? "Upgrade \"" + name + "\" failed: timed out waiting for the condition"
                                : "Upgrade complete"))
                .build();
    }

    private String manifest() {
        return """
                ---
                # Source: %1$s/templates/deployment.yaml
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %2$s
                  namespace: %3$s
                  labels:
                    app.kubernetes.io/name: %1$s
                    app.kubernetes.io/instance: %2$s
                    app.kubernetes.io/version: "%4$s"
                spec:
                  replicas: 2
                  selector:
                    matchLabels:
                      app.kubernetes.io/instance: %2$s
                  template:
                    metadata:
                      labels:
                        app.kubernetes.io/instance: %2$s
                    spec:
                      containers:
                        - name: %1$s
                          image: "registry.example.org/%1$s:%4$s"
                ---
                # Source: %1$s/templates/service.yaml
                apiVersion: v1
                kind: Service
                metadata:
                  name: %2$s
                  namespace: %3$s
                spec:
                  selector:
                    app.kubernetes.io/instance: %2$s
                  ports:
                    - port: 80
                """.formatted(chart, name, namespace, appVersion);
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).build();
    }
}
