package io.helmwarden.benchmark;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.helmwarden.HelmWardenApplication;
import io.helmwarden.audit.AuditAction;
import io.helmwarden.audit.AuditEntry;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.audit.AuditFilter;
import io.helmwarden.audit.AuditLog;
import io.helmwarden.cluster.AdditionalClusters;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.release.ReleaseRecords;
import io.helmwarden.release.ReleaseStorage;
import io.helmwarden.release.hapi.release.Status;
import io.helmwarden.remediation.PlanInput;
import io.helmwarden.remediation.RemediationExecutor;
import io.helmwarden.remediation.RemediationKind;
import io.helmwarden.remediation.RemediationPlan;
import io.helmwarden.remediation.RemediationRun;
import io.helmwarden.remediation.RemediationRuns;
import io.helmwarden.support.kube.KubeApiServer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Helm Warden at fleet scale, on a real kube-apiserver: generates the fleet, then measures cold sync and
 * heap, page latency under load (wrk, 16 connections) with the API requests made meanwhile, the time from a
 * RoleBinding deleted to the finding gone, ConfigMap→Secret migration throughput against sequential kubectl
 * and raw parallel creates, audit-log queries over a million entries, and a conversion to Helm 3 of 1,000 releases
 * against helm-2to3's sequential writes. Prints figures and writes them to
 * {@code BENCHMARK.md}; it passes or fails nothing.
 *
 * <p>Run: {@code ./mvnw -B -pl app -am -Pbenchmark -DskipTests verify} (sizes: {@code -Dbench.tillers},
 * {@code -Dbench.records}, {@code -Dbench.runs}, {@code -Dbench.auditEntries}).
 */
public final class FleetBenchmark {

    static final int TILLERS = Integer.getInteger("bench.tillers", 500);
    static final int RECORDS = Integer.getInteger("bench.records", 50_000);
    static final int RUNS = Integer.getInteger("bench.runs", 3);
    static final int AUDIT_ENTRIES = Integer.getInteger("bench.auditEntries", 1_000_000);
    static final int MIGRATION_RECORDS = 1_000;
    static final int KUBECTL_RECORDS = Integer.getInteger("bench.kubectlRecords", 200);
    static final int CONVERSION_RELEASES = Integer.getInteger("bench.conversionReleases", 1_000);
    static final int CONVERSION_REVISIONS = 10;
    static final int SEQUENTIAL_RELEASES = Integer.getInteger("bench.sequentialReleases", 200);
    static final String WRK_DURATION = System.getProperty("bench.wrkDuration", "10s");

