package io.helmwarden.web;

import io.helmwarden.audit.AuditAction;
import io.helmwarden.audit.AuditEntry;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.audit.AuditLog;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Refusals of requests nobody signed in for (a POST without a session or CSRF token, mostly) are counted,
 * not written one by one: anyone on the network can send them, and one entry each would let them fill the
 * audit log and queue every audited action behind the chain's lock. Every interval, one entry per client
 * and route says how many there were; routes are cut short, and past a bound clients and routes are lumped
 * together, so the log grows by a bounded amount per interval whatever is sent.
 */
@Component
class AnonymousRefusals implements DisposableBean {

    static final int MAX_CLIENTS = 100;
    static final int MAX_ROUTES_PER_CLIENT = 5;
    static final int MAX_ROUTE_LENGTH = 120;
    static final String OTHER_CLIENTS = "other clients";
    static final String OTHER_ROUTES = "other routes";

    private record Key(String client, String route) {
    }

    private final AuditLog audit;
    private final Duration interval;
    private final Map<Key, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> routesPerClient = new ConcurrentHashMap<>();

    AnonymousRefusals(AuditLog audit,
            @Value("${helmwarden.audit.anonymous-refusals-interval:60s}") Duration interval) {
        this.audit = audit;
        this.interval = interval;
    }

    void refused(String client, String method, String path) {
        String route = method + " " + (path.length() > MAX_ROUTE_LENGTH ? path.substring(0, MAX_ROUTE_LENGTH) + "…" : path);
        String who = routesPerClient.containsKey(client) || routesPerClient.size() < MAX_CLIENTS ? client : OTHER_CLIENTS;
        Key key = new Key(who, route);
        if (!counts.containsKey(key)) {
            long routes = routesPerClient.computeIfAbsent(who, c -> new AtomicLong()).incrementAndGet();
            if (routes > MAX_ROUTES_PER_CLIENT) {
                key = new Key(who, OTHER_ROUTES);
            }
        }
        counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    /** Writes what was counted since the last time: one entry per client and route. */
    @Scheduled(fixedDelayString = "${helmwarden.audit.anonymous-refusals-interval:60s}",
            initialDelayString = "${helmwarden.audit.anonymous-refusals-interval:60s}")
    void flush() {
        routesPerClient.clear();
        for (Key key : counts.keySet()) {
            AtomicLong count = counts.remove(key);
            if (count != null && count.get() > 0) {
                audit.append(AuditEvent.by(new AuditEvent.Actor("anonymous", null, null), AuditAction.ACCESS_DENIED,
                        AuditEntry.Outcome.DENIED).details(count.get() + " × " + key.route() + " from " + key.client()
                        + " without signing in, within " + interval.toSeconds() + " s"));
            }
        }
    }

    @Override
    public void destroy() {
        flush();
    }
}
