// Runs Neo4j Community as an embedded database with the Bolt connector on, until
// SIGTERM. Started and stopped by `fupin neo4j start|stop` (graph/local.py), which
// resolves the jars with pom.xml beside this file and runs:
//
//   java <flags> -cp "lib/*" Launcher.java HOME HOST PORT PAGECACHE_MB TX_TIMEOUT_S
//
// The password comes from the FUPIN_NEO4J_PASSWORD environment variable so that it
// never shows in a process listing. The launcher prints "FUPIN-NEO4J-READY" once
// Bolt is listening and the password is set.

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

public class Launcher {
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: Launcher HOME HOST PORT PAGECACHE_MB TX_TIMEOUT_S");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        long pageCacheMb = Long.parseLong(args[3]);
        long txTimeout = Long.parseLong(args[4]);
        String password = System.getenv("FUPIN_NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("FUPIN_NEO4J_PASSWORD must be set, 8 characters at least");
            System.exit(2);
        }

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                // The routing table a neo4j:// driver asks for names this address: left
                // at its default (localhost:7687) it would send every query elsewhere.
                .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofSeconds(txTimeout))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("FUPIN-NEO4J-STOPPING");
            dbms.shutdown();
            System.out.println("FUPIN-NEO4J-STOPPED");
        }));

        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            // A restart with the same password: Neo4j refuses to "change" it to itself.
            String message = String.valueOf(e.getMessage());
            if (!message.contains("cannot be the same")) {
                throw e;
            }
        }
        System.out.println("FUPIN-NEO4J-READY " + host + ":" + port);
        System.out.flush();
        Thread.currentThread().join();
    }
}
