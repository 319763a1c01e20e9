package io.helmwarden.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Service;

/**
 * Probes every cluster's API server in the background and keeps the answers in memory, so that pages
 * show reachability without calling any cluster themselves.
 */
@Service
public class ClusterHealth implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(ClusterHealth.class);

    private final ClusterRegistry registry;
    private final ClusterStatusRepository repository;
    private final Clock clock;
    private final Map<String, ClusterStatus> statuses = new ConcurrentHashMap<>();
    private final Duration probeInterval;

    ClusterHealth(ClusterRegistry registry, ClusterStatusRepository repository, Clock clock, ClusterProperties properties) {
        this.registry = registry;
        this.probeInterval = properties.probeInterval();
        this.repository = repository;
        this.clock = clock;
        registry.all().forEach(cluster ->
                statuses.put(cluster.id(), ClusterStatus.unknown(cluster.id(), repository.find(cluster.id()))));
    }

    /** The latest status of each cluster, in registry order. */
    public List<ClusterStatus> statuses() {
        return registry.all().stream().map(cluster -> statuses.get(cluster.id())).toList();
    }

    public ClusterStatus status(String clusterId) {
        return statuses.get(clusterId);
    }

    /** Probes at once, then every {@code helmwarden.probe-interval} after the last probe ended. */
    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(new FixedDelayTask(this::probeAll, probeInterval, Duration.ZERO));
    }

    public void probeAll() {
        registry.all().forEach(this::probe);
    }

    ClusterStatus probe(Cluster cluster) {
        ClusterStatus previous = statuses.get(cluster.id());
        ClusterStatus next;
        try {
            var version = cluster.client().getKubernetesVersion();
            String name = version.getGitVersion() != null ? version.getGitVersion()
                    : "v" + version.getMajor() + "." + version.getMinor();
            next = previous.reachable(name, clock.instant());
        } catch (RuntimeException e) {
            next = previous.unreachable(describe(e), clock.instant());
            if (previous.reachability() != ClusterStatus.Reachability.UNREACHABLE) {
                log.warn("cluster {} ({}) is unreachable: {}", cluster.id(), cluster.apiServer(), next.error());
            }
        }
        statuses.put(cluster.id(), next);
        repository.save(next);
        return next;
    }

    /** A reason people can act on, without stack traces or credentials. */
    static String describe(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof KubernetesClientException k && k.getCode() > 0) {
                String said = k.getStatus() != null && k.getStatus().getMessage() != null ? ": " + k.getStatus().getMessage() : "";
                return switch (k.getCode()) {
                    case 401 -> "HTTP 401 Unauthorized: the API server rejected Helm Warden's credentials";
                    case 403 -> "HTTP 403 Forbidden" + (said.isEmpty() ? ": Helm Warden's identity lacks the right" : said);
                    default -> "HTTP " + k.getCode() + said;
                };
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return "connection refused: nothing answers at the API server address";
            }
            if (cause instanceof UnknownHostException) {
                return "unknown host: " + cause.getMessage();
            }
            if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException) {
                return "timed out waiting for the API server";
            }
            if (cause instanceof SSLException) {
                return "TLS handshake failed: " + cause.getMessage();
            }
        }
        String reason = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        return reason.length() > 500 ? reason.substring(0, 500) + "…" : reason;
    }
}