    private final List<String> report = new ArrayList<>();
    /** Sections 4 and 5, measured during the last run, printed after 1–3. */
    private final List<String> later = new ArrayList<>();
    private final AtomicLong apiRequests = new AtomicLong();
    private final Map<String, List<Double>> serverTimes = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        new FleetBenchmark().run();
        System.exit(0);
    }

    void run() throws Exception {
        line("# Helm Warden benchmark");
        line("");
        line("Taken " + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " on " + machine() + ".");
        line("Command: `./mvnw -B -pl app -am -Pbenchmark -DskipTests verify`. Figures, not pass/fail.");
        line("");
        try (KubeApiServer server = KubeApiServer.start()) {
            KubernetesClient admin = server.adminClient();
            kubeconfig = server.writeKubeconfig(Files.createTempFile("bench", ".kubeconfig"));
            FleetGenerator.Fleet fleet = new FleetGenerator(admin).generate(TILLERS, RECORDS);
            line("## Workload");
            line("");
            line(String.format("One real kube-apiserver (RBAC on, etcd), three clusters' worth of namespaces (c1-, c2-, c3-)"
                    + " watched as one cluster: **%d Tillers** in 5 configurations, **%d release records** (%.0f MB of"
                    + " encoded payload; 80%% 1.5–7.5 KB, 18%% 7.5–48 KB, 1.8%% 50–220 KB, 0.2%% 300–680 KB), **%d RBAC"
                    + " objects** of the Tillers (plus the built-in ones). Generated in %d s.", fleet.tillers(),
                    fleet.records(), fleet.payloadBytes() / 1e6 * 1.37, fleet.rbacObjects(), fleet.took().toSeconds()));
            line("");

            List<Double> syncSeconds = new ArrayList<>();
            List<Double> heapMb = new ArrayList<>();
            Map<String, List<Double>> clientP50 = new LinkedHashMap<>();
            Map<String, List<Double>> clientP95 = new LinkedHashMap<>();
            Map<String, Double> requestsPerView = new LinkedHashMap<>();
            List<Double> reactionMs = new ArrayList<>();
            List<String> driverBindings = new ArrayList<>(fleet.driverBindings());
            for (int run = 1; run <= RUNS; run++) {
                System.gc();
                long start = System.nanoTime();
                try (ConfigurableApplicationContext app = startApp(server, run)) {
                    FleetState state = app.getBean(FleetState.class);
                    awaitSynced(state);
                    syncSeconds.add((System.nanoTime() - start) / 1e9);
                    heapMb.add(heapAfterGc());
                    awaitQuiet();
                    int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
                    String cookie = signIn(port);
                    String tiller = "/tillers/bench/" + FleetGenerator.tillerNamespace(7) + "/tiller-deploy";
                    Map<String, String[]> pages = new LinkedHashMap<>();
                    pages.put("Fleet page, 1 connection", new String[] {"/", null, "1"});
                    pages.put("Fleet page", new String[] {"/", null});
                    pages.put("Filtered Fleet fragment (htmx)", new String[] {"/?severity=CRITICAL&q=c2-", "true"});
                    pages.put("Tiller page", new String[] {tiller, null});
                    pages.put("Findings JSON export", new String[] {"/api/findings", null});
                    for (var page : pages.entrySet()) {
                        String key = page.getValue()[0] + (page.getValue()[1] == null ? "" : " [hx]");
                        serverTimes.remove(key);
                        long before = apiRequests.get();
                        int connections = page.getValue().length > 2 ? Integer.parseInt(page.getValue()[2]) : 16;
                        Wrk result = wrk(port, page.getValue()[0], cookie, page.getValue()[1] != null, connections);
                        long calls = apiRequests.get() - before;
                        clientP50.computeIfAbsent(page.getKey(), k -> new ArrayList<>()).add(result.p50());
                        clientP95.computeIfAbsent(page.getKey(), k -> new ArrayList<>()).add(result.p95());
                        List<Double> timed = new ArrayList<>(serverTimes.getOrDefault(key, List.of()));
                        clientP50.computeIfAbsent(page.getKey() + " server", k -> new ArrayList<>())
                                .add(Stats.percentile(sorted(timed), 50));
                        clientP95.computeIfAbsent(page.getKey() + " server", k -> new ArrayList<>())
                                .add(Stats.percentile(sorted(timed), 95));
                        requestsPerView.merge(page.getKey(), (double) calls / Math.max(1, result.requests()), Double::sum);
                        System.out.printf("run %d %s: %d requests (%d errors), client p50 %.1f ms p95 %.1f ms, server p50"
                                + " %.1f ms p95 %.1f ms, %d API requests meanwhile%n", run, page.getKey(), result.requests(),
                                result.errors(), result.p50(), result.p95(), Stats.percentile(sorted(timed), 50),
                                Stats.percentile(sorted(timed), 95), calls);
                    }
                    // A RoleBinding deleted in the cluster → the finding gone from the Tiller page.
                    for (int i = 0; i < 2 && !driverBindings.isEmpty(); i++) {
                        String[] binding = driverBindings.remove(0).split("/");
                        reactionMs.add(reaction(admin, port, cookie, binding[0], binding[1]));
                    }
                    if (run == RUNS) {
                        migration(app, admin);
                        audit(app);
                        conversion(app, admin);
                    }
                }
            }
            line("## 1. Cold start to fully synced inventory");
            line("");
            line("- Start (Spring context, informers, first judgement) until all " + TILLERS + " Tillers and " + RECORDS
                    + " records are in the inventory: " + Stats.of(syncSeconds).format("s") + " — target < 30 s");
            line("- Heap used after sync and a full GC: " + Stats.of(heapMb).format("MB")
                    + " — target < 512 MB (release payloads are not held: records keep metadata only)");
            line("");
            line("## 2. Pages under load (wrk, 2 threads, 16 connections unless said, " + WRK_DURATION + " per page per run)");
            line("");
            line("| Page | client p50 | client p95 | server p50 | server p95 | Kubernetes API requests per view |");
            line("|---|---|---|---|---|---|");
            for (String page : List.of("Fleet page", "Fleet page, 1 connection", "Filtered Fleet fragment (htmx)",
                    "Tiller page", "Findings JSON export")) {
                line(String.format("| %s | %s | %s | %s | %s | %.4f |", page, ms(clientP50.get(page)), ms(clientP95.get(page)),
                        ms(clientP50.get(page + " server")), ms(clientP95.get(page + " server")),
                        requestsPerView.get(page) / RUNS));
            }
            line("");
            line("Each cell: median over the runs (spread in brackets). Server time is measured by a servlet filter"
                    + " around the whole request; client time by wrk. Target: Fleet page p95 server time < 50 ms; zero"
                    + " API requests per view (requests counted on the cluster's client during the load; the periodic"
                    + " reachability probe is the only caller, not the pages). The two cores are shared by wrk, etcd,"
                    + " kube-apiserver and Helm Warden: under 16 connections a request mostly waits for a core; the"
                    + " single-connection row is the time one request takes.");
            line("");
            line("## 3. Cluster change to finding gone");
            line("");
            line("- A RoleBinding letting an outsider port-forward deleted → `unexpected-drivers` gone from the Tiller page"
                    + " as served: " + Stats.of(reactionMs).format("ms") + " — target < 2 s. (A browser showing the"
                    + " page sees it at its next live refresh.)");
            line("");
        }
        report.addAll(later);
        Path results = Path.of("BENCHMARK.md");
        Files.writeString(results, String.join("\n", report) + "\n");
        System.out.println("\n" + String.join("\n", report));
        System.out.println("\nwritten to " + results.toAbsolutePath());
    }

    private ConfigurableApplicationContext startApp(KubeApiServer server, int run) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("server.port", "0");
        properties.put("helmwarden.demo.idp.port", "0");
        properties.put("spring.datasource.url", "jdbc:h2:mem:bench-" + run + ";DB_CLOSE_DELAY=-1");
        properties.put("logging.level.root", "WARN");
        properties.put("logging.level.helmwarden.audit", "OFF");
        properties.put("spring.main.banner-mode", "off");
        // The demo profile turns the template cache off for editing; a deployment keeps it on (the default).
        properties.put("spring.thymeleaf.cache", "true");
        for (int team = 0; team < 50; team++) {
            properties.put("helmwarden.teams[" + team + "].id", "team-" + team);
            properties.put("helmwarden.teams[" + team + "].member-groups", "team-" + team);
            List<String> owned = new ArrayList<>();
            for (int i = team; i < TILLERS; i += 50) {
                owned.add(FleetGenerator.tillerNamespace(i));
                owned.add(FleetGenerator.appNamespace(i));
            }
            properties.put("helmwarden.teams[" + team + "].namespaces.bench", String.join(",", owned));
        }
        var config = server.adminClient().getConfiguration();
        KubernetesClient counting = new KubernetesClientBuilder().withConfig(config)
                .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor("count", new Interceptor() {
                    @Override
                    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                        apiRequests.incrementAndGet();
                    }
                })).build();
        // As command-line arguments: they override application.yaml (default properties would not).
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(HelmWardenApplication.class)
                .profiles("demo")
                .initializers(context -> {
                    var generic = (GenericApplicationContext) context;
                    generic.registerBean("benchCluster", AdditionalClusters.class, () -> () -> List.of(
                            new Cluster("bench", "Benchmark fleet", "benchmark", server.url(), counting)));
                    generic.registerBean("serverTimes", ServerTimes.class, () -> new ServerTimes(serverTimes));
                })
                .run(args);
    }

    /** Times every request on the server side, from the first filter to the last byte written. */
    static final class ServerTimes extends OncePerRequestFilter {
        private final Map<String, List<Double>> times;

        ServerTimes(Map<String, List<Double>> times) {
            this.times = times;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            long start = System.nanoTime();
            try {
                chain.doFilter(request, response);
            } finally {
                String key = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString())
                        + (request.getHeader("HX-Request") == null ? "" : " [hx]");
                times.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add((System.nanoTime() - start) / 1e6);
            }
        }
    }

    private static void awaitSynced(FleetState state) throws InterruptedException {
        while (true) {
            var bench = state.cluster("bench");
            if (bench.isPresent() && bench.get().synced() && bench.get().tillers().size() == TILLERS
                    && bench.get().tillers().stream().mapToInt(t -> t.tiller().records().size()).sum() == RECORDS) {
                return;
            }
            Thread.sleep(50);
        }
    }

    /** After the sync, newest revisions are decoded in the background; the load starts once that is over. */
    private void awaitQuiet() throws InterruptedException {
        long last = -1;
        while (apiRequests.get() != last) {
            last = apiRequests.get();
            Thread.sleep(3000);
        }
    }

    private static double heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6;
    }

    /** Signs in through the demo provider as the admin, the way a browser does; returns the session cookie. */
    private static String signIn(int port) throws Exception {
        var cookies = new CookieManager();
        var http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NORMAL).build();
        var login = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(login.body());
        if (!csrf.find()) {
            throw new IllegalStateException("no sign-in form at " + login.uri());
        }
        String form = "username=admin&password=warden-admin&_csrf=" + java.net.URLEncoder.encode(csrf.group(1),
                StandardCharsets.UTF_8);
        URI action = login.uri().resolve("/login");
        var signedIn = http.send(java.net.http.HttpRequest.newBuilder(action)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (signedIn.statusCode() != 200 || !signedIn.body().contains("<h1>Fleet</h1>")) {
            throw new IllegalStateException("sign-in failed: " + signedIn.statusCode() + " at " + signedIn.uri());
        }
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("HELM_WARDEN_SESSION"))
                .findFirst().orElseThrow().getValue();
    }

    record Wrk(long requests, long errors, double p50, double p95) {
    }

    private static Wrk wrk(int port, String path, String cookie, boolean htmx, int connections) throws Exception {
        Path script = Files.createTempFile("percentiles", ".lua");
        Files.writeString(script, """
                done = function(summary, latency, requests)
                  local e = summary.errors
                  io.write(string.format("RESULT %d %d %.3f %.3f\\n", summary.requests,
                    e.connect + e.read + e.write + e.status + e.timeout,
                    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
                end
                """);
        List<String> command = new ArrayList<>(List.of("wrk", "-t" + Math.min(2, connections), "-c" + connections,
                "-d" + WRK_DURATION, "--timeout", "30s",
                "-s", script.toString(), "-H", "Cookie: HELM_WARDEN_SESSION=" + cookie, "-H", "Accept: text/html,application/json"));
        if (htmx) {
            command.addAll(List.of("-H", "HX-Request: true"));
        }
        command.add("http://127.0.0.1:" + port + path);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        Matcher result = Pattern.compile("RESULT (\\d+) (\\d+) ([\\d.]+) ([\\d.]+)").matcher(out);
        if (!result.find()) {
            throw new IllegalStateException("wrk said: " + out);
        }
        return new Wrk(Long.parseLong(result.group(1)), Long.parseLong(result.group(2)),
                Double.parseDouble(result.group(3)), Double.parseDouble(result.group(4)));
    }

    private static double reaction(KubernetesClient admin, int port, String cookie, String namespace, String binding)
            throws Exception {
        var http = HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tillers/bench/"
                + namespace + "/tiller-deploy")).header("Cookie", "HELM_WARDEN_SESSION=" + cookie)
                .header("Accept", "text/html").build();
        String finding = "Subjects other than its owners can drive this Tiller";
        if (!http.send(request, HttpResponse.BodyHandlers.ofString()).body().contains(finding)) {
            throw new IllegalStateException("the finding is not on " + namespace + "'s page to begin with");
        }
        admin.rbac().roleBindings().inNamespace(namespace).withName(binding).delete();
        long start = System.nanoTime();
        while (http.send(request, HttpResponse.BodyHandlers.ofString()).body().contains(finding)) {
            Thread.sleep(10);
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /** Helm Warden's migration, sequential kubectl get/create per record, and raw parallel creates. */
    private void migration(ConfigurableApplicationContext app, KubernetesClient admin) throws Exception {
        String ours = "bench-migrate";
        String viaKubectl = "bench-kubectl";
        String raw = "bench-raw";
        for (String ns : List.of(ours, viaKubectl, raw)) {
            admin.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                    .withName(ns).endMetadata().build()).create();
        }
        admin.apps().deployments().inNamespace(ours).resource(new HelmInit(ours).deployment()).create();
        List<ConfigMap> records = new ArrayList<>();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < MIGRATION_RECORDS; i++) {
            records.add((ConfigMap) ReleaseRecords.create(FleetGenerator.release("m" + i / 4, i % 4 + 1,
                    Status.Code.SUPERSEDED, "apps", 1_500 + random.nextInt(6_000), i), ReleaseStorage.CONFIGMAP, ours,
                    Instant.parse("2020-01-01T00:00:00Z")));
        }
        parallel(records, 16, record -> admin.configMaps().inNamespace(ours).resource(record).create());
        for (int i = 0; i < KUBECTL_RECORDS; i++) {
            ConfigMap copy = new io.fabric8.kubernetes.api.model.ConfigMapBuilder(records.get(i)).editMetadata()
                    .withNamespace(viaKubectl).withResourceVersion(null).withUid(null).withCreationTimestamp(null).endMetadata()
                    .build();
            admin.configMaps().inNamespace(viaKubectl).resource(copy).create();
        }
        FleetState fleet = app.getBean(FleetState.class);
        String tillerId = "bench/" + ours + "/tiller-deploy";
        while (fleet.tiller(tillerId).map(s -> s.tiller().records().size() != MIGRATION_RECORDS).orElse(true)) {
            Thread.sleep(50);
        }
        Tiller tiller = fleet.tiller(tillerId).orElseThrow().tiller();
        RemediationExecutor executor = app.getBean(RemediationExecutor.class);
        RemediationRuns runs = app.getBean(RemediationRuns.class);
        long start = System.nanoTime();
        RemediationRun run = executor.start(RemediationKind.MIGRATE_STORAGE.plan(new PlanInput(tiller, new PlanInput.Settings(200, false))), tiller, new AuditEvent.Actor("bench", null, null));
        while (!runs.find(run.id()).orElseThrow().finished()) {
            Thread.sleep(20);
        }
        double wholeRun = (System.nanoTime() - start) / 1e9;
        RemediationRun done = runs.find(run.id()).orElseThrow();
        if (done.state() != RemediationRun.State.DONE) {
            throw new IllegalStateException("migration failed: " + done.error());
        }
        var copy = done.steps().stream().filter(s -> s.name().equals("copy")).findFirst().orElseThrow();
        double copySeconds = Duration.between(copy.startedAt(), copy.finishedAt()).toNanos() / 1e9;
        double ourRate = MIGRATION_RECORDS / copySeconds;

        // tiller-releases-converter's way: per record, kubectl get the ConfigMap, kubectl create the Secret.
        start = System.nanoTime();
        for (int i = 0; i < KUBECTL_RECORDS; i++) {
            String name = records.get(i).getMetadata().getName();
            String json = kubectl(null, "get", "configmap", name, "-n", viaKubectl, "-o", "json");
            Matcher payload = Pattern.compile("\"release\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
            if (!payload.find()) {
                throw new IllegalStateException("no payload in " + name);
            }
            String secret = "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"" + name
                    + "\",\"labels\":{\"OWNER\":\"TILLER\"}},\"data\":{\"release\":\"" + Base64.getEncoder()
                    .encodeToString(payload.group(1).getBytes(StandardCharsets.US_ASCII)) + "\"}}";
            kubectl(secret, "create", "-n", viaKubectl, "-f", "-");
        }
        double kubectlRate = KUBECTL_RECORDS / ((System.nanoTime() - start) / 1e9);

        start = System.nanoTime();
        parallel(records, 16, record -> admin.secrets().inNamespace(raw).resource(new SecretBuilder().withNewMetadata()
                .withName(record.getMetadata().getName()).endMetadata()
                .withData(Map.of("release", Base64.getEncoder().encodeToString(record.getData().get("release")
                        .getBytes(StandardCharsets.US_ASCII)))).build()).create());
        double rawRate = MIGRATION_RECORDS / ((System.nanoTime() - start) / 1e9);

        later("## 4. ConfigMap → Secret migration, " + MIGRATION_RECORDS + " records (1.5–7.5 KB)");
        later("");
        later("| Approach | records/s |");
        later("|---|---|");
        later(String.format("| Helm Warden, copy step (16 writes in flight; the whole verified run with preflight, verify,"
                + " switch and retire took %.1f s) | %.0f |", wholeRun, ourRate));
        later(String.format("| Sequential `kubectl get` + `kubectl create` per record, as tiller-releases-converter does"
                + " (%d records) | %.1f |", KUBECTL_RECORDS, kubectlRate));
        later(String.format("| Raw parallel creates, 16 threads (the API server's practical limit) | %.0f |", rawRate));
        later("");
        later(String.format("Helm Warden vs kubectl: **%.0f×** (target ≥ 10×); raw vs Helm Warden: **%.2f×** (target"
                + " within 2×).", ourRate / kubectlRate, rawRate / ourRate));
        later("");
    }

    /**
     * A Tiller's 1,000 releases of 10 revisions converted to Helm 3 by Helm Warden's run (preflight, quiesce, convert,
     * verify, hand-over, resume), against helm-2to3's way of writing: one sequential create per revision, by a client
     * doing the same conversion in the same process.
     */
    private void conversion(ConfigurableApplicationContext app, KubernetesClient admin) throws Exception {
        String tillerNs = "bench-convert";
        String apps = "bench-convert-apps";
        String sequentialApps = "bench-2to3-apps";
        for (String ns : List.of(tillerNs, apps, sequentialApps)) {
            admin.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                    .withName(ns).endMetadata().build()).create();
        }
        admin.apps().deployments().inNamespace(tillerNs).resource(new HelmInit(tillerNs).deployment()).create();
        List<ConfigMap> records = new ArrayList<>();
        java.util.Random random = new java.util.Random(11);
        for (int release = 0; release < CONVERSION_RELEASES; release++) {
            for (int revision = 1; revision <= CONVERSION_REVISIONS; revision++) {
                records.add((ConfigMap) ReleaseRecords.create(FleetGenerator.release("r" + release, revision,
                        revision == CONVERSION_REVISIONS ? Status.Code.DEPLOYED : Status.Code.SUPERSEDED, apps,
                        1_500 + random.nextInt(6_000), release * 100L + revision), ReleaseStorage.CONFIGMAP, tillerNs,
                        Instant.parse("2020-01-01T00:00:00Z")));
            }
        }
        // The API server is busy with the fleet's watches: a create that times out is tried again.
        parallel(records, 8, record -> {
            for (int attempt = 1; ; attempt++) {
                try {
                    admin.configMaps().inNamespace(tillerNs).resource(record).create();
                    return;
                } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                    if (e.getCode() == 409) {
                        return;
                    }
                    if (attempt == 5) {
                        throw e;
                    }
                }
            }
        });
        FleetState fleet = app.getBean(FleetState.class);
        String tillerId = "bench/" + tillerNs + "/tiller-deploy";
        while (fleet.tiller(tillerId).map(s -> s.tiller().records().size() != records.size()).orElse(true)) {
            Thread.sleep(50);
        }
        Tiller tiller = fleet.tiller(tillerId).orElseThrow().tiller();
        double heapBefore = heapAfterGc();
        PeakHeap peak = PeakHeap.start();
        long start = System.nanoTime();
        var preview = app.getBean(io.helmwarden.remediation.Helm3Conversions.class).survey(tiller, java.util.Optional.empty(), 0);
        double previewSeconds = (System.nanoTime() - start) / 1e9;
        RemediationPlan plan = RemediationKind.CONVERT_TO_HELM3.plan(new PlanInput(tiller, new PlanInput.Settings(200, false),
                List.of(), Map.of(), java.util.Optional.of(preview)));
        if (plan.refusal().isPresent()) {
            throw new IllegalStateException("conversion refused: " + plan.refusal().get());
        }
        RemediationExecutor executor = app.getBean(RemediationExecutor.class);
        RemediationRuns runs = app.getBean(RemediationRuns.class);
        start = System.nanoTime();
        RemediationRun run = executor.start(plan, tiller, new AuditEvent.Actor("bench", null, null));
        while (!runs.find(run.id()).orElseThrow().finished()) {
            Thread.sleep(20);
        }
        double wholeRun = (System.nanoTime() - start) / 1e9;
        double peakHeap = peak.stop();
        RemediationRun done = runs.find(run.id()).orElseThrow();
        if (done.state() != RemediationRun.State.DONE) {
            throw new IllegalStateException("conversion failed: " + done.error());
        }
        Map<String, Double> stepSeconds = new LinkedHashMap<>();
        done.steps().forEach(step -> stepSeconds.put(step.name(),
                Duration.between(step.startedAt(), step.finishedAt()).toNanos() / 1e9));

        // helm-2to3's way: per release, per revision in ascending order, one create, one after another.
        int sequentialRevisions = 0;
        int sequential = Math.min(SEQUENTIAL_RELEASES, CONVERSION_RELEASES);
        start = System.nanoTime();
        for (int release = 0; release < sequential; release++) {
            for (int revision = 1; revision <= CONVERSION_REVISIONS; revision++) {
                ConfigMap record = records.get(release * CONVERSION_REVISIONS + revision - 1);
                var converted = io.helmwarden.release.Helm2To3.convert(io.helmwarden.release.ReleaseRecordCodec.decode(
                        record.getData().get("release")));
                String payload = io.helmwarden.release.Helm3Records.encode(converted.release());
                admin.secrets().inNamespace(sequentialApps).resource(io.helmwarden.release.Helm3Records.secret(sequentialApps,
                        "r" + release, revision, converted.status(), payload, Instant.now(), Map.of())).create();
                sequentialRevisions++;
            }
        }
        double sequentialSeconds = (System.nanoTime() - start) / 1e9;
        double ourReleases = CONVERSION_RELEASES / wholeRun;
        double ourConvertReleases = CONVERSION_RELEASES / stepSeconds.get("convert");
        double sequentialReleases = sequential / sequentialSeconds;

        later("## 6. Conversion to Helm 3, " + CONVERSION_RELEASES + " releases of " + CONVERSION_REVISIONS + " revisions ("
                + records.size() + " records, 1.5–7.5 KB)");
        later("");
        later("| Approach | releases/s | revisions/s |");
        later("|---|---|---|");
        later(String.format("| Helm Warden, the whole verified run (preflight %.1f s, quiesce %.1f s, convert %.1f s, verify"
                        + " %.1f s, hand-over %.1f s, resume %.1f s: %.1f s) | %.1f | %.0f |", stepSeconds.get("preflight"),
                stepSeconds.get("quiesce"), stepSeconds.get("convert"), stepSeconds.get("verify"),
                stepSeconds.get("hand-over"), stepSeconds.get("resume"), wholeRun, ourReleases,
                records.size() / wholeRun));
        later(String.format("| Helm Warden, convert step alone (16 releases in flight, oldest revision first in each) | %.1f |"
                + " %.0f |", ourConvertReleases, records.size() / stepSeconds.get("convert")));
        later(String.format("| One sequential create per revision, as helm-2to3 writes (same conversion code, %d releases)"
                + " | %.1f | %.0f |", sequential, sequentialReleases, sequentialRevisions / sequentialSeconds));
        later("");
        later(String.format("The preview's survey of the Tiller (every record read, decoded and converted in memory, each"
                + " target namespace's facts read once) took %.1f s. Helm Warden's convert step vs sequential creates:"
                + " **%.1f×**; its whole run — which also stops Tiller, reads every record back and compares it, and hands"
                + " the Helm 2 records over — vs the sequential writes alone: **%.1f×**. helm-2to3 itself converts one"
                + " release per invocation (a new process and Helm 3 client each time), which this does not count.",
                previewSeconds, ourConvertReleases / sequentialReleases, ourReleases / sequentialReleases));
        later("");
        later(String.format("Heap used (the whole app, fleet inventory included): %.0f MB after GC before the preview, at most"
                + " %.0f MB during preview and run (sampled every 20 ms, garbage not yet collected included): the %d"
                + " records are held undecoded for a step, and decoded and converted 16 releases at a time.",
                heapBefore, peakHeap, records.size()));
        later("");
    }

    /** The most heap in use while it runs, sampled: what a conversion holds beyond the inventory. */
    private static final class PeakHeap {
        private final java.util.concurrent.atomic.AtomicLong max = new java.util.concurrent.atomic.AtomicLong();
        private volatile boolean running = true;
        private final Thread sampler = new Thread(() -> {
            var memory = java.lang.management.ManagementFactory.getMemoryMXBean();
            while (running) {
                max.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "peak-heap");

        static PeakHeap start() {
            PeakHeap peak = new PeakHeap();
            peak.sampler.setDaemon(true);
            peak.sampler.start();
            return peak;
        }

        double stop() throws InterruptedException {
            running = false;
            sampler.join();
            return max.get() / 1e6;
        }
    }

    private static String kubectl(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("kubectl " + String.join(" ", args) + ": " + out);
        }
        return out;
    }

    private static Path kubeconfig;

    private static Path kubeconfig() {
        return kubeconfig;
    }

    private void audit(ConfigurableApplicationContext app) throws Exception {
        AuditLog audit = app.getBean(AuditLog.class);
        int threads = 4;
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                for (int i = thread; i < AUDIT_ENTRIES; i += threads) {
                    audit.append(AuditEvent.by(new AuditEvent.Actor("user-" + i % 200, null, "TEAM_LEAD"),
                                    i % 10 == 0 ? AuditAction.REMEDIATION_STEP : AuditAction.SIGN_IN, AuditEntry.Outcome.SUCCESS)
                            .target("team-" + i % 50, "bench", "ns-" + i % 500, "Tiller tiller-deploy")
                            .details("entry " + i));
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        pool.shutdown();
        double fillSeconds = (System.nanoTime() - start) / 1e9;
        Map<String, AuditFilter> filters = new LinkedHashMap<>();
        filters.put("newest page, no filter", new AuditFilter(null, null, null, null, null, null, null, null));
        filters.put("one team (2% of entries)", new AuditFilter(null, "team-7", null, null, null, null, null, null));
        filters.put("one action (10%)", new AuditFilter(null, null, null, "remediation-step", null, null, null, null));
        filters.put("one actor and team (0.5%... of entries)", new AuditFilter("user-7", "team-7", null, null, null, null,
                null, null));
        later("## 5. Audit log over " + AUDIT_ENTRIES + " entries (embedded H2)");
        later("");
        later(String.format("Filled through the real append path (hash chain, locked head row), 4 writers: %.0f s, %.0f"
                + " appends/s.", fillSeconds, AUDIT_ENTRIES / fillSeconds));
        later("");
        later("| Query (page of 50) | first page | a page half-way down (keyset cursor) |");
        later("|---|---|---|");
        for (var filter : filters.entrySet()) {
            List<Double> first = new ArrayList<>();
            List<Double> deep = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                audit.find(filter.getValue(), null, 50);
                first.add((System.nanoTime() - t0) / 1e6);
                t0 = System.nanoTime();
                audit.find(filter.getValue(), (long) AUDIT_ENTRIES / 2, 50);
                deep.add((System.nanoTime() - t0) / 1e6);
            }
            later("| " + filter.getKey() + " | " + Stats.of(first).format("ms") + " | " + Stats.of(deep).format("ms") + " |");
        }
        later("");
    }

    private static <T> void parallel(List<T> items, int threads, java.util.function.Consumer<T> action) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (T item : items) {
            futures.add(pool.submit(() -> {
                action.accept(item);
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        pool.shutdown();
    }

    private static List<Double> sorted(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values.isEmpty() ? List.of(Double.NaN) : values);
        java.util.Collections.sort(sorted);
        return sorted;
    }

    private static String ms(List<Double> values) {
        Stats stats = Stats.of(values);
        return String.format("%.1f ms (%.1f–%.1f)", stats.median(), stats.min(), stats.max());
    }

    private static String machine() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown CPU");
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize() / (1L << 30);
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + memory + " GB RAM, Java "
                + Runtime.version() + ", max heap " + Runtime.getRuntime().maxMemory() / (1L << 20) + " MB";
    }

    private void line(String text) {
        report.add(text);
    }

    private void later(String text) {
        later.add(text);
    }
}
