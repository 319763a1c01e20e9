package io.helmwarden.fleet;

import io.helmwarden.cluster.ReleasePayloads;
import io.helmwarden.inventory.ReleaseRecord;
import io.helmwarden.inventory.ReleaseSummary;
import io.helmwarden.release.ReleaseDecodingException;
import io.helmwarden.release.ReleaseRecordCodec;
import io.helmwarden.release.hapi.release.Release;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Decoded release summaries by record ({@code uid@resourceVersion}): a record never changes without a new
 * resourceVersion, so a summary stays valid for its key. Values are never kept, only whether there were any.
 */
@Component
class ReleaseSummaries {

    private final ReleasePayloads payloads;
    private final Map<String, ReleaseSummary> byRecord = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    ReleaseSummaries(ReleasePayloads payloads) {
        this.payloads = payloads;
    }

    Optional<ReleaseSummary> find(String key) {
        return Optional.ofNullable(byRecord.get(key));
    }

    boolean known(String key) {
        return byRecord.containsKey(key);
    }

    long generation() {
        return generation.get();
    }

    ReleaseSummary decode(String clusterId, String namespace, ReleaseRecord record) {
        String key = record.uid() + "@" + record.resourceVersion();
        ReleaseSummary known = byRecord.get(key);
        if (known != null) {
            return known;
        }
        ReleaseSummary summary;
        try {
            summary = payloads.fetch(clusterId, record.kind(), namespace, record.objectName())
                    .map(ReleaseSummaries::summarize)
                    .orElseGet(() -> ReleaseSummary.unreadable("the record has no release payload"));
        } catch (ReleaseUnreadable e) {
            summary = ReleaseSummary.unreadable(e.getMessage());
        } catch (RuntimeException e) {
            // Not cached: the cluster may answer next time.
            return ReleaseSummary.unreadable("could not fetch the record: " + e.getMessage());
        }
        byRecord.put(key, summary);
        generation.incrementAndGet();
        return summary;
    }

    void retainOnly(Set<String> live) {
        if (byRecord.keySet().retainAll(live)) {
            generation.incrementAndGet();
        }
    }

    private static ReleaseSummary summarize(String payload) {
        Release release;
        try {
            release = ReleaseRecordCodec.decode(payload);
        } catch (ReleaseDecodingException e) {
            throw new ReleaseUnreadable(e.getMessage());
        }
        var metadata = release.getChart().getMetadata();
        var info = release.getInfo();
        return new ReleaseSummary(Optional.empty(), release.getNamespace(), metadata.getName(), metadata.getVersion(),
                metadata.getAppVersion(),
                info.hasFirstDeployed() ? Optional.of(Instant.ofEpochSecond(info.getFirstDeployed().getSeconds()))
                        : Optional.empty(),
                info.hasLastDeployed() ? Optional.of(Instant.ofEpochSecond(info.getLastDeployed().getSeconds()))
                        : Optional.empty(),
                info.getDescription(),
                !release.getConfig().getRaw().isBlank() || release.getConfig().getValuesCount() > 0,
                release.getVersion());
    }

    /** A payload that is there but does not decode: remembered, with the reason. */
    private static final class ReleaseUnreadable extends RuntimeException {
        ReleaseUnreadable(String message) {
            super(message);
        }
    }
}
