package io.helmwarden.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TillerFlagsTest {

    @Test
    void readsEveryGoFlagSpellingFromCommandAndArgs() {
        var flags = TillerFlags.parse(List.of("/tiller", "-storage=secret", "--listen", "127.0.0.1:44134"),
                List.of("-history-max", "5", "--tls"));
        assertThat(flags.value("storage")).contains("secret");
        assertThat(flags.value("listen")).contains("127.0.0.1:44134");
        assertThat(flags.value("history-max")).contains("5");
        assertThat(flags.bool("tls")).contains(true);
        assertThat(flags.bool("tls-verify")).isEmpty();
    }

    @Test
    void theProgramInCommandIsNotAFlagAndArgsAloneWork() {
        assertThat(TillerFlags.parse(List.of("/tiller"), List.of()).values()).isEmpty();
        assertThat(TillerFlags.parse(null, List.of("--storage=secret")).value("storage")).contains("secret");
    }

    @Test
    void theLastOccurrenceWinsAndParsingStopsWhereGoStops() {
        var flags = TillerFlags.parse(List.of("/tiller", "--storage=configmap"), List.of("--storage=secret", "--",
                "--listen=:1"));
        assertThat(flags.value("storage")).contains("secret");
        assertThat(flags.value("listen")).isEmpty();
        assertThat(TillerFlags.parse(List.of(), List.of("serve", "--storage=secret")).value("storage")).isEmpty();
    }

    @Test
    void booleanFlagsTakeNoValueButMayBeSwitchedOffExplicitly() {
        var flags = TillerFlags.parse(List.of(), List.of("--tls-verify=false", "--tls", "--storage=secret"));
        assertThat(flags.bool("tls-verify")).contains(false);
        assertThat(flags.bool("tls")).contains(true);
        assertThat(flags.value("storage")).contains("secret");
    }

    @Test
    void looksIntoAShellWrapper() {
        var flags = TillerFlags.parse(List.of("/bin/sh", "-c", "exec /tiller --storage=secret --listen=127.0.0.1:44134"),
                List.of());
        assertThat(flags.value("storage")).contains("secret");
        assertThat(flags.value("listen")).contains("127.0.0.1:44134");
    }

    @Test
    void versionsComeFromImageTagsWhereverTheImageIsMirrored() {
        assertThat(HelmVersion.fromImage("gcr.io/kubernetes-helm/tiller:v2.16.1")).contains(new HelmVersion(2, 16, 1));
        assertThat(HelmVersion.fromImage("registry:5000/mirror/tiller:2.7.0")).contains(new HelmVersion(2, 7, 0));
        assertThat(HelmVersion.fromImage("tiller:latest")).isEmpty();
        assertThat(HelmVersion.fromImage("ghcr.io/helm/tiller:v2.17.0@sha256:abc")).contains(new HelmVersion(2, 17, 0));
        assertThat(new HelmVersion(2, 7, 1).compareTo(HelmVersion.TLS_ENFORCED)).isNegative();
    }
}
