package io.helmwarden.cluster;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/** One {@link ClusterWatch} per registered cluster, started with the application. */
@Component
public class ClusterWatches implements DisposableBean {

    private final Map<String, ClusterWatch> watches = new LinkedHashMap<>();

    ClusterWatches(ClusterRegistry registry, Clock clock) {
        for (Cluster cluster : registry.all()) {
            var watch = new ClusterWatch(cluster, clock);
            watches.put(cluster.id(), watch);
            watch.start();
        }
    }

    public ClusterWatch of(String clusterId) {
        ClusterWatch watch = watches.get(clusterId);
        if (watch == null) {
            throw new IllegalArgumentException("no cluster " + clusterId);
        }
        return watch;
    }

    @Override
    public void destroy() {
        watches.values().forEach(ClusterWatch::close);
    }
}
