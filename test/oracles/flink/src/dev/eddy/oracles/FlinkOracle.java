package dev.eddy.oracles;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.ResultKind;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * Runs Flink SQL scripts on one in-process Flink MiniCluster and writes what each statement
 * returns as JSON Lines, so that Eddy's tests can compare Eddy's answers with Flink's.
 *
 * <p>Two modes:
 *
 * <ul>
 *   <li>{@code FlinkOracle serve}: starts the MiniCluster once, then an HTTP server on a free
 *       loopback port (printed as {@code LISTENING <port>} on stdout). {@code POST /run} with a
 *       script as the body answers with the script's JSON Lines. One JVM serves a whole test run.
 *   <li>{@code FlinkOracle script.sql ...}: runs each script and prints its JSON Lines.
 * </ul>
 *
 * <p>Output, one object a line: {@code {"stmt":i,"columns":[...]}} for each statement with rows,
 * then {@code {"stmt":i,"op":"+I","row":[...]}} for each row (op is Flink's RowKind: +I, -U, +U,
 * -D), and {@code {"stmt":i,"error":"..."}} where a statement fails (the script stops there).
 *
 * <p>Every script gets a fresh TableEnvironment in streaming mode at parallelism 1 with the
 * watermark emitted after every row that advances it ({@code pipeline.auto-watermark-interval} =
 * 0) and one-phase aggregation, so that which rows are late does not depend on timing.
 */
