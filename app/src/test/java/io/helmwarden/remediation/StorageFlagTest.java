package io.helmwarden.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StorageFlagTest {

    @Test
    void addsTheFlagToArgsAndKeepsEverythingElse() {
        var rewritten = StorageFlag.set(List.of(), List.of("--listen=127.0.0.1:44134", "--history-max=5"), "secret");
        assertThat(rewritten.command()).isNull();
        assertThat(rewritten.args()).containsExactly("--listen=127.0.0.1:44134", "--history-max=5", "--storage=secret");
    }

    @Test
    void rewritesTheFlagWhereItIsInEverySpelling() {
        assertThat(StorageFlag.set(List.of("/tiller", "-storage=configmap", "--listen", ":44134"), List.of(), "secret"))
                .isEqualTo(new StorageFlag.Rewritten(List.of("/tiller", "-storage=secret", "--listen", ":44134"), List.of()));
        assertThat(StorageFlag.set(null, List.of("--storage", "configmap", "--trace"), "secret").args())
                .containsExactly("--storage", "secret", "--trace");
        // Both places: Go takes the last, so both are rewritten.
        var both = StorageFlag.set(List.of("/tiller", "--storage=configmap"), List.of("--storage=memory"), "secret");
        assertThat(both.command()).containsExactly("/tiller", "--storage=secret");
        assertThat(both.args()).containsExactly("--storage=secret");
    }

    @Test
    void theProgramItselfIsNeverTakenForAFlag() {
        assertThat(StorageFlag.set(List.of("/tiller"), null, "secret"))
                .isEqualTo(new StorageFlag.Rewritten(List.of("/tiller"), List.of("--storage=secret")));
    }
}
