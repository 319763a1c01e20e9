package io.helmwarden.support.kube;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.StringWriter;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * A real Kubernetes control plane for tests: etcd and kube-apiserver (RBAC on) on free loopback ports,
 * from the binaries {@code src/test/tools/kube-apiserver-binaries.sh} provides. No scheduler, controllers
 * or kubelet run: objects are stored, validated, authorized and watched exactly as in a cluster, but
 * nothing acts on them. Logs of both processes stay under {@code target/kube-apiserver/}.
 */
public final class KubeApiServer implements AutoCloseable {

    public static final String ADMIN = "admin";
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private final Path workDir;
    private final String adminToken = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    private final List<Process> processes = new ArrayList<>();
    private final List<KubernetesClient> clients = new ArrayList<>();
    private String url;
    private List<String> apiServerCommand;
    private Process apiServer;

    private KubeApiServer(Path workDir) {
        this.workDir = workDir;
    }

    private static KubeApiServer shared;

    /**
     * The control plane shared by every test of this JVM: started on first use, stopped when the JVM
     * exits (a shutdown hook), so Spring test contexts and JUnit extensions can both use it.
     */
    public static synchronized KubeApiServer shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "kube-apiserver-stop"));
        }
        return shared;
    }

    /** Starts etcd and kube-apiserver and waits until the API server is ready. */
    public static KubeApiServer start() {
        Path workDir = Path.of("target", "kube-apiserver").toAbsolutePath();
        var server = new KubeApiServer(workDir);
        try {
            server.launch();
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw new IllegalStateException("could not start the test API server; logs in " + workDir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
            throw new IllegalStateException("interrupted while starting the test API server", e);
        }
    }

    private void launch() throws IOException, InterruptedException {
        Path assets = Path.of(binaries());
        deleteRecursively(workDir);
        Files.createDirectories(workDir.resolve("certs"));
        int etcdPort = freePort();
        int etcdPeerPort = freePort();
        int apiPort = freePort();

        Files.writeString(workDir.resolve("tokens.csv"), adminToken + "," + ADMIN + "," + ADMIN + ",system:masters\n");
        // Who did what, as the API server saw it (user, and the impersonated user when there is one).
        Files.writeString(workDir.resolve("audit-policy.yaml"), """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitStages: [RequestReceived]
                rules:
                - level: None
                  verbs: [get, list, watch]
                - level: Metadata
                """);
        writeServiceAccountKeys();

        start("etcd", List.of(assets.resolve("etcd").toString(),
                "--data-dir", workDir.resolve("etcd").toString(),
                "--listen-client-urls", "http://127.0.0.1:" + etcdPort,
                "--advertise-client-urls", "http://127.0.0.1:" + etcdPort,
                "--listen-peer-urls", "http://127.0.0.1:" + etcdPeerPort,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + etcdPeerPort,
                "--initial-cluster", "default=http://127.0.0.1:" + etcdPeerPort,
                "--unsafe-no-fsync",
                // The benchmark's fleet holds about a gigabyte of release records; the default quota is 2 GB.
                "--quota-backend-bytes=8589934592"));
        apiServerCommand = List.of(assets.resolve("kube-apiserver").toString(),
                "--etcd-servers=http://127.0.0.1:" + etcdPort,
                "--secure-port=" + apiPort,
                "--bind-address=127.0.0.1",
                "--cert-dir=" + workDir.resolve("certs"),
                "--token-auth-file=" + workDir.resolve("tokens.csv"),
                "--authorization-mode=RBAC",
                "--service-account-key-file=" + workDir.resolve("sa.pub"),
                "--service-account-signing-key-file=" + workDir.resolve("sa.key"),
                "--service-account-issuer=https://kubernetes.default.svc",
                "--service-cluster-ip-range=10.0.0.0/16",
                "--allow-privileged=true",
                "--audit-policy-file=" + workDir.resolve("audit-policy.yaml"),
                "--audit-log-path=" + workDir.resolve("audit.log"),
                "--insecure-port=0");
        apiServer = start("kube-apiserver", apiServerCommand);
        url = "https://127.0.0.1:" + apiPort;
        awaitReady(Duration.ofSeconds(90));
    }

    private static String binaries() throws IOException, InterruptedException {
        var process = new ProcessBuilder("bash", "src/test/tools/kube-apiserver-binaries.sh")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0 || out.isEmpty()) {
            throw new IllegalStateException("kube-apiserver-binaries.sh found no etcd/kube-apiserver (see its message)");
        }
        return out;
    }

    private Process start(String name, List<String> command) throws IOException {
        Path log = workDir.resolve(name + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        processes.add(process);
        return process;
    }

    /**
     * Kills kube-apiserver (SIGKILL, as a crash or an OOM kill would) and leaves etcd running: every request
     * fails until {@link #startAgain()}. For fault-injection tests.
     */
    public synchronized void kill() {
        try {
            apiServer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        processes.remove(apiServer);
    }

    /** Starts kube-apiserver again on the same port and state, and waits until it is ready. */
    public synchronized void startAgain() {
        try {
            apiServer = start("kube-apiserver", apiServerCommand);
            awaitReady(Duration.ofSeconds(60));
        } catch (IOException e) {
            throw new IllegalStateException("could not restart kube-apiserver", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting kube-apiserver", e);
        }
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (Process process : processes) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(process.info().command().orElse("a process")
                            + " exited with " + process.exitValue());
                }
            }
            if (ready()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the API server was not ready within " + timeout);
    }

    private boolean ready() {
        try {
            var connection = (HttpsURLConnection) URI.create(url + "/readyz").toURL().openConnection();
            connection.setSSLSocketFactory(trustAll().getSocketFactory());
            connection.setHostnameVerifier((host, session) -> true);
            connection.setRequestProperty("Authorization", "Bearer " + adminToken);
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(2000);
            return connection.getResponseCode() == HttpURLConnection.HTTP_OK;
        } catch (IOException e) {
            return false;
        }
    }

    /** A client with every right (system:masters). */
    public KubernetesClient adminClient() {
        return client(new ConfigBuilder(base()).build());
    }

    /**
     * A client authenticating with a real token of the service account (TokenRequest API), not impersonated: what
     * an app running under that service account holds.
     */
    public KubernetesClient tokenClient(String namespace, String serviceAccount) {
        var request = adminClient().serviceAccounts().inNamespace(namespace).withName(serviceAccount)
                .tokenRequest(new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder().withNewSpec()
                        .withExpirationSeconds(3600L).endSpec().build());
        return client(new ConfigBuilder(base()).withOauthToken(request.getStatus().getToken()).build());
    }

    /** A client acting as this user in these groups (impersonated by the admin), for RBAC tests. */
    public KubernetesClient clientAs(String user, String... groups) {
        Config config = new ConfigBuilder(base()).build();
        config.setImpersonateUsername(user);
        config.setImpersonateGroups(groups);
        return client(config);
    }

    /** A client acting as a namespace's service account, with the groups the API server gives it. */
    public KubernetesClient serviceAccountClient(String namespace, String serviceAccount) {
        return clientAs("system:serviceaccount:" + namespace + ":" + serviceAccount,
                "system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated");
    }

    /** A fresh namespace of its own for a test, so tests never see each other's objects. */
    public String createNamespace(String prefix) {
        String name = prefix + "-" + NAMESPACES.incrementAndGet() + "-" + HexFormat.of().toHexDigits((byte) new SecureRandom().nextInt());
        adminClient().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata()
                .build()).create();
        return name;
    }

    /** The API server's audit log: one JSON event per line, writes only (reads are not logged). */
    public Path auditLog() {
        return Path.of("target", "kube-apiserver", "audit.log").toAbsolutePath();
    }

    public String url() {
        return url;
    }

    /** A kubeconfig for kubectl as the admin (the test server's certificate is self-signed). */
    public Path writeKubeconfig(Path file) throws IOException {
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: admin
                  user:
                    token: %s
                contexts:
                - name: test
                  context: {cluster: test, user: admin}
                current-context: test
                """.formatted(url, adminToken));
        return file;
    }

    private Config base() {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(url)
                .withTrustCerts(true)
                .withDisableHostnameVerification(true)
                .withOauthToken(adminToken)
                .withNamespace("default")
                .withRequestTimeout(10_000)
                .build();
    }

    private synchronized KubernetesClient client(Config config) {
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        clients.add(client);
        return client;
    }

    private void writeServiceAccountKeys() throws IOException {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            var keys = generator.generateKeyPair();
            Files.writeString(workDir.resolve("sa.key"), pem(keys.getPrivate()));
            Files.writeString(workDir.resolve("sa.pub"), pem(keys.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(Object key) throws IOException {
        var out = new StringWriter();
        try (var writer = new JcaPEMWriter(out)) {
            writer.writeObject(key);
        }
        return out.toString();
    }

    private static SSLContext trustAll() {
        try {
            var context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Stops kube-apiserver, then etcd, and waits for both: no process outlives the test run. */
    @Override
    public synchronized void close() {
        clients.forEach(KubernetesClient::close);
        clients.clear();
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process process = processes.get(i);
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        processes.clear();
    }
}
