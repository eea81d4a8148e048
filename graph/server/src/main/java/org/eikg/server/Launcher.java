package org.eikg.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.kernel.internal.Version;

/**
 * Runs Neo4j Community through its embedded API with Bolt on 127.0.0.1 only.
 *
 * <p>Usage: {@code Launcher --store DIR --port N --password-file FILE [--pagecache SIZE]
 * [--ready-file FILE]}. Authentication is on; the password of user {@code neo4j} is set from
 * the password file at every start (the file is the source of truth). When the server is ready
 * the ready file is written. SIGTERM runs a shutdown hook that shuts the service down, which
 * checkpoints and flushes the store, so a later start sees all data.
 */
public final class Launcher {

    private Launcher() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> options = parse(args);
        Path store = Path.of(require(options, "--store")).toAbsolutePath();
        int port = Integer.parseInt(require(options, "--port"));
        String password = Files.readString(Path.of(require(options, "--password-file")),
                StandardCharsets.UTF_8).strip();
        long pagecache = parseSize(options.getOrDefault("--pagecache", "256m"));
        Path readyFile = options.containsKey("--ready-file") ? Path.of(options.get("--ready-file")) : null;

        log("starting Neo4j " + Version.getNeo4jVersion() + " with store " + store);
        DatabaseManagementService service = new DatabaseManagementServiceBuilder(store)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                // No usage reports to Neo4j Inc.: this machine talks to nobody.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pagecache)
                // A local store for analysis, not an archive: keep ~100 MB of
                // transaction logs instead of two days' worth of 256 MB files.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "100M size")
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, 32L << 20)
                // Logs are pruned at checkpoints: take them every 5 min, not 15.
                .setConfig(GraphDatabaseSettings.check_point_interval_time, Duration.ofMinutes(5))
                // The databases are flushed before Bolt stops: no need for Bolt's
                // default 5 s + 5 s grace on shutdown.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("shutting down (store flushed on shutdown)");
            service.shutdown();
            log("stopped");
            stopped.countDown();
        }, "eikg-shutdown"));

        setPassword(service, password, store.resolve("eikg-password.sha256"));
        if (readyFile != null) {
            Files.writeString(readyFile, "bolt://127.0.0.1:" + port + "\n", StandardCharsets.UTF_8);
        }
        log("ready: Neo4j " + Version.getNeo4jVersion() + " on bolt://127.0.0.1:" + port);
        stopped.await();
    }

    /**
     * Make the password file's password the one of user neo4j, without a forced change.
     *
     * <p>The digest of the password last set is kept in the store, so a restart with the same
     * password file skips the system-database command (seconds on a small machine).
     */
    private static void setPassword(DatabaseManagementService service, String password, Path applied)
            throws IOException {
        String digest = sha256(password);
        if (Files.isRegularFile(applied)
                && Files.readString(applied, StandardCharsets.UTF_8).strip().equals(digest)) {
            log("password of user neo4j unchanged since the last start");
            return;
        }
        GraphDatabaseService system = service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        Map<String, Object> params = new HashMap<>();
        params.put("password", password);
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", params);
            log("password of user neo4j set from the password file");
        } catch (QueryExecutionException e) {
            // Neo4j refuses to "change" a password to the one it already has: nothing to do.
            if (e.getMessage() == null || !e.getMessage().contains("cannot be the same")) {
                throw e;
            }
            log("password of user neo4j already matches the password file");
        }
        Files.writeString(applied, digest + "\n", StandardCharsets.UTF_8);
    }

    private static String sha256(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing option " + name);
        }
        return value;
    }

    private static long parseSize(String text) {
        String lower = text.toLowerCase();
        long unit = 1;
        if (lower.endsWith("k")) {
            unit = 1L << 10;
        } else if (lower.endsWith("m")) {
            unit = 1L << 20;
        } else if (lower.endsWith("g")) {
            unit = 1L << 30;
        }
        String digits = unit == 1 ? lower : lower.substring(0, lower.length() - 1);
        return Long.parseLong(digits) * unit;
    }

    private static void log(String message) {
        System.out.println(Instant.now() + " eikg-server: " + message);
        System.out.flush();
    }
}