public final class FlinkOracle {
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT);

    private final URI rest;

    private FlinkOracle(URI rest) {
        this.rest = rest;
    }

    public static void main(String[] args) throws Exception {
        MiniCluster cluster = startCluster();
        FlinkOracle oracle = new FlinkOracle(cluster.getRestAddress().get());
        if (args.length == 1 && args[0].equals("serve")) {
            oracle.serve();
            return;
        }
        try {
            for (String path : args) {
                String script = Files.readString(Path.of(path), StandardCharsets.UTF_8);
                oracle.run(script, System.out);
            }
        } finally {
            System.out.flush();
            cluster.close();
        }
        System.exit(0);
    }

    private static MiniCluster startCluster() throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 8);
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(8)
                                .build());
        cluster.start();
        return cluster;
    }

    private void serve() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/run", this::handleRun);
        server.createContext("/quit", ex -> {
            respond(ex, 200, new byte[0]);
            System.exit(0);
        });
        // Two scripts at a time: the machine has two cores; the test files' requests queue here.
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        System.out.println("LISTENING " + server.getAddress().getPort());
        System.out.flush();
    }

    private void handleRun(HttpExchange ex) throws IOException {
        String script = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(buf, false, StandardCharsets.UTF_8)) {
            run(script, out);
        }
        respond(ex, 200, buf.toByteArray());
    }

    private static void respond(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/x-ndjson");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
        ex.close();
    }

    /** Runs every statement of {@code script} on a fresh TableEnvironment; stops at the first error. */
    void run(String script, PrintStream out) {
        Configuration conf = new Configuration();
        conf.set(DeploymentOptions.TARGET, "remote");
        conf.set(RestOptions.ADDRESS, rest.getHost());
        conf.set(RestOptions.PORT, rest.getPort());
        conf.setString("parallelism.default", "1");
        conf.setString("pipeline.auto-watermark-interval", "0 ms");
        conf.setString("table.optimizer.agg-phase-strategy", "ONE_PHASE");
        conf.setString("table.local-time-zone", "UTC");
        conf.setString("table.display.max-column-width", "1000");
        List<String> statements;
        try {
            statements = split(script);
        } catch (RuntimeException e) {
            out.println("{\"stmt\":0,\"error\":" + quote(describe(e)) + "}");
            return;
        }
        TableEnvironment env;
        try {
            env = TableEnvironment.create(EnvironmentSettings.newInstance().inStreamingMode().withConfiguration(conf).build());
        } catch (RuntimeException e) {
            out.println("{\"stmt\":0,\"error\":" + quote(describe(e)) + "}");
            return;
        }
        for (int i = 0; i < statements.size(); i++) {
            try {
                TableResult result = env.executeSql(statements.get(i));
                if (result.getResultKind() == ResultKind.SUCCESS_WITH_CONTENT) {
                    writeRows(i, result, out);
                } else if (result.getJobClient().isPresent()) {
                    result.await(); // INSERT INTO: wait for the job, so the sink's files are complete
                }
            } catch (Exception e) {
                out.println("{\"stmt\":" + i + ",\"error\":" + quote(describe(e)) + "}");
                return;
            }
        }
    }

    private static void writeRows(int stmt, TableResult result, PrintStream out) throws Exception {
        List<String> names = result.getResolvedSchema().getColumnNames();
        StringBuilder cols = new StringBuilder("{\"stmt\":" + stmt + ",\"columns\":[");
        for (int c = 0; c < names.size(); c++) cols.append(c == 0 ? "" : ",").append(quote(names.get(c)));
        out.println(cols.append("]}"));
        try (CloseableIterator<Row> it = result.collect()) {
            while (it.hasNext()) {
                Row row = it.next();
                StringBuilder line = new StringBuilder("{\"stmt\":" + stmt + ",\"op\":\"" + row.getKind().shortString() + "\",\"row\":[");
                for (int c = 0; c < row.getArity(); c++) {
                    if (c > 0) line.append(',');
                    appendValue(line, row.getField(c));
                }
                out.println(line.append("]}"));
            }
        }
    }

    private static void appendValue(StringBuilder sb, Object v) {
        if (v == null) sb.append("null");
        else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) sb.append(v);
        else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            // JSON has no NaN or infinities: those are written as strings, as Flink prints them.
            if (Double.isNaN(d) || Double.isInfinite(d)) sb.append(quote(String.valueOf(d)));
            else sb.append(v instanceof Float ? Float.toString((Float) v) : Double.toString(d));
        } else if (v instanceof BigDecimal) sb.append(((BigDecimal) v).toPlainString());
        else if (v instanceof LocalDateTime) sb.append(quote(TS.format((LocalDateTime) v)));
        else if (v instanceof Instant) sb.append(quote(TS.format(LocalDateTime.ofInstant((Instant) v, ZoneOffset.UTC))));
        else if (v instanceof LocalDate || v instanceof LocalTime) sb.append(quote(v.toString()));
        else if (v instanceof byte[]) sb.append(quote(Base64.getEncoder().encodeToString((byte[]) v)));
        else sb.append(quote(v.toString()));
    }

    /** The error and its causes, one line each (Flink's useful message is often a cause's). */
    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (sb.length() > 0) sb.append("\ncaused by: ");
            sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return sb.toString();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (ch < 0x20) sb.append(String.format("\\u%04x", (int) ch));
                    else sb.append(ch);
            }
        }
        return sb.append('"').toString();
    }

    /** Splits a script at top-level semicolons, outside quotes and comments; drops empty statements. */
    static List<String> split(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int n = script.length();
        for (int i = 0; i < n; i++) {
            char ch = script.charAt(i);
            if (ch == '\'' || ch == '"' || ch == '`') {
                int j = i + 1;
                while (j < n) {
                    if (script.charAt(j) == ch) {
                        if (j + 1 < n && script.charAt(j + 1) == ch) j += 2; // doubled quote
                        else break;
                    } else j++;
                }
                if (j >= n) throw new IllegalArgumentException("unterminated quote at offset " + i);
                cur.append(script, i, j + 1);
                i = j;
            } else if (ch == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                while (i < n && script.charAt(i) != '\n') i++;
                cur.append('\n');
            } else if (ch == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                if (end < 0) throw new IllegalArgumentException("unterminated comment at offset " + i);
                i = end + 1;
                cur.append(' ');
            } else if (ch == ';') {
                if (!cur.toString().isBlank()) out.add(cur.toString().trim());
                cur.setLength(0);
            } else cur.append(ch);
        }
        if (!cur.toString().isBlank()) out.add(cur.toString().trim());
        return out;
    }
}
