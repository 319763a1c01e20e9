package io.helmwarden.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * A real PostgreSQL server from Debian's packages, in a throw-away data folder on a free loopback port,
 * started once per test JVM and stopped when it exits; each test takes a fresh database of its own.
 * PostgreSQL refuses to run as root, so under root it runs as the {@code postgres} account.
 */
public final class PostgresServer implements AutoCloseable {

    private static PostgresServer shared;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    /** The server of this test JVM, started on first use. */
    public static synchronized PostgresServer shared() throws IOException, InterruptedException {
        if (shared == null) {
            shared = start();
            PostgresServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException | InterruptedException e) {
                    // The JVM is exiting; the data folder is temporary.
                }
            }, "postgres-stop"));
        }
        return shared;
    }

    /** A new, empty database on this server. */
    public DataSource newDatabase() {
        String name = "test_" + DATABASES.incrementAndGet();
        JdbcClient.create(dataSource("postgres")).sql("CREATE DATABASE " + name).update();
        return dataSource(name);
    }

    private final Path dataDir;
    private final Path bin;
    private final int port;

    private PostgresServer(Path bin, Path dataDir, int port) {
        this.bin = bin;
        this.dataDir = dataDir;
        this.port = port;
    }

    private static PostgresServer start() throws IOException, InterruptedException {
        Path bin;
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            bin = versions.map(version -> version.resolve("bin")).filter(dir -> Files.isExecutable(dir.resolve("postgres")))
                    .sorted().reduce((first, second) -> second)
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL server: apt-get install postgresql"));
        }
        Path dataDir = Files.createTempDirectory("helm-warden-postgres");
        int port;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        var server = new PostgresServer(bin, dataDir, port);
        if (isRoot()) {
            run(List.of("chown", "postgres:postgres", dataDir.toString()));
        }
        server.pg("initdb", "-D", dataDir.resolve("data").toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8");
        server.pg("pg_ctl", "-D", dataDir.resolve("data").toString(), "-l", dataDir.resolve("server.log").toString(),
                "-o", "-p " + port + " -h 127.0.0.1 -k " + dataDir, "-w", "start");
        return server;
    }

    private DataSource dataSource(String database) {
        var dataSource = new SimpleDriverDataSource();
        dataSource.setDriverClass(org.postgresql.Driver.class);
        dataSource.setUrl("jdbc:postgresql://127.0.0.1:" + port + "/" + database);
        dataSource.setUsername("postgres");
        return dataSource;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        pg("pg_ctl", "-D", dataDir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
        run(List.of("rm", "-rf", dataDir.toString()));
    }

    private void pg(String program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        run(command);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
