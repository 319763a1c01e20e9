package io.helmwarden.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TillerFlagRewriterTest {

    @Test
    void addsTheFlagToArgsAndKeepsEverythingElse() {
        var rewritten = TillerFlagRewriter.set(List.of(), List.of("--listen=127.0.0.1:44134", "--history-max=5"), "storage", "secret");
        assertThat(rewritten.command()).isNull();
        assertThat(rewritten.args()).containsExactly("--listen=127.0.0.1:44134", "--history-max=5", "--storage=secret");
    }

    @Test
    void rewritesTheFlagWhereItIsInEverySpelling() {
        assertThat(TillerFlagRewriter.set(List.of("/tiller", "-storage=configmap", "--listen", ":44134"), List.of(), "storage", "secret"))
                .isEqualTo(new TillerFlagRewriter.Rewritten(List.of("/tiller", "-storage=secret", "--listen", ":44134"), List.of()));
        assertThat(TillerFlagRewriter.set(null, List.of("--storage", "configmap", "--trace"), "storage", "secret").args())
                .containsExactly("--storage", "secret", "--trace");
        // Both places: Go takes the last, so both are rewritten.
        var both = TillerFlagRewriter.set(List.of("/tiller", "--storage=configmap"), List.of("--storage=memory"), "storage", "secret");
        assertThat(both.command()).containsExactly("/tiller", "--storage=secret");
        assertThat(both.args()).containsExactly("--storage=secret");
    }

    @Test
    void theProgramItselfIsNeverTakenForAFlag() {
        assertThat(TillerFlagRewriter.set(List.of("/tiller"), null, "storage", "secret"))
                .isEqualTo(new TillerFlagRewriter.Rewritten(List.of("/tiller"), List.of("--storage=secret")));
    }

    @Test
    void booleanFlagsAreAlwaysWrittenWithTheirValue() {
        assertThat(TillerFlagRewriter.setBoolean(List.of("/tiller", "--tls"), List.of("--tls-verify=false"), "tls-verify", true))
                .isEqualTo(new TillerFlagRewriter.Rewritten(List.of("/tiller", "--tls"), List.of("--tls-verify=true")));
        assertThat(TillerFlagRewriter.setBoolean(null, List.of("--tls", "--trace"), "tls", true).args())
                .containsExactly("--tls=true", "--trace");
    }
}
