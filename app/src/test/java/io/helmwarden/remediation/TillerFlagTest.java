package io.helmwarden.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TillerFlagTest {

    @Test
    void addsTheFlagToArgsAndKeepsEverythingElse() {
        var rewritten = TillerFlag.set(List.of(), List.of("--listen=127.0.0.1:44134", "--history-max=5"), "storage", "secret");
        assertThat(rewritten.command()).isNull();
        assertThat(rewritten.args()).containsExactly("--listen=127.0.0.1:44134", "--history-max=5", "--storage=secret");
    }

    @Test
    void rewritesTheFlagWhereItIsInEverySpelling() {
        assertThat(TillerFlag.set(List.of("/tiller", "-storage=configmap", "--listen", ":44134"), List.of(), "storage", "secret"))
                .isEqualTo(new TillerFlag.Rewritten(List.of("/tiller", "-storage=secret", "--listen", ":44134"), List.of()));
        assertThat(TillerFlag.set(null, List.of("--storage", "configmap", "--trace"), "storage", "secret").args())
                .containsExactly("--storage", "secret", "--trace");
        // Both places: Go takes the last, so both are rewritten.
        var both = TillerFlag.set(List.of("/tiller", "--storage=configmap"), List.of("--storage=memory"), "storage", "secret");
        assertThat(both.command()).containsExactly("/tiller", "--storage=secret");
        assertThat(both.args()).containsExactly("--storage=secret");
    }

    @Test
    void theProgramItselfIsNeverTakenForAFlag() {
        assertThat(TillerFlag.set(List.of("/tiller"), null, "storage", "secret"))
                .isEqualTo(new TillerFlag.Rewritten(List.of("/tiller"), List.of("--storage=secret")));
    }

    @Test
    void booleanFlagsAreAlwaysWrittenWithTheirValue() {
        assertThat(TillerFlag.setBoolean(List.of("/tiller", "--tls"), List.of("--tls-verify=false"), "tls-verify", true))
                .isEqualTo(new TillerFlag.Rewritten(List.of("/tiller", "--tls"), List.of("--tls-verify=true")));
        assertThat(TillerFlag.setBoolean(null, List.of("--tls", "--trace"), "tls", true).args())
                .containsExactly("--tls=true", "--trace");
    }
}
